package rrcm.tensor;

import java.util.Arrays;
import rrcm.backend.DType;
import rrcm.backend.Gemm;

/**
 * Matrix products. Everything reduces to one batched GEMM over (batch, rows, cols) operands in which
 * a batch of 1 is broadcast (batch stride 0). A batched left operand times a plain matrix is folded
 * into one tall GEMM, which is also what its backward becomes.
 */
final class Linalg {
    private Linalg() {}

    static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        Ops.floatsOnOneBackend("matmul", a, b);
        int[] sa = a.shape(), sb = b.shape();
        if (sa.length < 2 || sb.length < 2) {
            throw new IllegalArgumentException("matmul: both operands need at least 2 axes, got " + Shape.str(sa)
                    + " and " + Shape.str(sb));
        }
        int ra = sa.length, rb = sb.length;
        int m = ta ? sa[ra - 1] : sa[ra - 2], ka = ta ? sa[ra - 2] : sa[ra - 1];
        int kb = tb ? sb[rb - 1] : sb[rb - 2], n = tb ? sb[rb - 2] : sb[rb - 1];
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(sa) + (ta ? "^T" : "") + " and "
                    + Shape.str(sb) + (tb ? "^T" : "") + " do not match: inner sizes " + ka + " and " + kb);
        }
        int[] batchA = Arrays.copyOf(sa, ra - 2), batchB = Arrays.copyOf(sb, rb - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        int count = Shape.numel(batch);
        if (rb == 2 && !ta) {
            // (..., m, k) @ (k, n): one GEMM with m * batch rows
            Tensor out = bmm(a.reshape(1, count * m, ka), b.reshape(1, sb[0], sb[1]), false, tb);
            return out.reshape(outShape);
        }
        Tensor a3 = batched(a, batch, count);
        Tensor b3 = batched(b, batch, count);
        return bmm(a3, b3, ta, tb).reshape(outShape);
    }

    /** x as (1 or count, rows, cols): a batch that differs from the broadcast batch is expanded first. */
    private static Tensor batched(Tensor x, int[] batch, int count) {
        int[] s = x.shape();
        int r = s.length;
        int own = Shape.numel(Arrays.copyOf(s, r - 2));
        if (own != count && own != 1) {
            int[] full = Arrays.copyOf(batch, batch.length + 2);
            full[batch.length] = s[r - 2];
            full[batch.length + 1] = s[r - 1];
            x = x.expand(full);
            own = count;
        }
        return x.reshape(own, s[r - 2], s[r - 1]);
    }

    /** The batched product with autograd; a batch of 1 broadcasts. */
    private static Tensor bmm(Tensor a, Tensor b, boolean ta, boolean tb) {
        Tensor out = gemm(a, b, ta, tb);
        return Autograd.record("matmul", out, g -> new Tensor[] {
            a.requiresGrad() ? reduceBatch(ta ? gemm(b, g, tb, true) : gemm(g, b, false, !tb), a) : null,
            b.requiresGrad() ? reduceBatch(tb ? gemm(g, a, true, ta) : gemm(a, g, !ta, false), b) : null}, a, b);
    }

    /** Sums a per-batch gradient over the batch when the operand itself was broadcast. */
    private static Tensor reduceBatch(Tensor g, Tensor operand) {
        return operand.size(0) == g.size(0) ? g : g.sum(0, true);
    }

    /** op(x) @ op(y) for x, y of shape (batch or 1, rows, cols), without autograd. */
    static Tensor gemm(Tensor x, Tensor y, boolean tx, boolean ty) {
        int[] sx = x.shape(), sy = y.shape();
        int batch = Math.max(sx[0], sy[0]);
        int m = tx ? sx[2] : sx[1], k = tx ? sx[1] : sx[2], n = ty ? sy[1] : sy[2];
        Tensor out = Tensor.empty(x.backend(), DType.F32, new int[] {batch, m, n});
        Gemm g = new Gemm(batch, m, n, k, tx, ty, sx[0] == 1 ? 0 : m * k, sy[0] == 1 ? 0 : k * n, m * n, 1f, 0f);
        x.backend().gemm().multiply(g, x.storage(), y.storage(), out.storage());
        return out;
    }
}
