package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.UpdateOps;

/** In-place parameter updates: one pass over memory per parameter tensor. */
final class CpuUpdates extends UpdateOps<CpuStorage> {
    private final Parallel par;

    CpuUpdates(CpuBackend backend, Parallel par) {
        super(backend, CpuStorage.class);
        this.par = par;
    }

    @Override
    protected void doAdamw(CpuStorage p, CpuStorage g, CpuStorage m, CpuStorage v, float lr, float beta1, float beta2,
                           float eps, float weightDecay, float bias1, float bias2) {
        adamw(par, p.floats(), g.floats(), m.floats(), v.floats(), lr, beta1, beta2, eps, weightDecay, bias1, bias2);
    }

    @Override
    protected void doAxpby(CpuStorage y, CpuStorage x, float a, float b) {
        axpby(par, y.floats(), x.floats(), a, b);
    }

    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();


    /** The arithmetic follows torch.optim.AdamW's single-tensor path step by step (lerp for m, division by sqrt(bias2)). */
    static void adamw(Parallel par, float[] p, float[] g, float[] m, float[] v, float lr, float beta1, float beta2,
                      float eps, float weightDecay, float bias1, float bias2) {
        float decay = 1f - lr * weightDecay;
        float stepSize = lr / bias1;
        float sqrtBias2 = (float) Math.sqrt(bias2);
        float w1 = 1f - beta1, w2 = 1f - beta2;
        par.forRange(p.length, 8, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector m0 = FloatVector.fromArray(S, m, i);
                FloatVector mv = gv.sub(m0).mul(w1).add(m0);
                FloatVector vv = FloatVector.fromArray(S, v, i).mul(beta2).add(gv.mul(gv).mul(w2));
                mv.intoArray(m, i);
                vv.intoArray(v, i);
                FloatVector denom = vv.sqrt().div(sqrtBias2).add(eps);
                FloatVector.fromArray(S, p, i).mul(decay).sub(mv.div(denom).mul(stepSize)).intoArray(p, i);
            }
            for (; i < to; i++) {
                float mi = m[i] + w1 * (g[i] - m[i]);
                float vi = v[i] * beta2 + g[i] * g[i] * w2;
                m[i] = mi;
                v[i] = vi;
                p[i] = p[i] * decay - stepSize * (mi / ((float) Math.sqrt(vi) / sqrtBias2 + eps));
            }
        });
    }

    static void axpby(Parallel par, float[] y, float[] x, float a, float b) {
        par.forRange(y.length, 2, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(S, y, i).mul(a).add(FloatVector.fromArray(S, x, i).mul(b)).intoArray(y, i);
            }
            for (; i < to; i++) y[i] = a * y[i] + b * x[i];
        });
    }
}
