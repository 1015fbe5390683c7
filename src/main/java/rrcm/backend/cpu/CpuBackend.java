package rrcm.backend.cpu;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import rrcm.backend.AttentionOps;
import rrcm.backend.Backend;
import rrcm.backend.DType;
import rrcm.backend.ElementwiseOps;
import rrcm.backend.GemmOps;
import rrcm.backend.LayoutOps;
import rrcm.backend.LossOps;
import rrcm.backend.MemoryStats;
import rrcm.backend.NormOps;
import rrcm.backend.RandomOps;
import rrcm.backend.ReduceOps;
import rrcm.backend.Storage;
import rrcm.backend.UpdateOps;

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

    private final CpuRandom random;
    private final CpuElementwise elementwise;
    private final CpuReduce reduce;
    private final CpuGemm gemm;
    private final CpuNorm norm;
    private final CpuAttention attention;
    private final CpuLosses losses;
    private final CpuUpdates updates;
    private final CpuLayout layout;

    public CpuBackend(int threads) {
        this.par = new Parallel(threads);
        this.random = new CpuRandom(this, par);
        this.elementwise = new CpuElementwise(this, par);
        this.reduce = new CpuReduce(this, par);
        this.gemm = new CpuGemm(this, par, productFlops);
        this.norm = new CpuNorm(this, par);
        this.attention = new CpuAttention(this, par, productFlops);
        this.losses = new CpuLosses(this, par, productFlops);
        this.updates = new CpuUpdates(this, par);
        this.layout = new CpuLayout(this, par);
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
        float[] f = typed(src, DType.F32, "download").floats();
        if (dst.length != f.length) throw new IllegalArgumentException("download: storage has " + f.length
                + " elements, the destination " + dst.length);
        System.arraycopy(f, 0, dst, 0, f.length);
    }

    @Override
    public void download(Storage src, int[] dst) {
        int[] v = typed(src, DType.I32, "download").ints();
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

    private CpuStorage typed(Storage s, DType dtype, String op) {
        CpuStorage c = own(s, op);
        if (c.dtype() != dtype) throw new IllegalArgumentException(op + ": expected " + dtype + " storage, got " + c.dtype());
        return c;
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

    // ---- the op families ------------------------------------------------------------------------

    @Override
    public RandomOps<?> random() {
        return random;
    }

    @Override
    public ElementwiseOps<?> elementwise() {
        return elementwise;
    }

    @Override
    public ReduceOps<?> reduce() {
        return reduce;
    }

    @Override
    public GemmOps<?> gemm() {
        return gemm;
    }

    @Override
    public NormOps<?> norm() {
        return norm;
    }

    @Override
    public AttentionOps<?> attention() {
        return attention;
    }

    @Override
    public LossOps<?> losses() {
        return losses;
    }

    @Override
    public UpdateOps<?> updates() {
        return updates;
    }

    @Override
    public LayoutOps<?> layout() {
        return layout;
    }
}
