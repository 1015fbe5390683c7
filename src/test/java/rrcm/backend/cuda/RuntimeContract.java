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

/** The storage layer, {@link CudaRuntime}, against the CPU backend: transfers, copies, fills, conversions, misuse. */
abstract class RuntimeContract extends FamilyContract {
    // ---- storage ----------------------------------------------------------------------------------------

    @Test
    void uploadDownloadCopyFillAndConvert() {
        float[] x = Data.normal(1, 1027);
        CudaStorage s = ops.upload(x);
        assertArrayEquals(x, run(s));
        CudaStorage t = ops.allocate(DType.F32, 1030);
        ops.fill(t, 2.5f);
        ops.copy(s, 5, t, 1, 1000);
        float[] expected = new float[1030];
        Arrays.fill(expected, 2.5f);
        System.arraycopy(x, 5, expected, 1, 1000);
        assertArrayEquals(expected, run(t));

        float[] odd = {1.9f, -1.9f, 0.5f, -0f, Float.NaN, 3e9f, -3e9f, 16777217f, Float.POSITIVE_INFINITY};
        CudaStorage f = ops.upload(odd);
        CudaStorage i = ops.allocate(DType.I32, odd.length);
        ops.convert(f, i);
        int[] got = new int[odd.length];
        ops.download(i, got);
        int[] want = new int[odd.length];
        for (int k = 0; k < odd.length; k++) want[k] = (int) odd[k];
        assertArrayEquals(want, got, "float to int truncates toward zero and saturates, NaN to 0, as Java's cast");
        CudaStorage back = ops.allocate(DType.F32, odd.length);
        ops.convert(i, back);
        float[] wantBack = new float[odd.length];
        for (int k = 0; k < odd.length; k++) wantBack[k] = want[k];
        assertArrayEquals(wantBack, run(back));
        ops.fill(i, -7.9f);
        ops.download(i, got);
        for (int v : got) assertEquals(-7, v);
        for (CudaStorage r : List.of(s, t, f, i, back)) ops.release(r);
    }

    @Test
    void misuseFailsWithAMessage() {
        CudaStorage s = ops.upload(new float[4]);
        ops.release(s);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.elementwise().unary(UnaryOp.NEG, s, s));
        assertEquals("unary: the input was already released (a tensor used after its memory scope closed)", e.getMessage());
        CudaStorage a = ops.upload(new float[6]), b = ops.upload(new float[4]), out = ops.allocate(DType.F32, 6);
        assertThrows(IllegalArgumentException.class,
                () -> cuda.elementwise().binary(BinaryOp.ADD, a, new int[] {2, 3}, b, new int[] {4}, out, new int[] {2, 3}));
        for (CudaStorage r : List.of(a, b, out)) ops.release(r);
    }
}
