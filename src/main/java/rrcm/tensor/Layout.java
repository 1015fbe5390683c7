package rrcm.tensor;

import java.util.List;
import rrcm.backend.Backend;

/** Shape and layout ops: views (reshape and friends) and copies (permute, expand, narrow, concat). */
final class Layout {
    private Layout() {}

    static Tensor reshape(Tensor x, int[] newShape) {
        int[] shape = resolve(x, newShape);
        int[] old = x.shape();
        Tensor out = x.view(shape);
        return Autograd.record("reshape", out, g -> new Tensor[] {g.reshape(old)}, x);
    }

    /** Fills in a -1 and checks the element count. */
    private static int[] resolve(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && unknown < 0) unknown = i;
            else if (s[i] < 1) throw new IllegalArgumentException("reshape: invalid size " + s[i] + " in " + Shape.str(newShape));
            else known *= s[i];
        }
        int n = x.numel();
        if (unknown >= 0) {
            if (n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view " + Shape.str(x.shape()) + " as " + Shape.str(newShape));
            }
            s[unknown] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape: cannot view " + Shape.str(x.shape()) + " (" + n
                    + " elements) as " + Shape.str(newShape) + " (" + known + " elements)");
        }
        return s;
    }

    static Tensor flatten(Tensor x, int from, int to) {
        int[] s = x.shape();
        int a = Shape.axis("flatten", from, s.length), b = Shape.axis("flatten", to, s.length);
        if (a > b) throw new IllegalArgumentException("flatten: start axis " + from + " is after end axis " + to);
        int[] out = new int[s.length - (b - a)];
        int k = 0;
        for (int i = 0; i < a; i++) out[k++] = s[i];
        int merged = 1;
        for (int i = a; i <= b; i++) merged *= s[i];
        out[k++] = merged;
        for (int i = b + 1; i < s.length; i++) out[k++] = s[i];
        return reshape(x, out);
    }

    static Tensor unsqueeze(Tensor x, int axis) {
        int[] s = x.shape();
        int a = Shape.axis("unsqueeze", axis, s.length + 1);
        int[] out = new int[s.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) out[i] = i == a ? 1 : s[j++];
        return reshape(x, out);
    }

    static Tensor squeeze(Tensor x, int axis) {
        int[] s = x.shape();
        int a = Shape.axis("squeeze", axis, s.length);
        if (s[a] != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " of " + Shape.str(s) + " has size " + s[a]);
        int[] out = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != a) out[j++] = s[i];
        return reshape(x, out);
    }

    static Tensor permute(Tensor x, int[] perm) {
        int[] s = x.shape();
        if (perm.length != s.length) {
            throw new IllegalArgumentException("permute: " + perm.length + " axes given for a tensor of rank " + s.length);
        }
        int[] p = new int[perm.length], inverse = new int[perm.length], out = new int[perm.length];
        boolean[] used = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            p[i] = Shape.axis("permute", perm[i], s.length);
            if (used[p[i]]) throw new IllegalArgumentException("permute: axis " + perm[i] + " appears twice");
            used[p[i]] = true;
            inverse[p[i]] = i;
            out[i] = s[p[i]];
        }
        Tensor y = Tensor.empty(x.backend(), x.dtype(), out);
        x.backend().layout().permute(x.storage(), s, p, y.storage());
        return Autograd.record("permute", y, g -> new Tensor[] {permute(g, inverse)}, x);
    }

    static Tensor transpose(Tensor x, int a, int b) {
        int rank = x.rank();
        int[] perm = Reductions.all(rank);
        int i = Shape.axis("transpose", a, rank), j = Shape.axis("transpose", b, rank);
        perm[i] = j;
        perm[j] = i;
        return permute(x, perm);
    }

    static Tensor expand(Tensor x, int[] shape) {
        Ops.floats("expand", x);
        int[] s = x.shape();
        int[] target = Shape.checked("expand", shape);
        if (!Shape.same(Shape.broadcast("expand", s, target), target)) {
            throw new IllegalArgumentException("expand: " + Shape.str(s) + " cannot be broadcast to " + Shape.str(target));
        }
        if (Shape.same(s, target)) return x;
        Tensor out = Tensor.empty(x.backend(), x.dtype(), target);
        x.backend().elementwise().expand(x.storage(), s, out.storage(), target);
        return Autograd.record("expand", out, g -> new Tensor[] {Pointwise.sumTo(g, s)}, x);
    }

    static Tensor narrow(Tensor x, int axis, int start, int length) {
        int[] s = x.shape();
        int a = Shape.axis("narrow", axis, s.length);
        if (start < 0 || length < 1 || start + length > s[a]) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") is not inside axis "
                    + axis + " of size " + s[a]);
        }
        int outer = Shape.outer(s, a), inner = Shape.inner(s, a);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.with(s, a, length));
        x.backend().layout().copyRows(x.storage(), start * inner, s[a] * inner, out.storage(), 0, length * inner, outer,
                length * inner, false);
        return Autograd.record("narrow", out, g -> {
            Tensor gx = Tensor.zerosLike(x);
            x.backend().layout().copyRows(g.storage(), 0, length * inner, gx.storage(), start * inner, s[a] * inner, outer,
                    length * inner, false);
            return new Tensor[] {gx};
        }, x);
    }

    static Tensor copy(Tensor x) {
        Tensor out = Tensor.emptyLike(x);
        x.backend().copy(x.storage(), 0, out.storage(), 0, x.numel());
        return Autograd.record("copy", out, g -> new Tensor[] {g}, x);
    }

    static Tensor concat(List<Tensor> parts, int axis) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concat: no tensors given");
        Tensor first = parts.get(0);
        int[] s0 = first.shape();
        int a = Shape.axis("concat", axis, s0.length);
        int total = 0;
        for (Tensor t : parts) {
            int[] s = t.shape();
            if (s.length != s0.length || t.dtype() != first.dtype()) {
                throw new IllegalArgumentException("concat: cannot join " + first.dtype() + " " + Shape.str(s0)
                        + " with " + t.dtype() + " " + Shape.str(s));
            }
            for (int i = 0; i < s.length; i++) {
                if (i != a && s[i] != s0[i]) {
                    throw new IllegalArgumentException("concat: shapes " + Shape.str(s0) + " and " + Shape.str(s)
                            + " differ outside axis " + axis);
                }
            }
            total += s[a];
        }
        Ops.sameBackend("concat", parts.toArray(new Tensor[0]));
        Backend be = first.backend();
        int outer = Shape.outer(s0, a), inner = Shape.inner(s0, a);
        Tensor out = Tensor.empty(be, first.dtype(), Shape.with(s0, a, total));
        int[] starts = new int[parts.size()];
        int at = 0;
        for (int k = 0; k < parts.size(); k++) {
            Tensor t = parts.get(k);
            int len = t.shape()[a];
            starts[k] = at;
            be.layout().copyRows(t.storage(), 0, len * inner, out.storage(), at * inner, total * inner, outer, len * inner, false);
            at += len;
        }
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        return Autograd.record("concat", out, g -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k].requiresGrad()) gs[k] = narrow(g, a, starts[k], inputs[k].shape()[a]);
            }
            return gs;
        }, inputs);
    }

    static Tensor stack(List<Tensor> parts, int axis) {
        if (parts.isEmpty()) throw new IllegalArgumentException("stack: no tensors given");
        int rank = parts.get(0).rank();
        int a = Shape.axis("stack", axis, rank + 1);
        for (Tensor t : parts) {
            if (!Shape.same(t.shape(), parts.get(0).shape())) {
                throw new IllegalArgumentException("stack: shapes " + Shape.str(parts.get(0).shape()) + " and "
                        + Shape.str(t.shape()) + " differ");
            }
        }
        return concat(parts.stream().map(t -> unsqueeze(t, a)).toList(), a);
    }
}
