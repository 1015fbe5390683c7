package rrcm.backend.cuda;

import rrcm.backend.DType;
import rrcm.backend.UpdateOps;
import rrcm.device.Dim3;
import rrcm.device.KernelArgs;

/**
 * The updates family on the device (kernels/updates.cu), with the CPU's bits: AdamW and axpby rounded
 * operation by operation as the CPU rounds them. The scalars the CPU derives from the hyperparameters
 * (1 - lr wd, lr / bias1, sqrt(bias2), 1 - beta) are derived here, in Java, the same way, and passed to
 * the kernels. The list forms are one launch each over a table of the tensors' addresses, a block per chunk
 * of one tensor (a table of chunks built once per list), so that no thread searches for its tensor.
 */
final class CudaUpdates extends UpdateOps<CudaStorage> {
    private final CudaRuntime rt;

    CudaUpdates(CudaBackend backend, CudaRuntime rt) {
        super(backend, CudaStorage.class);
        this.rt = rt;
    }

    /** One AdamW step in place on p, m and v (PyTorch's rule, see UpdateOps#adamw). */
    @Override
    protected void doAdamw(CudaStorage p, CudaStorage g, CudaStorage m, CudaStorage v, float lr, float beta1, float beta2,
                           float eps, float weightDecay, float bias1, float bias2) {
        int n = p.numel();
        float decay = 1f - lr * weightDecay;
        float stepSize = lr / bias1;
        float sqrtBias2 = (float) Math.sqrt(bias2);
        rt.launch1d("adamw", (n + 3L) / 4, KernelArgs.of().ptr(p.buffer()).ptr(g.buffer()).ptr(m.buffer()).ptr(v.buffer())
                .i64(n).f32(decay).f32(stepSize).f32(sqrtBias2).f32(1f - beta1).f32(beta2).f32(1f - beta2).f32(eps));
    }

    /**
     * AdamW over a list of tensors in one launch (see UpdateOps#adamwAll). The table of their addresses is
     * made on the device the first time a list is seen and kept while the same storages come back (a
     * parameter list's storages live as long as its optimizer), and so are the per-tensor learning-rate
     * scales and weight decays, uploaded again only when they change: a step uploads nothing (an upload
     * from pageable memory waits for the device's queue, which would stall the host at every step).
     */
    @Override
    protected synchronized void doAdamwAll(CudaStorage[] p, CudaStorage[] g, CudaStorage[] m, CudaStorage[] v, float lr,
                                           float[] lrScale, float[] weightDecay, float beta1, float beta2, float eps,
                                           float bias1, float bias2) {
        int n = p.length;
        CudaStorage[] all = new CudaStorage[4 * n];
        for (int i = 0; i < n; i++) {
            all[4 * i] = p[i];
            all[4 * i + 1] = g[i];
            all[4 * i + 2] = m[i];
            all[4 * i + 3] = v[i];
        }
        Table t = table(all, 4, true);
        if (t.total == 0) return;
        float[] rates = new float[2 * n]; // (lrScale, weightDecay) per tensor
        for (int i = 0; i < n; i++) {
            rates[2 * i] = lrScale[i];
            rates[2 * i + 1] = weightDecay[i];
        }
        if (!java.util.Arrays.equals(rates, adamwRates)) {
            if (adamwRatesOnDevice != null) rt.release(adamwRatesOnDevice);
            adamwRatesOnDevice = rt.upload(rates);
            adamwRates = rates;
        }
        rt.device().launch("adamw_all", chunkGrid("adamw_all", t), Dim3.of(CudaRuntime.THREADS), 0, KernelArgs.of().ptr(t.addresses.buffer())
                .ptr(t.chunks.buffer()).i32(t.chunkCount).ptr(adamwRatesOnDevice.buffer()).f32(lr).f32(bias1)
                .f32((float) Math.sqrt(bias2)).f32(1f - beta1).f32(beta2).f32(1f - beta2).f32(eps));
    }

    /** The last (lrScale, weightDecay) pairs of adamwAll, on the host and on the device. */
    private float[] adamwRates;
    private CudaStorage adamwRatesOnDevice;

    /** Elements of one tensor a block updates at a time: the unit of work of the list kernels. */
    static final int CHUNK = 4096;

    /**
     * The device-side tables of a list of storages: their addresses (perTensor per tensor) and the chunks,
     * (tensor, first element, length) with at most {@link #CHUNK} elements each, that the list kernels hand
     * out one per block, so that no thread searches for its tensor.
     */
    private record Table(CudaStorage[] key, CudaStorage addresses, CudaStorage chunks, int chunkCount, long total) {}

    /** A block per chunk, up to what the device holds at once (blocks loop over the rest). */
    private Dim3 chunkGrid(String kernel, Table t) {
        return Dim3.of(Math.max(1, Math.min(t.chunkCount, rt.device().residentBlocks(kernel, CudaRuntime.THREADS, 0))));
    }

    private Table cachedAdamw, cachedAxpby;

    /** The table of a list of storages, perStorage of them per tensor (cached per use: AdamW or axpby). */
    private Table table(CudaStorage[] all, int perTensor, boolean adamw) {
        Table t = adamw ? cachedAdamw : cachedAxpby;
        if (t != null && java.util.Arrays.equals(t.key, all) && !t.addresses.released()) {
            boolean alive = true;
            for (CudaStorage s : all) alive &= !s.released();
            if (alive) return t;
        }
        if (t != null) {
            rt.release(t.addresses);
            rt.release(t.chunks);
        }
        int tensors = all.length / perTensor;
        java.util.List<int[]> chunks = new java.util.ArrayList<>();
        long total = 0;
        for (int i = 0; i < tensors; i++) {
            int size = all[perTensor * i].numel();
            total += size;
            for (int start = 0; start < size; start += CHUNK) chunks.add(new int[] {i, start, Math.min(CHUNK, size - start)});
        }
        int[] flat = new int[3 * Math.max(1, chunks.size())];
        for (int c = 0; c < chunks.size(); c++) System.arraycopy(chunks.get(c), 0, flat, 3 * c, 3);
        CudaStorage addresses = rt.allocate(DType.I32, 2 * all.length); // 64-bit addresses
        for (int slot = 0; slot < all.length; slot += 8) {
            KernelArgs args = KernelArgs.of().ptr(addresses.buffer()).i32(slot).i32(Math.min(8, all.length - slot));
            for (int j = slot; j < slot + 8; j++) args.ptr(j < all.length ? all[j].buffer() : null);
            rt.device().launch("pointer_table", Dim3.of(1), Dim3.of(32), 0, args);
        }
        Table made = new Table(all, addresses, rt.upload(flat), chunks.size(), total);
        if (adamw) cachedAdamw = made;
        else cachedAxpby = made;
        return made;
    }

    /** axpby over a list of (y, x) pairs in one launch (see UpdateOps#axpbyAll); the address table is kept as for AdamW. */
    @Override
    protected synchronized void doAxpbyAll(CudaStorage[] y, CudaStorage[] x, float a, float b) {
        CudaStorage[] all = new CudaStorage[2 * y.length];
        for (int i = 0; i < y.length; i++) {
            all[2 * i] = y[i];
            all[2 * i + 1] = x[i];
        }
        Table t = table(all, 2, false);
        if (t.total == 0) return;
        rt.device().launch("axpby_all", chunkGrid("axpby_all", t), Dim3.of(CudaRuntime.THREADS), 0,
                KernelArgs.of().ptr(t.addresses.buffer()).ptr(t.chunks.buffer()).i32(t.chunkCount).f32(a).f32(b));
    }

    /** y = a * y + b * x, in place; x may be y. */
    @Override
    protected void doAxpby(CudaStorage y, CudaStorage x, float a, float b) {
        int n = y.numel();
        rt.launch1d("axpby", (n + 3L) / 4, KernelArgs.of().ptr(y.buffer()).ptr(x.buffer()).i64(n).f32(a).f32(b));
    }
}
