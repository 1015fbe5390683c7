package rrcm.optim;

import java.util.ArrayList;
import java.util.List;
import rrcm.tensor.InPlace;
import rrcm.tensor.Tensor;

/** Global gradient norm and clipping, computed on the backend: only the logged norm ever reaches the host. */
public final class GradClip {
    private GradClip() {}

    /** sqrt of the sum of squares of every gradient, as a single-element tensor. */
    public static Tensor globalNorm(List<Tensor> params) {
        List<Tensor> squares = new ArrayList<>();
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) squares.add(g.mul(g).sum().reshape(1));
        }
        if (squares.isEmpty()) throw new IllegalStateException("gradient clipping: no parameter has a gradient");
        return Tensor.concat(squares, 0).sum().sqrt();
    }

    /**
     * Scales every gradient by min(1, maxNorm / (norm + 1e-6)), as torch.nn.utils.clip_grad_norm_, and
     * returns the norm before clipping.
     */
    public static Tensor clip(List<Tensor> params, float maxNorm) {
        Tensor norm = globalNorm(params);
        Tensor coef = norm.add(1e-6f).pow(-1f).mul(maxNorm);
        InPlace.clampMax(coef, 1f);
        for (Tensor p : params) if (p.grad() != null) InPlace.scale(p.grad(), coef);
        return norm;
    }
}
