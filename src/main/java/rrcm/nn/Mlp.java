package rrcm.nn;

import rrcm.backend.Backend;
import rrcm.tensor.Tensor;

/** fc1 -> exact GELU -> fc2. */
public final class Mlp extends Module {
    public final Linear fc1;
    public final Linear fc2;

    public Mlp(Backend be, Init init, int dim, int hidden) {
        this.fc1 = child("fc1", Linear.vit(be, init, dim, hidden, true));
        this.fc2 = child("fc2", Linear.vit(be, init, hidden, dim, true));
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(fc1.forward(x).gelu());
    }
}
