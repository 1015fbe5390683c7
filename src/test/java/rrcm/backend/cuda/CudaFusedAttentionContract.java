package rrcm.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import rrcm.backend.AttentionShape;
import rrcm.backend.DType;
import rrcm.backend.Storage;
import rrcm.testing.Close;
import rrcm.testing.Data;

/**
 * Fused attention on the device against the CPU backend's, forward (o and lse) and backward (dq, dk,
 * dv), on shapes that cross the 32-row tiles and the 8-row blocks unevenly, with tq != tk, and head
 * dimensions below, at and between the lane multiples (1, 5, 32, 33, 64, 128). Both sides are fp32 with
 * sums in other orders (lanes and tiles against vector blocks), and CUDA's expf against the CPU's own exp.
 */
abstract class CudaFusedAttentionContract extends CudaFamilyContract {
    static final Close FORWARD = new Close(2e-5, 2e-6, "fp32 dot products and online softmax in another order; expf against the CPU's exp");
    static final Close BACKWARD = new Close(1e-4, 1e-5, "sums over all keys or queries of products of recomputed probabilities, in another order");

    private CudaFusedAttention attention;

    @Override
    void open(CudaOps ops) {
        attention = new CudaFusedAttention(ops);
    }

    /** heads, tq, tk, dh. */
    private int[][] shapes() {
        List<int[]> s = new ArrayList<>(List.of(new int[] {1, 1, 1, 1}, new int[] {2, 3, 5, 5}, new int[] {1, 9, 33, 32},
                new int[] {2, 40, 7, 33}, new int[] {1, 18, 18, 64}, new int[] {1, 5, 66, 128}));
        if (large()) s.addAll(List.of(new int[] {3072, 66, 66, 64}, new int[] {48, 257, 257, 128}, new int[] {96, 65, 65, 32}));
        return s.toArray(new int[0][]);
    }

    @Test
    void forwardAndBackwardMatchTheCpuBackend() {
        for (int[] sh : shapes()) {
            int heads = sh[0], tq = sh[1], tk = sh[2], dh = sh[3];
            AttentionShape s = new AttentionShape(heads, tq, tk, dh, (float) (1 / Math.sqrt(dh)));
            int qn = heads * tq * dh, kn = heads * tk * dh;
            float[] q = Data.normal(1 + dh, qn), k = Data.normal(2 + tk, kn), v = Data.normal(3, kn), go = Data.normal(4, qn);
            for (int i = 0; i < q.length; i++) q[i] *= 2f; // peaked rows, so the online max matters
            Storage cq = cpu.upload(q), ck = cpu.upload(k), cv = cpu.upload(v), cgo = cpu.upload(go);
            Storage co = cpu.allocate(DType.F32, qn), cl = cpu.allocate(DType.F32, heads * tq);
            Storage cgq = cpu.allocate(DType.F32, qn), cgk = cpu.allocate(DType.F32, kn), cgv = cpu.allocate(DType.F32, kn);
            cpu.attention(s, cq, ck, cv, co, cl);
            cpu.attentionBackward(s, cq, ck, cv, co, cl, cgo, cgq, cgk, cgv);
            CudaStorage dq = dev(q), dk = dev(k), dv = dev(v), dgo = dev(go), d0 = devEmpty(qn), dl = devEmpty(heads * tq);
            CudaStorage dgq = devEmpty(qn), dgk = devEmpty(kn), dgv = devEmpty(kn);
            attention.attention(s, dq, dk, dv, d0, dl);
            attention.attentionBackward(s, dq, dk, dv, d0, dl, dgo, dgq, dgk, dgv);
            String at = java.util.Arrays.toString(sh);
            FORWARD.check("o " + at, host(co), host(d0));
            FORWARD.check("lse " + at, host(cl), host(dl));
            BACKWARD.check("dq " + at, host(cgq), host(dgq));
            BACKWARD.check("dk " + at, host(cgk), host(dgk));
            BACKWARD.check("dv " + at, host(cgv), host(dgv));
            for (Storage x : List.of(cq, ck, cv, cgo, co, cl, cgq, cgk, cgv)) cpu.release(x);
        }
    }

    @Test
    void twoRunsGiveTheSameBits() {
        AttentionShape s = new AttentionShape(2, 20, 37, 16, 0.25f);
        float[] q = Data.normal(7, 2 * 20 * 16), k = Data.normal(8, 2 * 37 * 16), v = Data.normal(9, 2 * 37 * 16);
        float[] go = Data.normal(10, 2 * 20 * 16);
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            CudaStorage dq = dev(q), dk = dev(k), dv = dev(v), dgo = dev(go), o = devEmpty(q.length), l = devEmpty(40);
            CudaStorage gq = devEmpty(q.length), gk = devEmpty(k.length), gv = devEmpty(v.length);
            attention.attention(s, dq, dk, dv, o, l);
            attention.attentionBackward(s, dq, dk, dv, o, l, dgo, gq, gk, gv);
            float[][] got = {host(o), host(l), host(gq), host(gk), host(gv)};
            if (first == null) first = got;
            else for (int i = 0; i < got.length; i++) assertArrayEquals(first[i], got[i], "output " + i);
        }
    }

    @Test
    void aHeadDimensionAboveTheLimitIsRefusedWithAMessage() {
        AttentionShape s = new AttentionShape(1, 2, 2, 129, 0.1f);
        CudaStorage q = devEmpty(258), l = devEmpty(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> attention.attention(s, q, q, q, q, l));
        assertEquals("attention: head dimension 129 is above the 128 the CUDA kernels hold per warp", e.getMessage());
    }
}
