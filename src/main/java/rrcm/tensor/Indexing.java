package rrcm.tensor;

import rrcm.backend.DType;

/** Selection by int32 indices, argmax and dtype conversion. */
final class Indexing {
    private Indexing() {}

    static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        index.requireDType("indexSelect index", DType.I32);
        Ops.sameBackend("indexSelect", x, index);
        if (index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Shape.str(index.shape()));
        }
        int[] s = x.shape();
        int a = Shape.axis("indexSelect", axis, s.length);
        int outer = Shape.outer(s, a), inner = Shape.inner(s, a), count = index.numel();
        Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.with(s, a, count));
        x.backend().indexSelect(x.storage(), outer, s[a], inner, index.storage(), count, out.storage());
        return Autograd.record("index_select", out, g -> {
            Tensor gx = Tensor.zerosLike(x);
            x.backend().indexAdd(g.storage(), outer, s[a], inner, index.storage(), count, gx.storage());
            return new Tensor[] {gx, null};
        }, x, index);
    }

    static Tensor gather(Tensor x, int axis, Tensor index) {
        index.requireDType("gather index", DType.I32);
        Ops.sameBackend("gather", x, index);
        int[] s = x.shape(), is = index.shape();
        int a = Shape.axis("gather", axis, s.length);
        boolean fits = is.length == s.length;
        for (int i = 0; fits && i < s.length; i++) fits = i == a || is[i] == s[i];
        if (!fits) {
            throw new IllegalArgumentException("gather: index shape " + Shape.str(is) + " must equal input shape "
                    + Shape.str(s) + " except along axis " + axis);
        }
        int outer = Shape.outer(s, a), inner = Shape.inner(s, a), count = is[a];
        Tensor out = Tensor.empty(x.backend(), x.dtype(), is);
        x.backend().gather(x.storage(), outer, s[a], inner, index.storage(), count, out.storage());
        return Autograd.record("gather", out, g -> {
            Tensor gx = Tensor.zerosLike(x);
            x.backend().scatterAdd(g.storage(), outer, s[a], inner, index.storage(), count, gx.storage());
            return new Tensor[] {gx, null};
        }, x, index);
    }

    static Tensor argmax(Tensor x, int axis) {
        Ops.floats("argmax", x);
        int[] s = x.shape();
        int a = Shape.axis("argmax", axis, s.length);
        int outer = Shape.outer(s, a), inner = Shape.inner(s, a);
        int[] outShape = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != a) outShape[j++] = s[i];
        Tensor out = Tensor.empty(x.backend(), DType.I32, outShape);
        x.backend().argmax(x.storage(), outer, s[a], inner, out.storage());
        return out;
    }

    static Tensor convert(Tensor x, DType dtype) {
        if (x.dtype() == dtype) return x;
        Tensor out = Tensor.empty(x.backend(), dtype, x.shape());
        x.backend().convert(x.storage(), out.storage());
        return out;
    }
}
