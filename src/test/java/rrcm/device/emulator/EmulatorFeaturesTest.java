package rrcm.device.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rrcm.device.DeviceBuffer;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;
import rrcm.device.KernelIndex;
import rrcm.testing.Data;

/**
 * Each feature of the CUDA model the emulator provides, on the kernels of kernels/test/emu_features.cu,
 * against results computed here by the CUDA semantics: indices of 3-D grids and blocks, warp shuffles
 * and votes, atomics, dynamic shared memory, and WMMA with TF32 rounding.
 */
class EmulatorFeaturesTest {
    private EmulatorDevice dev;

    @BeforeEach
    void open() {
        dev = TestEmulator.open();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    private DeviceBuffer upload(float[] x) {
        DeviceBuffer b = dev.allocate(4L * x.length, "in");
        dev.copyFromHost(x, 0, b, 0, x.length);
        return b;
    }

    private float[] floats(DeviceBuffer b, int n) {
        float[] x = new float[n];
        dev.copyToHost(b, 0, x, 0, n);
        return x;
    }

    private int[] ints(DeviceBuffer b, int n) {
        int[] x = new int[n];
        dev.copyToHost(b, 0, x, 0, n);
        return x;
    }

    @Test
    void threeDimensionalGridsAndBlocksNumberTheirThreadsAsCudaDoes() {
        Dim3 grid = new Dim3(3, 2, 2), block = new Dim3(4, 3, 2);
        int threads = (int) (grid.count() * block.count());
        DeviceBuffer out = dev.allocate(24L * threads, "ids");
        dev.launch("emu_indices", grid, block, 0, KernelArgs.of().ptr(out));
        int[] ids = ints(out, 6 * threads);
        int t = 0;
        for (int bz = 0; bz < 2; bz++) for (int by = 0; by < 2; by++) for (int bx = 0; bx < 3; bx++) {
            for (int tz = 0; tz < 2; tz++) for (int ty = 0; ty < 3; ty++) for (int tx = 0; tx < 4; tx++) {
                assertArrayEquals(new int[] {tx, ty, tz, bx, by, bz}, java.util.Arrays.copyOfRange(ids, 6 * t, 6 * t + 6));
                t++;
            }
        }
    }

    @Test
    void warpShufflesAndVotesFollowTheirDefinitions() {
        int n = 96; // three warps
        float[] in = Data.uniform(3, n, -10, 10);
        in[40] = 150; // warp 1: any(v > 100) holds
        DeviceBuffer x = upload(in), f = dev.allocate(16L * n, "f"), i = dev.allocate(16L * n, "i");
        dev.schedule(EmulatorDevice.Schedule.shuffled(5)).launch("emu_warp_ops", Dim3.of(1), Dim3.of(n), 0,
                KernelArgs.of().ptr(x).ptr(f).ptr(i));
        float[] fo = floats(f, 4 * n);
        int[] io = ints(i, 4 * n);
        for (int t = 0; t < n; t++) {
            int lane = t % 32, base = t - lane;
            assertEquals(in[base + (lane ^ 5)], fo[4 * t], "xor " + t);
            assertEquals(lane + 3 < 32 ? in[t + 3] : in[t], fo[4 * t + 1], "down " + t);
            assertEquals(lane >= 2 ? in[t - 2] : in[t], fo[4 * t + 2], "up " + t);
            assertEquals(in[base + 7], fo[4 * t + 3], "idx " + t);
            int ballot = 0;
            boolean any = false, all = true;
            for (int l = 0; l < 32; l++) {
                if (in[base + l] > 0) ballot |= 1 << l;
                any |= in[base + l] > 100;
                all &= in[base + l] > -100;
            }
            assertEquals(ballot, io[4 * t], "ballot " + t);
            assertEquals(any ? 1 : 0, io[4 * t + 1], "any " + t);
            assertEquals(all ? 1 : 0, io[4 * t + 2], "all " + t);
            // width 16: lanes exchange within their half-warp
            int src = (lane ^ 9) < 32 && ((lane ^ 9) / 16 == lane / 16) ? base + (lane ^ 9) : t;
            assertEquals(src, io[4 * t + 3], "xor width 16 " + t);
        }
    }

    @Test
    void atomicsCombineEveryThreadsUpdate() {
        int n = 1000;
        float[] in = new float[n];
        for (int k = 0; k < n; k++) in[k] = k % 7; // small integers: the float sum is exact in any order
        DeviceBuffer x = upload(in);
        DeviceBuffer fsum = upload(new float[] {0}), isum = dev.allocate(4, "isum"), imax = dev.allocate(4, "imax"),
                imin = dev.allocate(4, "imin"), slots = dev.allocate(16, "slots"), claimed = dev.allocate(4, "claimed");
        dev.copyFromHost(new int[] {0}, 0, isum, 0, 1);
        dev.copyFromHost(new int[] {Integer.MIN_VALUE}, 0, imax, 0, 1);
        dev.copyFromHost(new int[] {Integer.MAX_VALUE}, 0, imin, 0, 1);
        dev.copyFromHost(new int[4], 0, slots, 0, 4);
        dev.copyFromHost(new int[] {0}, 0, claimed, 0, 1);
        dev.schedule(EmulatorDevice.Schedule.shuffled(11)).launch("emu_atomics", Dim3.of(8), Dim3.of(128), 0,
                KernelArgs.of().ptr(x).i32(n).ptr(fsum).ptr(isum).ptr(imax).ptr(imin).ptr(slots).ptr(claimed));
        float expected = 0;
        for (float v : in) expected += v;
        assertEquals(expected, floats(fsum, 1)[0]);
        assertEquals(n * (n - 1) / 2, ints(isum, 1)[0]);
        assertEquals(n - 1, ints(imax, 1)[0]);
        assertEquals(0, ints(imin, 1)[0]);
        assertEquals(4, ints(claimed, 1)[0], "exactly one thread wins each compare-and-swap slot");
    }

    @Test
    void dynamicSharedMemoryHasTheLaunchSize() {
        int blocks = 3, n = 64;
        float[] in = Data.normal(9, blocks * n);
        DeviceBuffer x = upload(in), y = dev.allocate(4L * blocks * n, "out");
        dev.launch("emu_dynamic_reverse", Dim3.of(blocks), Dim3.of(n), 4 * n, KernelArgs.of().ptr(x).ptr(y));
        float[] out = floats(y, blocks * n);
        for (int b = 0; b < blocks; b++) for (int i = 0; i < n; i++) assertEquals(in[b * n + n - 1 - i], out[b * n + i]);
        // one float too few: the last thread writes past the dynamic shared memory
        var e = org.junit.jupiter.api.Assertions.assertThrows(rrcm.device.DeviceException.class, () -> dev.launch(
                "emu_dynamic_reverse", Dim3.of(1), Dim3.of(n), 4 * n - 4, KernelArgs.of().ptr(x).ptr(y)));
        assertTrue(e.getMessage().contains("past the end of its 252 bytes of dynamic shared memory"), e.getMessage());
    }

    /** cvt.rna.tf32.f32: round to nearest, ties away from zero, to 10 mantissa bits. */
    static float tf32Round(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7f800000) == 0x7f800000) return f;
        return Float.intBitsToFloat((u + 0x1000) & 0xffffe000);
    }

    static float tf32Truncate(float f) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) & 0xffffe000);
    }

    @Test
    void wmmaMultipliesTf32InputsWithFloatAccumulation() {
        float[] a = Data.normal(21, 16 * 8), bt = Data.normal(22, 16 * 8); // bt[n * 8 + k] = B[k][n]
        DeviceBuffer da = upload(a), db = upload(bt), dc = dev.allocate(4L * 256, "c");
        for (int round = 0; round < 2; round++) {
            dev.launch("emu_wmma_tf32", Dim3.of(1), Dim3.of(32), 0, KernelArgs.of().ptr(da).ptr(db).ptr(dc).i32(round));
            float[] c = floats(dc, 256);
            for (int i = 0; i < 16; i++) {
                for (int j = 0; j < 16; j++) {
                    float acc = 0;
                    for (int k = 0; k < 8; k++) {
                        float x = a[i * 8 + k], y = bt[j * 8 + k];
                        acc += round == 1 ? tf32Round(x) * tf32Round(y) : tf32Truncate(x) * tf32Truncate(y);
                    }
                    assertEquals(acc, c[i * 16 + j], "c[" + i + "][" + j + "] round=" + round);
                }
            }
        }
        assertEquals(1.0f + 0x1p-10f, tf32Round(1.0f + 0x1p-11f), "a tie rounds away from zero");
        assertEquals(-1.0f - 0x1p-10f, tf32Round(-1.0f - 0x1p-11f), "a tie rounds away from zero");
        assertEquals(1.0f, tf32Round(1.0f + 0x1p-11f - 0x1p-23f), "below the tie rounds down");
    }

    @Test
    void theProductionKernelsAreExactlyThoseOfThePtxIndex() {
        KernelIndex index = KernelIndex.load();
        Set<String> emulated = new TreeSet<>(dev.kernelNames(false));
        assertEquals(new TreeSet<>(index.kernels()), emulated,
                "every kernels/*.cu kernel has PTX (run tools/build-kernels after changing a .cu)");
        List<String> all = dev.kernelNames(true);
        assertTrue(all.contains("planted_missing_sync"));
        assertTrue(!index.contains("planted_missing_sync"), "test-only kernels stay out of the PTX set");
    }
}
