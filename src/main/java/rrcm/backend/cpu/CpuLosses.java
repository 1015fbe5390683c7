package rrcm.backend.cpu;

/**
 * Cross-entropy fused with log-softmax: per row the maximum, the exponentials and their sum (and, for
 * soft targets, the target-weighted logits); the gradient is written from lse without storing the
 * probabilities.
 */
final class CpuLosses {
    private CpuLosses() {}

    /** labels (rows) or probs (rows, classes): exactly one of them is non-null. */
    static void crossEntropy(Parallel par, float[] logits, int[] labels, float[] probs, float[] loss, float[] lse,
                             int rows, int classes) {
        par.forRange(rows, 2L * classes, (r0, r1) -> {
            float[] e = new float[classes];
            for (int r = r0; r < r1; r++) {
                int off = r * classes;
                float max = CpuSoftmax.max(logits, off, classes);
                float l = max + (float) Math.log(CpuMath.expSum(logits, off, max, e, 0, classes));
                lse[r] = l;
                if (labels != null) {
                    int y = labels[r];
                    checkLabel(y, r, classes);
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

    private static void checkLabel(int y, int row, int classes) {
        if (y < 0 || y >= classes) {
            throw new IllegalArgumentException("cross_entropy: label " + y + " of row " + row
                    + " is outside [0, " + classes + ")");
        }
    }
}
