package rrcm.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.tensor.Tensor;
import rrcm.testing.Close;
import rrcm.testing.Data;

/** AdamW against torch.optim.AdamW's update written out in double; schedules; clipping. */
class OptimTest {
    @Test
    void adamwFollowsTorchsRule() {
        int n = 37;
        float[] p0 = Data.normal(1, n);
        Tensor p = Tensor.of(p0.clone()).requiresGrad(true);
        AdamW opt = new AdamW(List.of(new AdamW.Param("w", p, 0.5f, 0.03f)), 0.9f, 0.999f, 1e-8f);
        double[] ref = new double[n], m = new double[n], v = new double[n];
        for (int i = 0; i < n; i++) ref[i] = p0[i];
        double lr = 2e-3 * 0.5;
        for (int step = 1; step <= 5; step++) {
            float[] g = Data.normal(10 + step, n);
            p.zeroGrad();
            p.mul(Tensor.of(g)).sum().backward();
            opt.step(2e-3f);
            for (int i = 0; i < n; i++) {
                ref[i] *= 1 - lr * 0.03;
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(0.9, step)), vh = v[i] / (1 - Math.pow(0.999, step));
                ref[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = (float) ref[i];
        new Close(1e-6, 1e-6, "float32 arithmetic against the same rule in double over five steps")
                .check("AdamW parameters", expected, p.toFloatArray());
        assertEquals(5, opt.stepCount());
    }

    @Test
    void warmupStartsAboveZeroAndCosineEndsAtZero() {
        assertEquals(1e-4f / 10, Schedules.warmupCosine(1e-4f, 0, 10, 100), 1e-12);
        assertEquals(1e-4f, Schedules.warmupCosine(1e-4f, 9, 10, 100), 1e-10);
        assertEquals(1e-4f, Schedules.warmupCosine(1e-4f, 10, 10, 100), 1e-10);
        assertEquals(0.5e-4f, Schedules.warmupCosine(1e-4f, 55, 10, 100), 1e-10);
        assertEquals(0f, Schedules.warmupCosine(1e-4f, 100, 10, 100), 1e-12);
    }

    @Test
    void emaRateRisesFromMu0ToMu1() {
        assertEquals(0.99f, Schedules.emaRate(0, 1000, 0.99, 0.9999, 15), 1e-7);
        assertEquals(0.9999f, Schedules.emaRate(1000, 1000, 0.99, 0.9999, 15), 1e-7);
        float mid = Schedules.emaRate(500, 1000, 0.99, 0.9999, 15);
        double e = Math.sqrt(0.5 * (0.9999 * 0.9999 - 0.99 * 0.99) + 0.99 * 0.99);
        double c = 2 / (1 + Math.exp(-15 * (e - 0.99) / (0.9999 - 0.99))) - 1;
        assertEquals(c * 0.9999 + (1 - c) * 0.99, mid, 1e-7);
    }

    /**
     * The target moves by 1 - mu toward the online network, not by mu: target 0, online 1, mu 0.9 gives
     * 0.1 (a swapped rate gives 0.9); a second step gives 0.19; the online network is left as it was; a
     * name the online network lacks is refused.
     */
    @Test
    void emaMovesTheTargetByOneMinusMu() {
        Tensor target = Tensor.zeros(3), online = Tensor.full(1f, 3);
        Ema.update(java.util.Map.of("w", target), java.util.Map.of("w", online), 0.9f);
        for (float v : target.toFloatArray()) assertEquals(0.1f, v, 1e-7f);
        Ema.update(java.util.Map.of("w", target), java.util.Map.of("w", online), 0.9f);
        for (float v : target.toFloatArray()) assertEquals(0.19f, v, 1e-7f);
        for (float v : online.toFloatArray()) assertEquals(1f, v);
        Tensor other = Tensor.zeros(3);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Ema.update(java.util.Map.of("v", other), java.util.Map.of("w", online), 0.9f));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("lacks v"), e.getMessage());
    }

    @Test
    void clippingScalesToTheMaximumNorm() {
        Tensor a = Tensor.of(new float[] {3, 0}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {4}).requiresGrad(true);
        a.mul(Tensor.of(new float[] {1, 1})).sum().add(b.sum()).backward(); // grads (1, 1) and (1)
        a.zeroGrad();
        a.mul(Tensor.of(new float[] {3, 0})).sum().add(b.mul(3f).sum()).backward(); // grads (3, 0) and (4)
        assertEquals(5f, GradClip.clip(List.of(a, b), 2f).item(), 1e-6);
        assertEquals(5f * 2f / (5f + 1e-6f) * 3f / 5f, a.grad().toFloatArray()[0], 1e-6);
        assertEquals(2f, GradClip.globalNorm(List.of(a, b)).item(), 1e-5);
        assertEquals(2f, GradClip.clip(List.of(a, b), 10f).item(), 1e-5);
    }
}
