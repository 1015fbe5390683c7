package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rrcm.backend.BinaryOp;
import rrcm.backend.DType;
import rrcm.backend.Gemm;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.Storage;
import rrcm.backend.UnaryOp;
import rrcm.backend.cpu.CpuBackend;
import rrcm.device.Device;
import rrcm.testing.Close;
import rrcm.testing.Data;

/** The gemm family, {@link CudaGemm}, against the CPU's: every transposition, batches, strides, TF32 and FP32. */
abstract class GemmContract extends FamilyContract {
    // ---- GEMM -----------------------------------------------------------------------------------------------------

    List<Gemm> products() {
        List<Gemm> gs = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {7, 5, 3}, {64, 64, 64}, {65, 63, 33}, {100, 130, 70}, {17, 200, 9}};
        for (int[] s : mnk) {
            for (int t = 0; t < 4; t++) gs.add(Gemm.of(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
        // batched, with a shared (stride 0) right operand, alpha and accumulation
        gs.add(new Gemm(3, 33, 20, 17, false, true, 33 * 17, 0, 33 * 20, 0.5f, 0f));
        gs.add(new Gemm(4, 20, 31, 40, true, false, 40 * 20, 40 * 31, 20 * 31, 1f, 1f));
        if (large()) {
            gs.add(Gemm.of(3152, 768, 768, false, true));   // ViT-B qkv-sized, B = 16 images
            gs.add(Gemm.of(3152, 3072, 768, false, true));
            gs.add(Gemm.of(768, 3072, 3152, true, false));  // a weight gradient
            gs.add(new Gemm(192, 197, 197, 64, false, true, 197 * 64, 197 * 64, 197 * 197, 0.125f, 0f)); // attention scores
        }
        return gs;
    }

    static String name(Gemm g) {
        return "gemm batch=" + g.batch() + " m=" + g.m() + " n=" + g.n() + " k=" + g.k() + " tA=" + g.transA() + " tB="
                + g.transB() + " alpha=" + g.alpha() + " beta=" + g.beta();
    }

    @Test
    void gemmMatchesTheCpuWithinTheTf32AndFp32Bounds() {
        for (Gemm g : products()) {
            int na = (g.batch() - 1) * g.strideA() + g.m() * g.k(), nb = (g.batch() - 1) * g.strideB() + g.k() * g.n();
            int nc = (g.batch() - 1) * g.strideC() + g.m() * g.n();
            float[] a = Data.normal(na, na), b = Data.normal(nb + 1, nb), c0 = Data.normal(nc + 2, nc);
            if (g.beta() == 0f) c0[0] = Float.NaN; // beta = 0 must not read C
            Storage ca = cpu.upload(a), cb = cpu.upload(b), cc = cpu.upload(c0);
            cpu.gemm().multiply(g, ca, cb, cc);
            float[] expected = run(cc);
            // the scale of each element: (|alpha| |A| |B|)_ij, which bounds the rounding error of the products
            float[] absA = a.clone(), absB = b.clone();
            for (int i = 0; i < absA.length; i++) absA[i] = Math.abs(absA[i]);
            for (int i = 0; i < absB.length; i++) absB[i] = Math.abs(absB[i]);
            Storage sa = cpu.upload(absA), sb = cpu.upload(absB), sc = cpu.allocate(DType.F32, nc);
            cpu.fill(sc, 0f);
            Gemm mag = new Gemm(g.batch(), g.m(), g.n(), g.k(), g.transA(), g.transB(), g.strideA(), g.strideB(), g.strideC(),
                    Math.abs(g.alpha()), 0f);
            cpu.gemm().multiply(mag, sa, sb, sc);
            float[] scale = run(sc);
            for (CudaBackend which : List.of(cuda, exact)) {
                CudaRuntime rt = which.runtime();
                CudaStorage ga = rt.upload(a), gb = rt.upload(b), gc = rt.upload(c0);
                which.gemm().multiply(g, ga, gb, gc);
                float[] got = new float[nc];
                rt.download(gc, got);
                CudaGemm.Matmul matmul = ((CudaGemm) which.gemm()).matmul();
                // TF32: each input rounded to 11 significant bits (relative 2^-11), so each product is off by at
                // most 2^-10 of |a||b|; FP32: float accumulation in another order, k * 2^-24 of |a||b| at worst
                double rel = matmul == CudaGemm.Matmul.TF32 ? 0x1p-10 * 1.25 : Math.max(16, g.k()) * 0x1p-24;
                String why = matmul + " " + name(g);
                for (int i = 0; i < nc; i++) {
                    double bound = rel * scale[i] + 1e-6 + (g.beta() != 0f ? Math.ulp(Math.abs(c0[i])) : 0);
                    if (!(Math.abs(got[i] - expected[i]) <= bound)) {
                        fail(String.format("%s: C[%d] = %.9g, the CPU gives %.9g, allowed error %.3g (%.3g of sum |a||b| = %.4g)",
                                why, i, got[i], expected[i], bound, rel, scale[i]));
                    }
                }
                for (CudaStorage r : List.of(ga, gb, gc)) rt.release(r);
            }
        }
    }
}
