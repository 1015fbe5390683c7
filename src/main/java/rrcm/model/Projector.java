package rrcm.model;

import rrcm.backend.Backend;
import rrcm.nn.BatchNorm1d;
import rrcm.nn.Init;
import rrcm.nn.Linear;
import rrcm.nn.Module;
import rrcm.tensor.Tensor;

/**
 * The pre-training projector: Linear(D, H) -> BN -> ReLU -> Linear(H, H) -> BN -> ReLU -> Linear(H, out),
 * linears without bias, no BN at the end. Names follow an nn.Sequential: projector.0, .1, .3, .4, .6.
 */
public final class Projector extends Module {
    private final Linear fc1, fc2, fc3;
    private final BatchNorm1d bn1, bn2;

    public Projector(Backend be, Init init, int dim, int hidden, int out) {
        fc1 = child("0", Linear.standard(be, init, dim, hidden, false));
        bn1 = child("1", new BatchNorm1d(be, hidden));
        fc2 = child("3", Linear.standard(be, init, hidden, hidden, false));
        bn2 = child("4", new BatchNorm1d(be, hidden));
        fc3 = child("6", Linear.standard(be, init, hidden, out, false));
    }

    /** (B, D) -> (B, out). */
    public Tensor forward(Tensor x) {
        Tensor h = bn1.forward(fc1.forward(x)).relu();
        h = bn2.forward(fc2.forward(h)).relu();
        return fc3.forward(h);
    }
}
