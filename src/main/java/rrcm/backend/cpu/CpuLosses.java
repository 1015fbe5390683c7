package rrcm.backend.cpu;

import rrcm.backend.DType;
import rrcm.backend.Gemm;
import rrcm.backend.LossOps;

/**
 * The losses family on the CPU. Cross-entropy fused with log-softmax: per row the maximum, the
 * exponentials and their sum (and, for soft targets, the target-weighted logits); the gradient is written
 * from lse without storing the probabilities. InfoNCE: see its section below.
 */
final class CpuLosses extends LossOps<CpuStorage> {
    private final Parallel par;
    private final java.util.concurrent.atomic.LongAdder productFlops;

    CpuLosses(CpuBackend backend, Parallel par, java.util.concurrent.atomic.LongAdder productFlops) {
        super(backend, CpuStorage.class);
        this.par = par;
        this.productFlops = productFlops;
    }

    @Override
    protected void doCrossEntropy(CpuStorage logits, CpuStorage target, CpuStorage loss, CpuStorage lse, int rows,
                                  int classes) {
        boolean hard = target.dtype() == DType.I32;
        if (hard) checkLabels(target.ints(), classes);
        crossEntropy(par, logits.floats(), hard ? target.ints() : null, hard ? null : target.floats(), loss.floats(),
                lse.floats(), rows, classes);
    }

    @Override
    protected void doCrossEntropyBackward(CpuStorage logits, CpuStorage lse, CpuStorage target, CpuStorage gLoss,
                                          CpuStorage gx, int rows, int classes) {
        boolean hard = target.dtype() == DType.I32;
        crossEntropyBackward(par, logits.floats(), lse.floats(), hard ? target.ints() : null, hard ? null : target.floats(),
                gLoss.floats(), gx.floats(), rows, classes);
    }

    @Override
    protected void doInfoNce(CpuStorage q, CpuStorage k, int rows, int dim, float invTau, CpuStorage lse, CpuStorage loss) {
        infoNceForward(par, q.floats(), k.floats(), rows, dim, invTau, lse.floats(), loss.floats());
        productFlops.add(2L * rows * rows * dim);
    }

    @Override
    protected void doInfoNceBackward(CpuStorage q, CpuStorage k, CpuStorage lse, CpuStorage gLoss, int rows, int dim,
                                     float invTau, CpuStorage gq, CpuStorage gk) {
        infoNceBackward(par, q.floats(), k.floats(), lse.floats(), gLoss.floats(), rows, dim, invTau, gq.floats(),
                gk == null ? null : gk.floats());
        productFlops.add((gk == null ? 4L : 6L) * rows * rows * dim); // the logits again, dq, dk
    }

    /** Every label in [0, classes), checked before anything is written. */
    private static void checkLabels(int[] labels, int classes) {
        for (int r = 0; r < labels.length; r++) {
            if (labels[r] < 0 || labels[r] >= classes) throw LossOps.badLabel(r, labels[r], classes);
        }
    }


    /** labels (rows) or probs (rows, classes): exactly one of them is non-null. */
    static void crossEntropy(Parallel par, float[] logits, int[] labels, float[] probs, float[] loss, float[] lse,
                             int rows, int classes) {
        par.forRange(rows, 2L * classes, (r0, r1) -> {
            float[] e = new float[classes];
            for (int r = r0; r < r1; r++) {
                int off = r * classes;
                float max = CpuNorm.max(logits, off, classes);
                float l = max + (float) Math.log(CpuMath.expSum(logits, off, max, e, 0, classes));
                lse[r] = l;
                if (labels != null) {
                    int y = labels[r];
                    loss[r] = l - logits[off + y];
                } else {
                    float mass = 0, dot = 0;
                    for (int c = 0; c < classes; c++) {
                        mass += probs[off + c];
                        dot += probs[off + c] * logits[off + c];
                    }
                    loss[r] = l * mass - dot;
                }
            }
        });
    }

    static void crossEntropyBackward(Parallel par, float[] logits, float[] lse, int[] labels, float[] probs,
                                     float[] gLoss, float[] gx, int rows, int classes) {
        par.forRange(rows, 2L * classes, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * classes;
                float g = gLoss[r];
                CpuMath.exp(logits, off, lse[r], gx, off, classes); // the probabilities
                if (labels != null) {
                    for (int c = 0; c < classes; c++) gx[off + c] *= g;
                    gx[off + labels[r]] -= g;
                } else {
                    float mass = 0;
                    for (int c = 0; c < classes; c++) mass += probs[off + c];
                    for (int c = 0; c < classes; c++) gx[off + c] = g * (gx[off + c] * mass - probs[off + c]);
                }
            }
        });
    }


    // ---- InfoNCE with the positives on the diagonal, fused: the (rows, rows) logits are made and consumed one
    // block of query rows at a time and never stored whole. A block's logits S = (q̂_blk k̂^T) / tau come
    // from the packed GEMM (alpha = 1 / tau); the forward keeps each row's log-sum-exp and loss; the backward
    // recomputes the block, turns it into dS = g (softmax(S) - I) / tau, and adds dS k̂ to the queries'
    // gradient rows and dS^T q̂_blk to the keys' gradient. Blocks run in a fixed order, so the results do not
    // depend on the thread count.

    /** Query rows of InfoNCE logits made and consumed at a time. */
    private static final int BLOCK = 64;


    static void infoNceForward(Parallel par, float[] q, float[] k, int rows, int dim, float invTau, float[] lse, float[] loss) {
        float[] qb = new float[BLOCK * dim], s = new float[BLOCK * rows], e = new float[rows];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int m = Math.min(BLOCK, rows - r0);
            logits(par, q, k, r0, m, rows, dim, invTau, qb, s);
            for (int r = 0; r < m; r++) {
                int off = r * rows;
                float max = CpuNorm.max(s, off, rows);
                float l = max + (float) Math.log(CpuMath.expSum(s, off, max, e, 0, rows));
                lse[r0 + r] = l;
                loss[r0 + r] = l - s[off + r0 + r];
            }
        }
    }

    /** gq (rows, dim) is overwritten; gk, when not null, too. */
    static void infoNceBackward(Parallel par, float[] q, float[] k, float[] lse, float[] gLoss, int rows, int dim, float invTau,
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
