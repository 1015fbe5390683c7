package rrcm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import rrcm.device.emulator.TestEmulator;

/**
 * The GPU benchmarks' own code, run on the host emulator at small sizes: no GPU has to find that a
 * benchmark passes a wrong length, overruns a buffer (the emulator's guard zones fail such a launch) or
 * measures something other than it says. Each benchmark runs its setup, one invocation and its teardown,
 * as JMH would, and its output is checked against the host.
 */
class GpuBenchmarksRehearsalTest {
    private static String before;

    @BeforeAll
    static void onTheEmulator() {
        TestEmulator.library();
        before = System.getProperty("rrcm.bench.device");
        System.setProperty("rrcm.bench.device", "emulator");
    }

    @AfterAll
    static void restore() {
        if (before == null) System.clearProperty("rrcm.bench.device");
        else System.setProperty("rrcm.bench.device", before);
    }

    @ParameterizedTest
    @CsvSource({"37x45x29, FP32", "37x45x29, TF32", "3x17x33x9, FP32", "3x17x33x9, TF32"})
    void gemmComputesTheProductItCounts(String shape, String precision) {
        GpuGemmBench bench = new GpuGemmBench();
        bench.shape = shape;
        bench.precision = precision;
        bench.impl = "cublas"; // the emulator has none: the engine's kernel runs
        bench.setup();
        try {
            GpuGemmBench.Flops flops = new GpuGemmBench.Flops();
            bench.gemm(flops);
            int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
            int batch = d.length == 4 ? d[0] : 1, m = d[d.length - 3], k = d[d.length - 2], n = d[d.length - 1];
            assertEquals(GpuGemmBench.LAUNCHES * 2.0 * batch * m * n * k / 1e9, flops.gflop, 1e-12);
            float[] a = BenchDevice.uniform(1, batch * m * k), b = BenchDevice.uniform(2, batch * k * n);
            float[] c = bench.product();
            // TF32 keeps 10 mantissa bits of each operand: a product is off by at most 2^-10 of itself
            double tolerance = precision.equals("TF32") ? 0x1p-9 : 1e-5;
            for (int p = 0; p < batch; p++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0, magnitude = 0;
                        for (int q = 0; q < k; q++) {
                            double t = (double) a[p * m * k + i * k + q] * b[p * k * n + q * n + j];
                            sum += t;
                            magnitude += Math.abs(t);
                        }
                        float got = c[p * m * n + i * n + j];
                        assertEquals(sum, got, tolerance * magnitude + 1e-6, shape + " " + precision + " at " + p + "," + i + "," + j);
                    }
                }
            }
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"copy", "relu", "add", "bias_add", "row_sum", "gelu", "softmax", "layer_norm",
            "cross_entropy_backward", "adamw", "noise"})
    void everyBandwidthOpRunsAndWritesWhatItCounts(String op) {
        GpuBandwidthBench bench = new GpuBandwidthBench();
        bench.op = op;
        bench.mebibytes = 1;
        bench.setup();
        try {
            GpuBandwidthBench.Bytes bytes = new GpuBandwidthBench.Bytes();
            bench.run(bytes);
            int n = 1 << 18, cols = GpuBandwidthBench.COLS, rows = n / cols;
            double perOp = switch (op) {
                case "add" -> 3.0 * 4 * n;
                case "row_sum", "noise" -> 4.0 * n;
                case "adamw" -> 7.0 * n;
                default -> 2.0 * 4 * n;
            };
            assertEquals(GpuBandwidthBench.LAUNCHES * perOp / 1e9, bytes.gbps, 1e-12);
            float[] x = BenchDevice.uniform(3, n), out = bench.output();
            assertEquals(op.equals("row_sum") ? rows : op.equals("adamw") ? n / 4 : n, out.length);
            for (int i = 0; i < out.length; i++) assertTrue(Float.isFinite(out[i]), op + ": not finite at " + i);
            switch (op) {
                case "copy" -> assertTrue(Arrays.equals(x, out), "copy");
                case "relu" -> {
                    for (int i = 0; i < n; i++) assertEquals(Math.max(x[i], 0f), out[i], 0f);
                }
                case "row_sum" -> {
                    for (int r = 0; r < rows; r++) {
                        double s = 0;
                        for (int c = 0; c < cols; c++) s += x[r * cols + c];
                        assertEquals(s, out[r], 1e-3, "row " + r);
                    }
                }
                case "softmax" -> {
                    for (int r = 0; r < rows; r++) {
                        double s = 0;
                        for (int c = 0; c < cols; c++) s += out[r * cols + c];
                        assertEquals(1.0, s, 1e-4, "row " + r);
                    }
                }
                case "noise" -> {
                    // copies of one image plus noise of sigma 0.5: their mean is the image
                    float[] image = BenchDevice.uniform(8, GpuBandwidthBench.IMAGE);
                    int copies = n / image.length;
                    double err = 0;
                    for (int i = 0; i < image.length; i++) {
                        double mean = 0;
                        for (int c = 0; c < copies; c++) mean += out[c * image.length + i];
                        err = Math.max(err, Math.abs(mean / copies - image[i]));
                    }
                    assertTrue(err < 6 * 0.5 / Math.sqrt(copies), "noise mean off by " + err);
                }
                default -> { }
            }
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"attention", "infonce_256", "infonce_768"})
    void theFusedKernelsRunForwardAndBackward(String op) {
        GpuFusedBench bench = new GpuFusedBench();
        bench.op = op;
        bench.images = 1;
        bench.rows = 48;
        bench.setup();
        try {
            bench.forwardBackward();
            float[] out = bench.output();
            assertEquals(op.equals("attention") ? 12 * 66 * 64 : 48, out.length);
            for (int i = 0; i < out.length; i++) {
                assertTrue(Float.isFinite(out[i]), op + ": not finite at " + i);
                // an InfoNCE row loss is lse - positive, never below zero; attention averages values in [-1, 1]
                if (op.equals("attention")) assertTrue(Math.abs(out[i]) <= 1f, "attention output " + out[i]);
                else assertTrue(out[i] > -1e-5f, "InfoNCE loss " + out[i]);
            }
        } finally {
            bench.tearDown();
        }
    }
}
