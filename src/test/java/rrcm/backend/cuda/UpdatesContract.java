package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.testing.Data;

/** The updates family, {@link CudaUpdates}, against the CPU's, bit for bit: AdamW and axpby, per tensor and per list. */
abstract class UpdatesContract extends FamilyContract {
    private int[] sizes() {
        return large() ? new int[] {1, 3, 5, 1023, 4096, 1 << 20, (1 << 20) + 3} : new int[] {1, 2, 3, 4, 5, 7, 64, 1023};
    }


    @Test
    void adamwIsTheCpuBackendsBitForBit() {
        float lr = 3e-4f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.05f;
        for (int n : sizes()) {
            float[] p = Data.normal(1, n), g = Data.normal(2, n), m = Data.normal(3, n), v = Data.uniform(4, n, 0f, 2f);
            g[0] = 0f; // a zero gradient on a zero-ish moment is where an fma would show first
            Storage cp = cpu.upload(p), cg = cpu.upload(g), cm = cpu.upload(m), cv = cpu.upload(v);
            CudaStorage dp = dev(p), dg = dev(g), dm = dev(m), dv = dev(v);
            for (int t = 1; t <= 3; t++) {
                float bias1 = (float) (1 - Math.pow(b1, t)), bias2 = (float) (1 - Math.pow(b2, t));
                cpu.updates().adamw(cp, cg, cm, cv, lr, b1, b2, eps, wd, bias1, bias2);
                cuda.updates().adamw(dp, dg, dm, dv, lr, b1, b2, eps, wd, bias1, bias2);
            }
            assertSameBits(host(cp), host(dp), "adamw p, n=" + n);
            assertSameBits(host(cm), host(dm), "adamw m, n=" + n);
            assertSameBits(host(cv), host(dv), "adamw v, n=" + n);
            for (Storage s : List.of(cp, cg, cm, cv)) cpu.release(s);
        }
    }

    /**
     * A parameter list in one launch: the CPU's per-tensor steps, bit for bit, with per-tensor rate scales and
     * decays, a learning rate that changes every step and decays that change in the third (the device's
     * copy of the scales and decays must follow).
     */
    @Test
    void adamwOverAListIsTheCpuBackendsPerTensorStepBitForBit() {
        int[] sizes = large() ? new int[] {768, 1, 3072 * 768, 5, 768 * 768 + 3} : new int[] {7, 1, 64, 5, 2 * CudaUpdates.CHUNK + 33}; // the last spans three chunks
        int n = sizes.length;
        float[] scale = new float[n], wd = new float[n];
        Storage[] cp = new Storage[n], cg = new Storage[n], cm = new Storage[n], cv = new Storage[n];
        CudaStorage[] dp = new CudaStorage[n], dg = new CudaStorage[n], dm = new CudaStorage[n], dv = new CudaStorage[n];
        for (int i = 0; i < n; i++) {
            scale[i] = (i + 1f) / n;
            wd[i] = i % 2 == 0 ? 0.05f : 0f;
            float[] p = Data.normal(40 + i, sizes[i]), g = Data.normal(50 + i, sizes[i]);
            float[] m = Data.normal(60 + i, sizes[i]), v = Data.uniform(70 + i, sizes[i], 0f, 2f);
            cp[i] = cpu.upload(p);
            cg[i] = cpu.upload(g);
            cm[i] = cpu.upload(m);
            cv[i] = cpu.upload(v);
            dp[i] = dev(p);
            dg[i] = dev(g);
            dm[i] = dev(m);
            dv[i] = dev(v);
        }
        for (int t = 1; t <= 3; t++) { // the second and third steps reuse the address table
            float bias1 = (float) (1 - Math.pow(0.9, t)), bias2 = (float) (1 - Math.pow(0.999, t)), lr = 1e-3f / t;
            if (t == 3) {
                wd = wd.clone();
                wd[0] = 0.1f;
                wd[1] = 0.02f;
            }
            for (int i = 0; i < n; i++) {
                cpu.updates().adamw(cp[i], cg[i], cm[i], cv[i], lr * scale[i], 0.9f, 0.999f, 1e-8f, wd[i], bias1, bias2);
            }
            cuda.updates().adamwAll(dp, dg, dm, dv, lr, scale, wd, 0.9f, 0.999f, 1e-8f, bias1, bias2);
        }
        for (int i = 0; i < n; i++) {
            assertSameBits(host(cp[i]), host(dp[i]), "p of tensor " + i);
            assertSameBits(host(cm[i]), host(dm[i]), "m of tensor " + i);
            assertSameBits(host(cv[i]), host(dv[i]), "v of tensor " + i);
            for (Storage s : List.of(cp[i], cg[i], cm[i], cv[i])) cpu.release(s);
        }
        // another list (a storage replaced) gets its own table
        CudaStorage[] other = dp.clone();
        other[1] = dev(new float[] {1f});
        cuda.updates().adamwAll(other, dg, dm, dv, 1e-3f, scale, wd, 0.9f, 0.999f, 1e-8f, 0.5f, 0.5f);
        float m1 = host(dm[1])[0], v1 = host(dv[1])[0]; // the moments after this step
        float lr1 = 1e-3f * scale[1], decay1 = 1f - lr1 * wd[1];
        float expected = decay1 - lr1 / 0.5f * (m1 / ((float) Math.sqrt(v1) / (float) Math.sqrt(0.5f) + 1e-8f));
        assertEquals(expected, host(other[1])[0], 1e-6f, "the replaced tensor was updated through the new table");
    }

    /** The EMA of a network in one launch: the CPU's per-tensor axpby, bit for bit. */
    @Test
    void axpbyOverAListIsTheCpuBackendsPerTensorStepBitForBit() {
        int[] sizes = {3, 1, 130, CudaUpdates.CHUNK + 16}; // the last spans two chunks
        int n = sizes.length;
        Storage[] cy = new Storage[n], cx = new Storage[n];
        CudaStorage[] dy = new CudaStorage[n], dx = new CudaStorage[n];
        for (int i = 0; i < n; i++) {
            float[] y = Data.normal(80 + i, sizes[i]), x = Data.normal(90 + i, sizes[i]);
            cy[i] = cpu.upload(y);
            cx[i] = cpu.upload(x);
            dy[i] = dev(y);
            dx[i] = dev(x);
        }
        for (int step = 0; step < 2; step++) {
            for (int i = 0; i < n; i++) cpu.updates().axpby(cy[i], cx[i], 0.99f, 0.01f);
            cuda.updates().axpbyAll(dy, dx, 0.99f, 0.01f);
        }
        for (int i = 0; i < n; i++) {
            assertSameBits(host(cy[i]), host(dy[i]), "y of pair " + i);
            cpu.release(cy[i]);
            cpu.release(cx[i]);
        }
    }

    @Test
    void axpbyIsTheCpuBackendsBitForBitAndMayAliasItsInput() {
        for (int n : sizes()) {
            float[] y = Data.normal(5, n), x = Data.normal(6, n);
            Storage cy = cpu.upload(y), cx = cpu.upload(x);
            CudaStorage dy = dev(y), dx = dev(x);
            cpu.updates().axpby(cy, cx, 0.999f, 0.001f);
            cuda.updates().axpby(dy, dx, 0.999f, 0.001f);
            assertSameBits(host(cy), host(dy), "axpby n=" + n);
            cpu.updates().axpby(cy, cy, 0.5f, 0.25f);
            cuda.updates().axpby(dy, dy, 0.5f, 0.25f);
            assertSameBits(host(cy), host(dy), "axpby in place n=" + n);
            cpu.release(cy);
            cpu.release(cx);
        }
    }

    /** NaN and infinite means, spreads and bounds (and a width that overflows) come out as on the CPU. */
    @Test
    void nonFiniteParametersGiveTheCpuBackendsBits() {
        int n = 13;
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY, max = Float.MAX_VALUE;
        float[][] pairs = {{nan, 1f}, {0f, nan}, {0f, inf}, {-inf, 0f}, {0f, 0f}, {-0f, -0f}, {-max, max}};
        for (float[] q : pairs) {
            Storage c = cpu.allocate(DType.F32, n);
            CudaStorage d = devEmpty(n);
            cpu.random().normal(c, 3, 4, 5, q[0], q[1]);
            cuda.random().normal(d, 3, 4, 5, q[0], q[1]);
            assertSameBits(host(c), host(d), "normal mean " + q[0] + " std " + q[1]);
            cpu.random().uniform(c, 3, 4, 5, q[0], q[1]);
            cuda.random().uniform(d, 3, 4, 5, q[0], q[1]);
            assertSameBits(host(c), host(d), "uniform on [" + q[0] + ", " + q[1] + ")");
            cpu.release(c);
        }
    }

    /** NaN and infinite parameters, gradients and moments, signed zeros and subnormals go through AdamW as on the CPU. */
    @Test
    void adamwPropagatesNonFiniteValuesAsTheCpu() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY, tiny = Float.MIN_VALUE;
        float[] p = {1f, nan, 2f, inf, -inf, -0f, tiny, 3e38f, 0.5f, -1f, 4f};
        float[] g = {nan, 1f, inf, 0f, 1f, -0f, tiny, 3e38f, -inf, 0f, 2e-38f};
        float[] m = {0f, 0f, 0f, 0f, 0f, -0f, tiny, 0f, 0f, nan, 0f};
        float[] v = {0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, inf};
        Storage cp = cpu.upload(p), cg = cpu.upload(g), cm = cpu.upload(m), cv = cpu.upload(v);
        CudaStorage dp = dev(p), dg = dev(g), dm = dev(m), dv = dev(v);
        cpu.updates().adamw(cp, cg, cm, cv, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.05f, 0.1f, 0.001f);
        cuda.updates().adamw(dp, dg, dm, dv, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.05f, 0.1f, 0.001f);
        assertSameBits(host(cp), host(dp), "adamw p");
        assertSameBits(host(cm), host(dm), "adamw m");
        assertSameBits(host(cv), host(dv), "adamw v");
        for (Storage x : List.of(cp, cg, cm, cv)) cpu.release(x);
    }

    /**
     * The kernels launched directly on grids far smaller than CudaUpdates uses (every thread loops)
     * and on arrays that start 1, 2 or 3 floats into their buffers (not 16-byte aligned: the element-wise
     * paths that whole storages never take): the same bits, and nothing written outside the range.
     */
    @Test
    void theKernelsGiveTheSameBitsOnAnyGridAndOnUnalignedArrays() {
        int n = 1031;
        long counter = 0xFFFF_FFFBL; // the block counter carries into its high word inside the range
        rrcm.device.Dim3[][] launches = {{rrcm.device.Dim3.of(1), rrcm.device.Dim3.of(32)},
                {rrcm.device.Dim3.of(3), rrcm.device.Dim3.of(64)}, {rrcm.device.Dim3.of(40), rrcm.device.Dim3.of(128)}};
        Storage cn = cpu.allocate(DType.F32, n), cu = cpu.allocate(DType.F32, n);
        cpu.random().normal(cn, 77, 1, counter, 0.25f, 3f);
        cpu.random().uniform(cu, 77, 1, counter, -4f, 4f);
        float[] normal = host(cn), uniform = host(cu);
        cpu.release(cn);
        cpu.release(cu);
        int m = 517;
        float[] p = Data.normal(1, m + 3), g = Data.normal(2, m + 3), mo = Data.normal(3, m + 3),
                v = Data.uniform(4, m + 3, 0f, 2f), y = Data.normal(5, m + 3);
        for (rrcm.device.Dim3[] l : launches) {
            for (int shift = 0; shift < 4; shift++) {
                String where = "grid " + l[0] + " block " + l[1] + ", arrays at float " + shift;
                long at = 4L * shift;
                float[] marked = filled(n + 3, -99f);
                CudaStorage buf = dev(marked);
                ops.device().launch("philox_normal", l[0], l[1], 0, rrcm.device.KernelArgs.of().ptr(buf.buffer(), at)
                        .i64(n).i64(77).i64(1).i64(counter).f32(0.25f).f32(3f));
                assertInside(normal, host(buf), shift, marked, "normal, " + where);
                CudaStorage buf2 = dev(marked);
                ops.device().launch("philox_uniform", l[0], l[1], 0, rrcm.device.KernelArgs.of().ptr(buf2.buffer(), at)
                        .i64(n).i64(77).i64(1).i64(counter).f32(-4f).f32(8f));
                assertInside(uniform, host(buf2), shift, marked, "uniform, " + where);

                Storage cp = cpu.upload(slice(p, shift, m)), cg = cpu.upload(slice(g, shift, m)),
                        cm = cpu.upload(slice(mo, shift, m)), cv = cpu.upload(slice(v, shift, m)), cy = cpu.upload(slice(y, shift, m));
                cpu.updates().adamw(cp, cg, cm, cv, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.05f, 0.1f, 0.001999f);
                cpu.updates().axpby(cy, cg, 0.999f, 0.001f);
                CudaStorage dp = dev(p), dg = dev(g), dm = dev(mo), dv = dev(v), dy = dev(y);
                ops.device().launch("adamw", l[0], l[1], 0, rrcm.device.KernelArgs.of().ptr(dp.buffer(), at)
                        .ptr(dg.buffer(), at).ptr(dm.buffer(), at).ptr(dv.buffer(), at).i64(m).f32(1f - 1e-3f * 0.05f)
                        .f32(1e-3f / 0.1f).f32((float) Math.sqrt(0.001999f)).f32(1f - 0.9f).f32(0.999f).f32(1f - 0.999f).f32(1e-8f));
                ops.device().launch("axpby", l[0], l[1], 0, rrcm.device.KernelArgs.of().ptr(dy.buffer(), at)
                        .ptr(dg.buffer(), at).i64(m).f32(0.999f).f32(0.001f));
                assertInside(host(cp), host(dp), shift, p, "adamw p, " + where);
                assertInside(host(cm), host(dm), shift, mo, "adamw m, " + where);
                assertInside(host(cv), host(dv), shift, v, "adamw v, " + where);
                assertInside(host(cy), host(dy), shift, y, "axpby, " + where);
                for (Storage x : List.of(cp, cg, cm, cv, cy)) cpu.release(x);
            }
        }
    }

    private static float[] filled(int n, float value) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, value);
        return x;
    }

    private static float[] slice(float[] x, int from, int n) {
        return java.util.Arrays.copyOfRange(x, from, from + n);
    }

    /** got[shift .. shift + want.length) is want bit for bit, and every other element is still that of {@code before}. */
    private static void assertInside(float[] want, float[] got, int shift, float[] before, String what) {
        assertSameBits(want, slice(got, shift, want.length), what);
        for (int i = 0; i < got.length; i++) {
            if ((i < shift || i >= shift + want.length) && Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(before[i])) {
                throw new AssertionError(what + ": element " + i + " outside the range was written");
            }
        }
    }

    @Test
    void mismatchedSizesAndDtypesFailWithAMessage() {
        CudaStorage a = devEmpty(8), b = devEmpty(7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.updates().axpby(a, b, 1f, 1f));
        assertEquals("axpby: the source has 7 elements where 8 are needed", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> cuda.updates().adamw(a, a, b, a, 1f, 0.9f, 0.99f, 1e-8f, 0f, 1f, 1f));
        assertEquals("adamw: the first moment has 7 elements where 8 are needed", e.getMessage());
        CudaStorage ints = devEmpty(DType.I32, 4);
        assertThrows(IllegalArgumentException.class, () -> cuda.random().normal(ints, 1, 2, 3, 0f, 1f));
    }
}
