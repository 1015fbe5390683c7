package rrcm.tensor;

import rrcm.backend.DType;

/** argmax and dtype conversion. */
final class Indexing {
    private Indexing() {}

    static Tensor argmax(Tensor x, int axis) {
        Ops.floats("argmax", x);
        int[] s = x.shape();
        int a = Shape.axis("argmax", axis, s.length);
        int outer = Shape.outer(s, a), inner = Shape.inner(s, a);
        int[] outShape = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != a) outShape[j++] = s[i];
        Tensor out = Tensor.empty(x.backend(), DType.I32, outShape);
        x.backend().reduce().argmax(x.storage(), outer, s[a], inner, out.storage());
        return out;
    }

    static Tensor convert(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        Tensor out = Tensor.empty(x.backend(), dtype, x.shape());
        x.backend().convert(x.storage(), out.storage());
        return out;
    }
}
