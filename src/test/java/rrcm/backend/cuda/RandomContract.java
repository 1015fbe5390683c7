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

/** The random family, {@link CudaRandom}, against the CPU's, bit for bit: normals, uniforms, noisy copies, noise levels. */
abstract class RandomContract extends FamilyContract {
    private int[] sizes() {
        return large() ? new int[] {1, 3, 5, 1023, 4096, 1 << 20, (1 << 20) + 3} : new int[] {1, 2, 3, 4, 5, 7, 64, 1023};
    }


    // seeds and streams with both words in use; counters just below 2^32 (the block counter carries into
    // its high word inside the tensor) and near 2^63
    private static final long[][] KEYS = {
        {0L, 0L, 0L},
        {20251125L, 7L, 3L},
        {0x9E3779B97F4A7C15L, 0x0000000300000005L, 0xFFFF_FFFEL},
        {-1L, -2L, (1L << 62) - 3}, // counters stay below 2^63: the top bit addresses the fallback blocks
    };

    @Test
    void normalsAreTheCpuBackendsBitForBit() {
        for (long[] k : KEYS) {
            for (int n : sizes()) {
                Storage c = cpu.allocate(DType.F32, n);
                cpu.random().normal(c, k[0], k[1], k[2], 0.25f, 1.5f);
                CudaStorage d = devEmpty(n);
                cuda.random().normal(d, k[0], k[1], k[2], 0.25f, 1.5f);
                assertSameBits(host(c), host(d), "normal n=" + n + " key " + k[0] + "/" + k[1] + "/" + k[2]);
                cpu.release(c);
            }
        }
    }

    @Test
    void uniformsAreTheCpuBackendsBitForBit() {
        for (long[] k : KEYS) {
            for (int n : sizes()) {
                Storage c = cpu.allocate(DType.F32, n);
                cpu.random().uniform(c, k[0], k[1], k[2], -0.3f, 2.7f);
                CudaStorage d = devEmpty(n);
                cuda.random().uniform(d, k[0], k[1], k[2], -0.3f, 2.7f);
                assertSameBits(host(c), host(d), "uniform n=" + n);
                cpu.release(c);
            }
        }
    }

    @Test
    void noisyCopiesAreTheCpuBackendsBitForBit() {
        for (int pixels : large() ? new int[] {1, 7, 784, 3072, 150528} : new int[] {1, 3, 8, 13, 784}) {
            int stride = (pixels + 3) / 4 * 4, n = large() ? 500 : 3;
            float[] base = Data.uniform(pixels, pixels, -1.4f, 1.4f);
            Storage cb = cpu.upload(base), co = cpu.allocate(DType.F32, n * pixels);
            cpu.random().noisyCopies(cb, pixels, stride, n, 7, 0x1_0000_0003L, 0xFFFF_FFF0L, 0.71f, co);
            CudaStorage dout = devEmpty(n * pixels);
            cuda.random().noisyCopies(dev(base), pixels, stride, n, 7, 0x1_0000_0003L, 0xFFFF_FFF0L, 0.71f, dout);
            assertSameBits(host(co), host(dout), "noisy copies of " + pixels + " pixels");
            cpu.release(cb);
            cpu.release(co);
        }
    }

    @Test
    void noiseLevelsAreTheCpuBackendsBitForBit() {
        int n = large() ? 1 << 20 : 1027;
        float[] x = Data.uniform(20, n, -1f, 1f), z = Data.normal(21, n);
        float[] t = new float[10], scale = new float[10]; // more than the eight levels of one launch
        for (int l = 0; l < t.length; l++) {
            t[l] = 0.002f * (float) Math.pow(2, l);
            scale[l] = 1f / (float) Math.sqrt(t[l] * t[l] + 0.25f);
        }
        Storage cx = cpu.upload(x), cz = cpu.upload(z);
        Storage[] co = new Storage[t.length];
        CudaStorage[] dout = new CudaStorage[t.length];
        for (int l = 0; l < t.length; l++) {
            co[l] = cpu.allocate(DType.F32, n);
            dout[l] = devEmpty(n);
        }
        cpu.random().noiseLevels(cx, cz, t, scale, co);
        cuda.random().noiseLevels(dev(x), dev(z), t, scale, dout);
        for (int l = 0; l < t.length; l++) {
            assertSameBits(host(co[l]), host(dout[l]), "level " + l);
            cpu.release(co[l]);
        }
        cpu.release(cx);
        cpu.release(cz);
    }

    @Test
    void aTensorDrawnInPiecesIsTheTensorDrawnWhole() {
        int n = 40;
        CudaStorage whole = devEmpty(n), first = devEmpty(16), rest = devEmpty(n - 16);
        cuda.random().normal(whole, 5, 6, 100, 0f, 1f);
        cuda.random().normal(first, 5, 6, 100, 0f, 1f);
        cuda.random().normal(rest, 5, 6, 104, 0f, 1f); // 16 elements = 4 blocks further
        float[] w = host(whole), a = host(first), b = host(rest);
        float[] joined = new float[n];
        System.arraycopy(a, 0, joined, 0, 16);
        System.arraycopy(b, 0, joined, 16, n - 16);
        assertArrayEquals(w, joined);
        CudaStorage other = devEmpty(n);
        cuda.random().normal(other, 5, 7, 100, 0f, 1f);
        assertNotEquals(w[0], host(other)[0], "another stream gives other numbers");
    }
}
