package rrcm.backend.cpu;

import rrcm.backend.Gemm;

/**
 * InfoNCE with the positives on the diagonal, fused: the (rows, rows) logits are made and consumed one
 * block of query rows at a time and never stored whole. A block's logits S = (q̂_blk k̂^T) / tau come
 * from the packed GEMM (alpha = 1 / tau); the forward keeps each row's log-sum-exp and loss; the backward
 * recomputes the block, turns it into dS = g (softmax(S) - I) / tau, and adds dS k̂ to the queries'
 * gradient rows and dS^T q̂_blk to the keys' gradient. Blocks run in a fixed order, so the results do not
 * depend on the thread count.
 */
final class CpuInfoNce {
    private static final int BLOCK = 64;

    private CpuInfoNce() {}

    static void forward(Parallel par, float[] q, float[] k, int rows, int dim, float invTau, float[] lse, float[] loss) {
        float[] qb = new float[BLOCK * dim], s = new float[BLOCK * rows], e = new float[rows];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int m = Math.min(BLOCK, rows - r0);
            logits(par, q, k, r0, m, rows, dim, invTau, qb, s);
            for (int r = 0; r < m; r++) {
                int off = r * rows;
                float max = CpuSoftmax.max(s, off, rows);
                float l = max + (float) Math.log(CpuMath.expSum(s, off, max, e, 0, rows));
                lse[r0 + r] = l;
                loss[r0 + r] = l - s[off + r0 + r];
            }
        }
    }

    /** gq (rows, dim) is overwritten; gk, when not null, too. */
    static void backward(Parallel par, float[] q, float[] k, float[] lse, float[] gLoss, int rows, int dim, float invTau,
                         float[] gq, float[] gk) {
        float[] qb = new float[BLOCK * dim], s = new float[BLOCK * rows], gqb = new float[BLOCK * dim];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int m = Math.min(BLOCK, rows - r0);
            logits(par, q, k, r0, m, rows, dim, invTau, qb, s);
            for (int r = 0; r < m; r++) {
                int off = r * rows;
                float g = gLoss[r0 + r] * invTau;
                CpuMath.exp(s, off, lse[r0 + r], s, off, rows); // the probabilities
                for (int j = 0; j < rows; j++) s[off + j] *= g;
                s[off + r0 + r] -= g;
            }
            CpuGemm.gemm(par, Gemm.of(m, dim, rows, false, false), s, k, gqb);
            System.arraycopy(gqb, 0, gq, r0 * dim, m * dim);
            if (gk != null) {
                Gemm dk = new Gemm(1, rows, dim, m, true, false, 0, 0, 0, 1f, r0 == 0 ? 0f : 1f);
                CpuGemm.gemm(par, dk, s, qb, gk);
            }
        }
    }

    /** S = q̂[r0, r0 + m) k̂^T / tau into s (m, rows); the block's query rows are left in qb. */
    private static void logits(Parallel par, float[] q, float[] k, int r0, int m, int rows, int dim, float invTau, float[] qb,
                               float[] s) {
        System.arraycopy(q, r0 * dim, qb, 0, m * dim);
        CpuGemm.gemm(par, new Gemm(1, m, rows, dim, false, true, 0, 0, 0, invTau, 0f), qb, k, s);
    }
}
