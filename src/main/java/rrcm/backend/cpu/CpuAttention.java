package rrcm.backend.cpu;

import rrcm.backend.AttentionShape;

/** Scaled-dot-product attention on the CPU, one head per task. */
final class CpuAttention {
    private CpuAttention() {}

    static void forward(Parallel par, AttentionShape s, float[] q, float[] k, float[] v, float[] o, float[] lse) {
        int tq = s.tq(), tk = s.tk(), dh = s.dh();
        par.forEach(s.heads(), h -> {
            int qb = h * tq * dh, kb = h * tk * dh;
            float[] p = new float[tk];
            for (int i = 0; i < tq; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    float dot = 0;
                    for (int d = 0; d < dh; d++) dot += q[qb + i * dh + d] * k[kb + j * dh + d];
                    p[j] = dot * s.scale();
                    max = Math.max(max, p[j]);
                }
                float sum = 0;
                for (int j = 0; j < tk; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int d = 0; d < dh; d++) {
                    float acc = 0;
                    for (int j = 0; j < tk; j++) acc += p[j] * v[kb + j * dh + d];
                    o[qb + i * dh + d] = acc / sum;
                }
                lse[h * tq + i] = max + (float) Math.log(sum);
            }
        });
    }

    static void backward(Parallel par, AttentionShape s, float[] q, float[] k, float[] v, float[] o, float[] lse,
                         float[] go, float[] gq, float[] gk, float[] gv) {
        int tq = s.tq(), tk = s.tk(), dh = s.dh();
        par.forEach(s.heads(), h -> {
            int qb = h * tq * dh, kb = h * tk * dh;
            java.util.Arrays.fill(gk, kb, kb + tk * dh, 0f);
            java.util.Arrays.fill(gv, kb, kb + tk * dh, 0f);
            for (int i = 0; i < tq; i++) {
                float rowD = 0;
                for (int d = 0; d < dh; d++) rowD += go[qb + i * dh + d] * o[qb + i * dh + d];
                for (int d = 0; d < dh; d++) gq[qb + i * dh + d] = 0;
                for (int j = 0; j < tk; j++) {
                    float dot = 0, dp = 0;
                    for (int d = 0; d < dh; d++) {
                        dot += q[qb + i * dh + d] * k[kb + j * dh + d];
                        dp += go[qb + i * dh + d] * v[kb + j * dh + d];
                    }
                    float p = (float) Math.exp(dot * s.scale() - lse[h * tq + i]);
                    float ds = p * (dp - rowD) * s.scale();
                    for (int d = 0; d < dh; d++) {
                        gv[kb + j * dh + d] += p * go[qb + i * dh + d];
                        gq[qb + i * dh + d] += ds * k[kb + j * dh + d];
                        gk[kb + j * dh + d] += ds * q[qb + i * dh + d];
                    }
                }
            }
        });
    }
}
