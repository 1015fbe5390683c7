package rrcm.tensor;

import rrcm.backend.Backend;
import rrcm.backend.BinaryOp;
import rrcm.backend.DType;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.UnaryOp;

/** Elementwise ops with broadcasting, each forward beside its backward. */
final class Pointwise {
    private Pointwise() {}

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        Ops.floatsOnOneBackend(name, a, b);
        int[] shape = Shape.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.empty(a.backend(), DType.F32, shape);
        a.backend().elementwise().binary(op, a.storage(), a.shape(), b.storage(), b.shape(), out.storage(), shape);
        return out;
    }

    static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", BinaryOp.ADD, a, b);
        return Autograd.record("add", out, g -> new Tensor[] {sumTo(g, a.shape()), sumTo(g, b.shape())}, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", BinaryOp.SUB, a, b);
        return Autograd.record("sub", out, g -> new Tensor[] {sumTo(g, a.shape()),
            b.requiresGrad() ? sumTo(g, b.shape()).neg() : null}, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", BinaryOp.MUL, a, b);
        return Autograd.record("mul", out, g -> new Tensor[] {
            a.requiresGrad() ? sumTo(g.mul(b), a.shape()) : null,
            b.requiresGrad() ? sumTo(g.mul(a), b.shape()) : null}, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", BinaryOp.DIV, a, b);
        // d(a/b)/db = -a/b^2 = -out/b
        return Autograd.record("div", out, g -> new Tensor[] {
            a.requiresGrad() ? sumTo(g.div(b), a.shape()) : null,
            b.requiresGrad() ? sumTo(g.mul(out).div(b).neg(), b.shape()) : null}, a, b);
    }

    /** Ties send half of the gradient to each side, as PyTorch does. */
    static Tensor maximum(Tensor a, Tensor b) {
        return minMax("maximum", BinaryOp.MAX, a, b);
    }

    static Tensor minimum(Tensor a, Tensor b) {
        return minMax("minimum", BinaryOp.MIN, a, b);
    }

    private static Tensor minMax(String name, BinaryOp op, Tensor a, Tensor b) {
        Tensor out = binary(name, op, a, b);
        return Autograd.record(name, out, g -> {
            Tensor wins = op == BinaryOp.MAX ? binary(name, BinaryOp.GT, a, b) : binary(name, BinaryOp.GT, b, a);
            Tensor share = wins.add(binary(name, BinaryOp.EQ, a, b).mul(0.5f));
            return new Tensor[] {
                a.requiresGrad() ? sumTo(g.mul(share), a.shape()) : null,
                b.requiresGrad() ? sumTo(g.mul(share.rsub(1f)), b.shape()) : null};
        }, a, b);
    }

    static Tensor eq(Tensor a, Tensor b) {
        return binary("eq", BinaryOp.EQ, a, b);
    }

    static Tensor gt(Tensor a, Tensor b) {
        return binary("gt", BinaryOp.GT, a, b);
    }

    static Tensor scalar(String name, ScalarOp op, Tensor x, float s) {
        Ops.floats(name, x);
        Tensor out = Tensor.emptyLike(x);
        x.backend().elementwise().scalar(op, x.storage(), s, out.storage());
        return out;
    }

    static Tensor add(Tensor x, float s) {
        Tensor out = scalar("add", ScalarOp.ADD, x, s);
        return Autograd.record("add_scalar", out, g -> new Tensor[] {g}, x);
    }

    static Tensor mul(Tensor x, float s) {
        Tensor out = scalar("mul", ScalarOp.MUL, x, s);
        return Autograd.record("mul_scalar", out, g -> new Tensor[] {g.mul(s)}, x);
    }

    static Tensor div(Tensor x, float s) {
        Tensor out = scalar("div", ScalarOp.DIV, x, s);
        return Autograd.record("div_scalar", out, g -> new Tensor[] {g.div(s)}, x);
    }

    static Tensor rsub(Tensor x, float s) {
        Tensor out = scalar("rsub", ScalarOp.RSUB, x, s);
        return Autograd.record("rsub_scalar", out, g -> new Tensor[] {g.neg()}, x);
    }

    static Tensor pow(Tensor x, float p) {
        Tensor out = scalar("pow", ScalarOp.POW, x, p);
        return Autograd.record("pow", out, g -> new Tensor[] {
            p == 2f ? g.mul(x).mul(2f) : g.mul(scalar("pow", ScalarOp.POW, x, p - 1f)).mul(p)}, x);
    }

    /** max(x, min); the gradient passes where x &gt;= min, as torch.clamp_min. */
    static Tensor clampMin(Tensor x, float min) {
        Tensor out = scalar("clampMin", ScalarOp.MAX, x, min);
        return Autograd.record("clamp_min", out, g -> new Tensor[] {g.mul(eq(out, x))}, x);
    }

    static Tensor unary(Tensor x, UnaryOp op) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        Ops.floats(name, x);
        Backend be = x.backend();
        Tensor out = Tensor.emptyLike(x);
        be.elementwise().unary(op, x.storage(), out.storage());
        return Autograd.record(name, out, g -> {
            Tensor gx = Tensor.emptyLike(x);
            be.elementwise().unaryBackward(op, x.storage(), out.storage(), g.storage(), gx.storage());
            return new Tensor[] {gx};
        }, x);
    }

    /** Sums a broadcast gradient back to the shape of the operand it came from. */
    static Tensor sumTo(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Shape.same(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] keep = new int[gs.length];
        for (int i = 0; i < gs.length; i++) keep[i] = i < lead ? 1 : shape[i - lead] == 1 ? 1 : gs[i];
        Tensor out = Tensor.empty(g.backend(), DType.F32, keep);
        g.backend().reduce().reduce(ReduceOp.SUM, g.storage(), gs, out.storage(), keep);
        return out.view(shape.clone());
    }
}
