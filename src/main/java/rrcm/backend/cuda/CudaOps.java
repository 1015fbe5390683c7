package rrcm.backend.cuda;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import rrcm.backend.BinaryOp;
import rrcm.backend.DType;
import rrcm.backend.Gemm;
import rrcm.backend.MemoryStats;
import rrcm.backend.ReduceOp;
import rrcm.backend.ScalarOp;
import rrcm.backend.ShapePlan;
import rrcm.backend.UnaryOp;
import rrcm.device.Device;
import rrcm.device.DeviceBuffer;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The primitive families of the CUDA backend that exist so far, on a {@link Device} (a GPU or the
 * host emulator): storage and copies, elementwise ops with broadcasting, reductions, GEMM, and layout
 * copies. Each method has the signature and the semantics of the {@link rrcm.backend.Backend} method of
 * the same name, with {@link CudaStorage} in place of Storage, and is one kernel launch or a few
 * (kernels/*.cu; each file's header comment gives the grid and block contract these launches keep).
 * The CPU backend is the reference; the tests compare every method with it.
 *
 * <p>{@link CudaBackend} is the Backend built on it: it adds the other families (normalization,
 * attention, randomness and optimizer updates, index ops and losses), each a class of this package that
 * launches through the package-private helpers at the end of this one.
 *
 * <p>Memory comes from a caching allocator, so a steady-state step makes no driver allocation;
 * {@link #memory} counts live and pooled bytes. Not thread-safe: one thread drives one CudaOps.
 */
public final class CudaOps implements AutoCloseable {
    /** The arithmetic of {@link #gemm}. */
    public enum Matmul {
        /** Tensor cores, TF32 inputs, float accumulation (relative error near 1e-3). */
        TF32,
        /** Plain float FMA (relative error near 1e-6), for exact-fp32 work and checks. */
        FP32
    }

    private static final int THREADS = 256;
    private static final int BLOCKS_PER_SM = 8;
    private static final int MAX_GRID_YZ = 65535;

    /** Returns the blocks of storages that were lost without a release (see {@link CudaStorage}). */
    private static final Cleaner RECLAIM = Cleaner.create();

    private final Device device;
    private final Matmul matmul;
    private final CachingAllocator allocator;
    private final CudaBackend backend;

    public CudaOps(Device device) {
        this(device, Matmul.TF32);
    }

    public CudaOps(Device device, Matmul matmul) {
        this(device, matmul, null);
    }

    /** The launch layer of a {@link CudaBackend}, whose storages name it as their backend. */
    CudaOps(Device device, Matmul matmul, CudaBackend backend) {
        this.device = device;
        this.matmul = matmul;
        this.allocator = new CachingAllocator(device);
        this.backend = backend;
    }

    /** The backend this launch layer serves, or null for a bare CudaOps (tests of single families). */
    CudaBackend backend() {
        return backend;
    }

    public Device device() {
        return device;
    }

    public Matmul matmul() {
        return matmul;
    }

    /** Gives the allocator's pooled blocks back to the device. Live storages stay valid. */
    public void trim() {
        allocator.trim();
    }

    /** Trims the pool; storages still live are the device's to free when it closes. */
    @Override
    public void close() {
        trim();
    }

    // ---- storage -------------------------------------------------------------------------------------------

    public CudaStorage allocate(DType dtype, int numel) {
        if (numel < 0) throw new IllegalArgumentException(device.name() + ": cannot allocate " + numel + " elements");
        DeviceBuffer b = allocator.take((long) dtype.bytes() * numel, dtype + "[" + numel + "]");
        CudaStorage s = new CudaStorage(this, dtype, numel, b);
        CachingAllocator pool = allocator; // the action must not reach the storage, or it would never be unreachable
        s.reclaim(RECLAIM.register(s, () -> pool.give(b)));
        return s;
    }

    /** Back to the pool now (the cleaner's action, run here and never again). */
    public void release(CudaStorage storage) {
        CudaStorage s = own(storage, "release");
        s.markReleased();
        s.reclaim().clean();
    }

    public CudaStorage upload(float[] data) {
        CudaStorage s = allocate(DType.F32, data.length);
        device.copyFromHost(data, 0, s.buffer(), 0, data.length);
        return s;
    }

    public CudaStorage upload(int[] data) {
        CudaStorage s = allocate(DType.I32, data.length);
        device.copyFromHost(data, 0, s.buffer(), 0, data.length);
        return s;
    }

    public void download(CudaStorage src, float[] dst) {
        CudaStorage s = f32(src, "download");
        sameLength("download", s.numel(), dst.length);
        device.copyToHost(s.buffer(), 0, dst, 0, dst.length);
    }

    public void download(CudaStorage src, int[] dst) {
        CudaStorage s = i32(src, "download");
        sameLength("download", s.numel(), dst.length);
        device.copyToHost(s.buffer(), 0, dst, 0, dst.length);
    }

    /** Copies {@code count} elements of the same dtype. */
    public void copy(CudaStorage src, int srcOffset, CudaStorage dst, int dstOffset, int count) {
        CudaStorage s = own(src, "copy"), d = own(dst, "copy");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy: " + s.dtype() + " to " + d.dtype());
        device.copy(s.buffer(), 4L * srcOffset, d.buffer(), 4L * dstOffset, 4L * count);
    }

    /** Sets every element; I32 storages take {@code (int) value}. */
    public void fill(CudaStorage out, float value) {
        CudaStorage o = own(out, "fill");
        int n = o.numel();
        if (n == 0) return;
        if (o.dtype() == DType.F32) {
            launch1d("ew_fill_f32", n, KernelArgs.of().ptr(o.buffer()).f32(value).i32(n));
        } else {
            launch1d("ew_fill_i32", n, KernelArgs.of().ptr(o.buffer()).i32((int) value).i32(n));
        }
    }

    /** Converts between F32 and I32 (float to int truncates toward zero). */
    public void convert(CudaStorage src, CudaStorage dst) {
        CudaStorage s = own(src, "convert"), d = own(dst, "convert");
        sameLength("convert", s.numel(), d.numel());
        int n = s.numel();
        if (n == 0) return;
        if (s.dtype() == d.dtype()) {
            copy(s, 0, d, 0, n);
        } else {
            launch1d(s.dtype() == DType.F32 ? "ew_f32_to_i32" : "ew_i32_to_f32", n,
                    KernelArgs.of().ptr(s.buffer()).ptr(d.buffer()).i32(n));
        }
    }

    /** Bytes of live storages, bytes pooled for reuse, and allocations that missed the pool. */
    public MemoryStats memory() {
        return allocator.stats();
    }

    // ---- elementwise -----------------------------------------------------------------------------------------

    /** out = f(x); out may alias x. */
    public void unary(UnaryOp op, CudaStorage x, CudaStorage out) {
        int n = f32(x, "unary").numel();
        sameLength("unary", n, f32(out, "unary").numel());
        if (n == 0) return;
        launch1d("ew_unary", n, KernelArgs.of().i32(OpCodes.unary(op)).ptr(x.buffer()).ptr(out.buffer()).i32(n));
    }

    /** gx = gy * f'(x), f' written through x or through y = f(x) as {@link UnaryOp#backwardUsesOutput} says. */
    public void unaryBackward(UnaryOp op, CudaStorage x, CudaStorage y, CudaStorage gy, CudaStorage gx) {
        CudaStorage t = f32(op.backwardUsesOutput() ? y : x, "unary_backward");
        int n = f32(gy, "unary_backward").numel();
        sameLength("unary_backward", n, t.numel());
        sameLength("unary_backward", n, f32(gx, "unary_backward").numel());
        if (n == 0) return;
        launch1d("ew_unary_backward", n, KernelArgs.of().i32(OpCodes.unary(op)).ptr(t.buffer()).ptr(gy.buffer())
                .ptr(gx.buffer()).i32(n));
    }

    /** out = f(x, s); out may alias x. */
    public void scalar(ScalarOp op, CudaStorage x, float s, CudaStorage out) {
        int n = f32(x, "scalar").numel();
        sameLength("scalar", n, f32(out, "scalar").numel());
        if (n == 0) return;
        launch1d("ew_scalar", n, KernelArgs.of().i32(OpCodes.scalar(op)).ptr(x.buffer()).f32(s).ptr(out.buffer()).i32(n));
    }

    /** out = f(a, b) with broadcasting; out has the broadcast shape and may alias a same-shaped input. */
    public void binary(BinaryOp op, CudaStorage a, int[] aShape, CudaStorage b, int[] bShape, CudaStorage out, int[] outShape) {
        ShapePlan.Broadcast plan = ShapePlans.broadcast("binary", aShape, bShape, outShape);
        sameLength("binary (a)", f32(a, "binary").numel(), ShapePlans.numel(aShape));
        sameLength("binary (b)", f32(b, "binary").numel(), ShapePlans.numel(bShape));
        sameLength("binary (out)", f32(out, "binary").numel(), plan.numel());
        if (plan.numel() == 0) return;
        boolean vec = plan.inner() % 4 == 0;
        launch1d("ew_binary", vec ? plan.numel() / 4 : plan.numel(), KernelArgs.of().i32(OpCodes.binary(op))
                .ptr(a.buffer()).ptr(b.buffer()).ptr(out.buffer()).struct(ShapePlans.words(plan)).i32(vec ? 1 : 0));
    }

    /** dst = src broadcast from srcShape to dstShape (NumPy rules). */
    public void expand(CudaStorage src, int[] srcShape, CudaStorage dst, int[] dstShape) {
        ShapePlan.Broadcast plan = ShapePlans.broadcast("expand", srcShape, srcShape, dstShape);
        sameLength("expand (src)", f32(src, "expand").numel(), ShapePlans.numel(srcShape));
        sameLength("expand (dst)", f32(dst, "expand").numel(), plan.numel());
        if (plan.numel() == 0) return;
        boolean vec = plan.inner() % 4 == 0;
        launch1d("ew_expand", vec ? plan.numel() / 4 : plan.numel(),
                KernelArgs.of().ptr(src.buffer()).ptr(dst.buffer()).struct(ShapePlans.words(plan)).i32(vec ? 1 : 0));
    }

    // ---- reductions -------------------------------------------------------------------------------------------

    /** Reduces x of {@code shape} to {@code outShape}: the same rank, with 1 on every reduced axis. */
    public void reduce(ReduceOp op, CudaStorage x, int[] shape, CudaStorage out, int[] outShape) {
        ShapePlan.Reduction plan = ShapePlan.reduction(shape, outShape);
        sameLength("reduce (x)", f32(x, "reduce").numel(), ShapePlans.numel(shape));
        sameLength("reduce (out)", f32(out, "reduce").numel(), ShapePlans.numel(outShape));
        if (out.numel() == 0) return;
        if (plan.passes().isEmpty()) {
            copy(x, 0, out, 0, out.numel());
            return;
        }
        int code = OpCodes.reduce(op);
        List<CudaStorage> temporaries = new ArrayList<>();
        try {
            CudaStorage cur = x;
            for (int p = 0; p < plan.passes().size(); p++) {
                int[] pass = plan.passes().get(p);
                boolean last = p == plan.passes().size() - 1;
                float scale = last && op == ReduceOp.MEAN ? 1f / plan.count() : 1f;
                CudaStorage dst = last ? out : allocate(DType.F32, pass[0] * pass[2]);
                if (!last) temporaries.add(dst);
                reducePass(code, cur, pass[0], pass[1], pass[2], dst, scale, temporaries);
                cur = dst;
            }
        } finally {
            for (CudaStorage t : temporaries) release(t);
        }
    }

    /** out (outer, inner) = op over x (outer, red, inner), times scale; long reductions split in two launches. */
    private void reducePass(int code, CudaStorage x, int outer, int red, int inner, CudaStorage out, float scale,
                            List<CudaStorage> temporaries) {
        int sms = device.multiprocessors();
        if (inner == 1) {
            int splits = outer >= 2 * sms || red < 8192 ? 1 : (int) Math.min(1024, (red + 4095) / 4096);
            int threads = Math.min(1024, Math.max(32, Integer.highestOneBit(Math.max(1, red / splits - 1)) * 2));
            threads = Math.min(threads, THREADS);
            CudaStorage partial = out;
            if (splits > 1) {
                partial = allocate(DType.F32, outer * splits);
                temporaries.add(partial);
            }
            device.launch("reduce_rows", new Dim3(Math.min(outer, 1 << 20), splits, 1), Dim3.of(threads), 0,
                    KernelArgs.of().i32(code).ptr(x.buffer()).ptr(partial.buffer()).i32(outer).i32(red).i32(splits)
                            .f32(splits > 1 ? 1f : scale));
            if (splits > 1) reducePass(code, partial, outer, splits, 1, out, scale, temporaries);
            return;
        }
        long columnBlocks = (long) outer * ((inner + 31) / 32);
        int splits = columnBlocks >= 2L * sms || red < 512 ? 1 : (int) Math.min(64, (red + 255) / 256);
        CudaStorage partial = out;
        if (splits > 1) {
            partial = allocate(DType.F32, outer * splits * inner);
            temporaries.add(partial);
        }
        device.launch("reduce_cols", new Dim3((inner + 31) / 32, Math.min(outer, MAX_GRID_YZ), splits), Dim3.of(32, 8), 0,
                KernelArgs.of().i32(code).ptr(x.buffer()).ptr(partial.buffer()).i32(outer).i32(red).i32(inner).i32(splits)
                        .f32(splits > 1 ? 1f : scale));
        if (splits > 1) reducePass(code, partial, outer, splits, inner, out, scale, temporaries);
    }

    // ---- GEMM ------------------------------------------------------------------------------------------------------

    /** The batched GEMM of {@link Gemm}, with the arithmetic of {@link #matmul()}. */
    public void gemm(Gemm g, CudaStorage a, CudaStorage b, CudaStorage c) {
        f32(a, "gemm");
        f32(b, "gemm");
        f32(c, "gemm");
        need("gemm (a)", a, g.strideA(), (long) g.m() * g.k(), g.batch());
        need("gemm (b)", b, g.strideB(), (long) g.k() * g.n(), g.batch());
        need("gemm (c)", c, g.strideC(), (long) g.m() * g.n(), g.batch());
        long rowTiles = (g.m() + 63) / 64;
        if (rowTiles > MAX_GRID_YZ) {
            throw new IllegalArgumentException("gemm: m = " + g.m() + " exceeds the kernels' " + 64L * MAX_GRID_YZ + " rows");
        }
        boolean tf32 = matmul == Matmul.TF32;
        String kernel = "gemm_" + (tf32 ? "tf32_" : "f32_") + (g.transA() ? "t" : "n") + (g.transB() ? "t" : "n");
        int[] shape = {g.m(), g.n(), g.k(), g.batch(), g.strideA(), g.strideB(), g.strideC(),
                Float.floatToRawIntBits(g.alpha()), Float.floatToRawIntBits(g.beta())};
        device.launch(kernel, new Dim3((g.n() + 63) / 64, (int) rowTiles, Math.min(g.batch(), MAX_GRID_YZ)),
                Dim3.of(tf32 ? 128 : 256), 0,
                KernelArgs.of().struct(shape).ptr(a.buffer()).ptr(b.buffer()).ptr(c.buffer()));
    }

    private static void need(String what, CudaStorage s, int stride, long size, int batch) {
        long needed = (long) stride * (batch - 1) + size;
        if (s.numel() < needed) {
            throw new IllegalArgumentException(what + ": the storage has " + s.numel() + " elements, the product reads or writes "
                    + needed);
        }
    }

    // ---- layout ------------------------------------------------------------------------------------------------------

    /**
     * Copies {@code rows} runs of {@code rowLength} elements: run r goes from src[srcOffset + r * srcStride]
     * to dst[dstOffset + r * dstStride], added to dst's values when {@code accumulate}.
     */
    public void copyRows(CudaStorage src, int srcOffset, int srcStride, CudaStorage dst, int dstOffset, int dstStride,
                         int rows, int rowLength, boolean accumulate) {
        CudaStorage s = own(src, "copy_rows"), d = own(dst, "copy_rows");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("copy_rows: " + s.dtype() + " to " + d.dtype());
        if (rows == 0 || rowLength == 0) return;
        long lastSrc = srcOffset + (long) (rows - 1) * srcStride + rowLength, lastDst = dstOffset + (long) (rows - 1) * dstStride + rowLength;
        if (srcOffset < 0 || dstOffset < 0 || lastSrc > s.numel() || lastDst > d.numel()) {
            throw new IndexOutOfBoundsException("copy_rows: runs reach element " + lastSrc + " of " + s.numel() + " (src) and "
                    + lastDst + " of " + d.numel() + " (dst)");
        }
        int mode = !accumulate ? 0 : s.dtype() == DType.F32 ? 1 : 2;
        int x = (int) Math.max(1, Math.min((rowLength + THREADS - 1) / THREADS, 8));
        device.launch("copy_rows", new Dim3(x, Math.min(rows, MAX_GRID_YZ), 1), Dim3.of(THREADS), 0,
                KernelArgs.of().ptr(s.buffer()).i32(srcOffset).i32(srcStride).ptr(d.buffer()).i32(dstOffset).i32(dstStride)
                        .i32(rows).i32(rowLength).i32(mode));
    }

    /** dst = src permuted: dst axis i is src axis perm[i]. Either dtype. */
    public void permute(CudaStorage src, int[] shape, int[] perm, CudaStorage dst) {
        CudaStorage s = own(src, "permute"), d = own(dst, "permute");
        if (s.dtype() != d.dtype()) throw new IllegalArgumentException("permute: " + s.dtype() + " to " + d.dtype());
        long n = ShapePlans.numel(shape);
        sameLength("permute (src)", s.numel(), n);
        sameLength("permute (dst)", d.numel(), n);
        if (n == 0) return;
        switch (ShapePlans.permutation(shape, perm)) {
            case ShapePlans.Copy c -> copy(s, 0, d, 0, (int) n);
            case ShapePlans.Runs r -> launch1d("permute_runs", n,
                    KernelArgs.of().ptr(s.buffer()).ptr(d.buffer()).struct(r.words()).i32((int) n));
            case ShapePlans.Tiled t -> device.launch("permute_tiled",
                    new Dim3((t.cols() + 31) / 32, (int) Math.min((t.rows() + 31) / 32, MAX_GRID_YZ),
                            (int) Math.min(t.batches(), MAX_GRID_YZ)),
                    Dim3.of(32, 8), 0, KernelArgs.of().ptr(s.buffer()).ptr(d.buffer()).struct(t.words()));
        }
    }

    // ---- helpers (package-private: the kernel families of this package launch through them) ---------------------------

    /** A grid-stride kernel over {@code work} items: 256-thread blocks, at most 8 per multiprocessor. */
    void launch1d(String kernel, long work, KernelArgs args) {
        long blocks = Math.max(1, Math.min((work + THREADS - 1) / THREADS, (long) BLOCKS_PER_SM * device.multiprocessors()));
        device.launch(kernel, Dim3.of((int) blocks), Dim3.of(THREADS), 0, args);
    }

    CudaStorage own(CudaStorage s, String op) {
        if (s == null) throw new NullPointerException(op + ": storage is null");
        if (s.owner() != this) throw new IllegalArgumentException(op + ": storage belongs to another CUDA backend (" + s + ")");
        if (s.released()) {
            throw new IllegalStateException(op + ": storage was already released (a tensor used after its memory scope closed)");
        }
        return s;
    }

    CudaStorage f32(CudaStorage s, String op) {
        own(s, op);
        if (s.dtype() != DType.F32) throw new IllegalArgumentException(op + ": expected float32 storage, got " + s.dtype());
        return s;
    }

    CudaStorage i32(CudaStorage s, String op) {
        own(s, op);
        if (s.dtype() != DType.I32) throw new IllegalArgumentException(op + ": expected int32 storage, got " + s.dtype());
        return s;
    }

    static void sameLength(String op, long have, long want) {
        if (have != want) throw new IllegalArgumentException(op + ": " + have + " elements where " + want + " are needed");
    }
}
