package rrcm.backend.cpu;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import rrcm.backend.AttentionShape;
import rrcm.backend.Backend;
import rrcm.backend.BinaryOp;
import rrcm.backend.DType;
import rrcm.backend.Gemm;
import rrcm.backend.MemoryStats;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.Storage;
import rrcm.backend.UnaryOp;

/**
 * The pure-Java backend: Vector API inner loops, one shared thread pool, and a pool of released
 * arrays. It is the reference semantics of every primitive (see {@link Backend}).
 */
public final class CpuBackend implements Backend, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Parallel par;
    private final CpuPool pool = new CpuPool(CpuPool.defaultCapacity());
    private final AtomicLong liveBytes = new AtomicLong();
    private final LongAdder productFlops = new LongAdder();

    public CpuBackend(int threads) {
        this.par = new Parallel(threads);
    }

    public int threads() {
        return par.threads();
    }

    /**
     * Floating-point operations done so far in products (GEMM, attention, InfoNCE; a multiply-add counts
     * two), the work the FMA peak bounds: the benchmarks divide it by time and by the peak to say how much
     * of the machine a whole training step or certification batch uses. The rest of the ops (elementwise,
     * norms, softmax) are memory-bound and not counted.
     */
    public long productFlops() {
        return productFlops.sum();
    }

    /** Threads for a default backend: -Drrcm.threads, else every available processor. */
    public static int defaultThreads() {
        String p = System.getProperty("rrcm.threads");
        if (p != null) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("-Drrcm.threads must be a positive integer, got '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "pure Java, " + CpuTuning.summary() + ", " + threads() + " thread"
                + (threads() == 1 ? "" : "s");
    }

    @Override
    public void close() {
        par.close();
    }

    // ---- storage ---------------------------------------------------------------------------------

    /**
     * Gives a storage's bytes back to the live count, once: at its release, or when it became
     * unreachable without one. It holds no reference to the storage, as a Cleaner action must not.
     */
    private record Lease(AtomicLong live, long bytes) implements Runnable {
        Lease {
            live.addAndGet(bytes);
        }

        @Override
        public void run() {
            live.addAndGet(-bytes);
        }
    }

    private CpuStorage track(CpuStorage s) {
        s.setCleanable(CLEANER.register(s, new Lease(liveBytes, 4L * s.numel())));
        return s;
    }

    @Override
    public Storage allocate(DType dtype, int numel) {
        if (numel < 0) throw new IllegalArgumentException("cpu: cannot allocate " + numel + " elements");
        return track(dtype == DType.F32 ? new CpuStorage(this, pool.takeFloats(numel))
                : new CpuStorage(this, pool.takeInts(numel)));
    }

    @Override
    public void release(Storage storage) {
        CpuStorage s = own(storage, "release");
        if (s.released()) throw new IllegalStateException("cpu: storage released twice");
        s.markReleased();
        pool.give(s.array());
    }

    @Override
    public Storage upload(float[] data) {
        CpuStorage s = (CpuStorage) allocate(DType.F32, data.length);
        System.arraycopy(data, 0, s.floats(), 0, data.length);
        return s;
    }

    @Override
    public Storage upload(int[] data) {
        CpuStorage s = (CpuStorage) allocate(DType.I32, data.length);
        System.arraycopy(data, 0, s.ints(), 0, data.length);
        return s;
    }

    @Override
    public void download(Storage src, float[] dst) {
        float[] f = f(src);
        if (dst.length != f.length) throw new IllegalArgumentException("download: storage has " + f.length
                + " elements, the destination " + dst.length);
        System.arraycopy(f, 0, dst, 0, f.length);
    }

    @Override
    public void download(Storage src, int[] dst) {
        int[] v = i(src);
        if (dst.length != v.length) throw new IllegalArgumentException("download: storage has " + v.length
                + " elements, the destination " + dst.length);
        System.arraycopy(v, 0, dst, 0, v.length);
    }

    @Override
    public void copy(Storage src, int srcOffset, Storage dst, int dstOffset, int count) {
        CpuStorage s = own(src, "copy"), d = own(dst, "copy");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy: " + s.dtype() + " to " + d.dtype());
        System.arraycopy(s.array(), srcOffset, d.array(), dstOffset, count);
    }

    @Override
    public void fill(Storage out, float value) {
        CpuStorage s = own(out, "fill");
        if (s.dtype() == DType.F32) java.util.Arrays.fill(s.floats(), value);
        else java.util.Arrays.fill(s.ints(), (int) value);
    }

    @Override
    public void convert(Storage src, Storage dst) {
        CpuStorage s = own(src, "convert"), d = own(dst, "convert");
        int n = s.numel();
        if (s.dtype() == DType.F32 && d.dtype() == DType.I32) {
            float[] a = s.floats();
            int[] b = d.ints();
            for (int k = 0; k < n; k++) b[k] = (int) a[k];
        } else if (s.dtype() == DType.I32 && d.dtype() == DType.F32) {
            int[] a = s.ints();
            float[] b = d.floats();
            for (int k = 0; k < n; k++) b[k] = a[k];
        } else {
            copy(src, 0, dst, 0, n);
        }
    }

    @Override
    public MemoryStats memory() {
        return new MemoryStats(liveBytes.get(), pool.pooledBytes(), pool.freshAllocations());
    }

    private CpuStorage own(Storage s, String op) {
        if (s == null) throw new NullPointerException(op + ": storage is null");
        if (!(s instanceof CpuStorage c) || c.backend() != this) {
            throw new IllegalArgumentException(op + ": storage belongs to backend '" + s.backend().name()
                    + "', not to this cpu backend");
        }
        if (c.released()) {
            throw new IllegalStateException(op + ": storage was already released (a tensor used after its memory scope closed)");
        }
        return c;
    }

    private float[] f(Storage s) {
        CpuStorage c = own(s, "cpu");
        if (c.dtype() != DType.F32) throw new IllegalArgumentException("expected float32 storage, got " + c.dtype());
        return c.floats();
    }

    private float[] fOrNull(Storage s) {
        return s == null ? null : f(s);
    }

    private int[] i(Storage s) {
        CpuStorage c = own(s, "cpu");
        if (c.dtype() != DType.I32) throw new IllegalArgumentException("expected int32 storage, got " + c.dtype());
        return c.ints();
    }

    // ---- randomness ------------------------------------------------------------------------------

    @Override
    public void randomNormal(Storage out, long seed, long stream, long counter, float mean, float std) {
        CpuRandom.normal(par, f(out), seed, stream, counter, mean, std);
    }

    @Override
    public void noisyCopies(Storage base, int pixels, int stride, int n, long seed, long stream, long counter, float std,
                            Storage out) {
        CpuRandom.noisyCopies(par, f(base), pixels, stride, n, seed, stream, counter, std, f(out));
    }

    @Override
    public void noiseLevels(Storage x, Storage z, float[] t, float[] scale, Storage[] out) {
        float[][] outs = new float[out.length][];
        for (int l = 0; l < out.length; l++) outs[l] = f(out[l]);
        rrcm.backend.NoiseLayout.checkLevels(x.numel(), z.numel(), t, scale, out);
        CpuElementwise.noiseLevels(par, f(x), f(z), t, scale, outs);
    }

    @Override
    public void randomUniform(Storage out, long seed, long stream, long counter, float low, float high) {
        CpuRandom.uniform(par, f(out), seed, stream, counter, low, high);
    }

    // ---- elementwise -----------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Storage x, Storage out) {
        CpuElementwise.unary(par, op, f(x), f(out));
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx) {
        CpuElementwise.unaryBackward(par, op, op.backwardUsesOutput() ? f(y) : f(x), f(gy), f(gx));
    }

    @Override
    public void scalar(ScalarOp op, Storage x, float s, Storage out) {
        CpuElementwise.scalar(par, op, f(x), s, f(out));
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        CpuElementwise.binary(par, op, f(a), aShape, f(b), bShape, f(out), outShape);
    }

    @Override
    public void expand(Storage src, int[] srcShape, Storage dst, int[] dstShape) {
        CpuElementwise.expand(par, f(src), srcShape, f(dst), dstShape);
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] shape, Storage out, int[] outShape) {
        CpuReduce.reduce(par, op, f(x), shape, f(out), outShape);
    }

    @Override
    public void gemm(Gemm g, Storage a, Storage b, Storage c) {
        CpuGemm.gemm(par, g, f(a), f(b), f(c));
        productFlops.add(g.flops());
    }

    // ---- normalization ---------------------------------------------------------------------------

    @Override
    public void softmax(Storage x, Storage y, int rows, int cols, boolean log) {
        CpuSoftmax.forward(par, f(x), f(y), rows, cols, log);
    }

    @Override
    public void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log) {
        CpuSoftmax.backward(par, f(y), f(gy), f(gx), rows, cols, log);
    }

    @Override
    public void layerNorm(Storage x, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd,
                          int rows, int cols) {
        CpuNorm.layerNorm(par, f(x), fOrNull(w), fOrNull(b), eps, f(y), f(mean), f(rstd), rows, cols);
    }

    @Override
    public void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage gy, Storage gx,
                                  Storage gw, Storage gb, int rows, int cols) {
        CpuNorm.layerNormBackward(par, f(x), fOrNull(w), f(mean), f(rstd), f(gy), f(gx), fOrNull(gw), fOrNull(gb),
                rows, cols);
    }

    @Override
    public void batchNormTrain(Storage x, Storage w, Storage b, float eps, float momentum, Storage runningMean,
                               Storage runningVar, Storage y, Storage mean, Storage invstd, int n, int c) {
        CpuNorm.batchNormTrain(par, f(x), fOrNull(w), fOrNull(b), eps, momentum, fOrNull(runningMean),
                fOrNull(runningVar), f(y), f(mean), f(invstd), n, c);
    }

    @Override
    public void batchNormEval(Storage x, Storage w, Storage b, float eps, Storage runningMean, Storage runningVar,
                              Storage y, int n, int c) {
        CpuNorm.batchNormEval(par, f(x), fOrNull(w), fOrNull(b), eps, f(runningMean), f(runningVar), f(y), n, c);
    }

    @Override
    public void batchNormBackward(Storage x, Storage w, Storage mean, Storage invstd, Storage gy, Storage gx,
                                  Storage gw, Storage gb, int n, int c) {
        CpuNorm.batchNormBackward(par, f(x), fOrNull(w), f(mean), f(invstd), f(gy), f(gx), fOrNull(gw),
                fOrNull(gb), n, c);
    }

    // ---- attention and losses --------------------------------------------------------------------

    @Override
    public void attention(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse) {
        CpuAttention.forward(par, s, f(q), f(k), f(v), f(o), f(lse));
        productFlops.add(4L * s.heads() * s.tq() * s.tk() * s.dh()); // S = q k^T and P v
    }

    @Override
    public void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse,
                                  Storage go, Storage gq, Storage gk, Storage gv) {
        CpuAttention.backward(par, s, f(q), f(k), f(v), f(o), f(lse), f(go), f(gq), f(gk), f(gv));
        productFlops.add(10L * s.heads() * s.tq() * s.tk() * s.dh()); // S again, dP, dV, dK, dQ
    }

    @Override
    public void crossEntropy(Storage logits, Storage target, Storage loss, Storage lse, int rows, int classes) {
        boolean hard = target.dtype() == DType.I32;
        CpuLosses.crossEntropy(par, f(logits), hard ? i(target) : null, hard ? null : f(target), f(loss), f(lse),
                rows, classes);
    }

    @Override
    public void crossEntropyBackward(Storage logits, Storage lse, Storage target, Storage gLoss, Storage gx,
                                     int rows, int classes) {
        boolean hard = target.dtype() == DType.I32;
        CpuLosses.crossEntropyBackward(par, f(logits), f(lse), hard ? i(target) : null, hard ? null : f(target),
                f(gLoss), f(gx), rows, classes);
    }

    @Override
    public void infoNce(Storage q, Storage k, int rows, int dim, float invTau, Storage lse, Storage loss) {
        CpuInfoNce.forward(par, f(q), f(k), rows, dim, invTau, f(lse), f(loss));
        productFlops.add(2L * rows * rows * dim);
    }

    @Override
    public void infoNceBackward(Storage q, Storage k, Storage lse, Storage gLoss, int rows, int dim, float invTau, Storage gq,
                                Storage gk) {
        CpuInfoNce.backward(par, f(q), f(k), f(lse), f(gLoss), rows, dim, invTau, f(gq), gk == null ? null : f(gk));
        productFlops.add((gk == null ? 4L : 6L) * rows * rows * dim); // the logits again, dq, dk
    }

    // ---- optimizer updates -----------------------------------------------------------------------

    @Override
    public void adamw(Storage p, Storage g, Storage m, Storage v, float lr, float beta1, float beta2, float eps,
                      float weightDecay, float bias1, float bias2) {
        CpuUpdates.adamw(par, f(p), f(g), f(m), f(v), lr, beta1, beta2, eps, weightDecay, bias1, bias2);
    }

    @Override
    public void adamwAll(Storage[] p, Storage[] g, Storage[] m, Storage[] v, float lr, float[] lrScale, float[] weightDecay,
                         float beta1, float beta2, float eps, float bias1, float bias2) {
        rrcm.backend.UpdateLists.check("adamw_all", p, g, m, v, lrScale, weightDecay);
        for (int i = 0; i < p.length; i++) {
            adamw(p[i], g[i], m[i], v[i], lr * lrScale[i], beta1, beta2, eps, weightDecay[i], bias1, bias2);
        }
    }

    @Override
    public void axpbyAll(Storage[] y, Storage[] x, float a, float b) {
        rrcm.backend.UpdateLists.checkPairs("axpby_all", y, x);
        for (int i = 0; i < y.length; i++) axpby(y[i], x[i], a, b);
    }

    @Override
    public void axpby(Storage y, Storage x, float a, float b) {
        CpuUpdates.axpby(par, f(y), f(x), a, b);
    }

    // ---- layout ----------------------------------------------------------------------------------

    @Override
    public void copyRows(Storage src, int srcOffset, int srcStride, Storage dst, int dstOffset, int dstStride,
                         int rows, int rowLength, boolean accumulate) {
        CpuStorage s = own(src, "copy_rows"), d = own(dst, "copy_rows");
        CpuLayout.copyRows(par, s.array(), srcOffset, srcStride, d.array(), dstOffset, dstStride, rows, rowLength,
                accumulate);
    }

    @Override
    public void permute(Storage src, int[] shape, int[] perm, Storage dst) {
        CpuLayout.permute(par, own(src, "permute").array(), shape, perm, own(dst, "permute").array());
    }

    @Override
    public void indexSelect(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        CpuLayout.indexSelect(par, own(src, "index_select").array(), outer, axis, inner, i(index), count,
                own(dst, "index_select").array());
    }

    @Override
    public void indexAdd(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        CpuLayout.indexAdd(par, f(src), outer, axis, inner, i(index), count, f(dst));
    }

    @Override
    public void gather(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        CpuLayout.gather(par, own(src, "gather").array(), outer, axis, inner, i(index), count,
                own(dst, "gather").array());
    }

    @Override
    public void scatterAdd(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        CpuLayout.scatterAdd(par, f(src), outer, axis, inner, i(index), count, f(dst));
    }

    @Override
    public void argmax(Storage src, int outer, int axis, int inner, Storage dst) {
        CpuLayout.argmax(par, f(src), outer, axis, inner, i(dst));
    }
}
