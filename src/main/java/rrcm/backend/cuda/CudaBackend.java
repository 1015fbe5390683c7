package rrcm.backend.cuda;

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
import rrcm.device.Device;

/**
 * The backend on a {@link Device}: a GPU through JCuda, or the host emulator that runs the same kernels
 * on the CPU for the tests. Storage lives in {@link CudaRuntime}; every op family is a class of this
 * package named after it ({@link CudaRandom}, {@link CudaElementwise}, {@link CudaReduce},
 * {@link CudaGemm}, {@link CudaNorm}, {@link CudaAttention}, {@link CudaLosses}, {@link CudaUpdates},
 * {@link CudaLayout}), each launching the kernels of the kernels/ file of the same name. Data stays on the
 * device; the only ways back to the host are the downloads the tensor layer asks for.
 *
 * <p>Threads: the storage methods and the families' cached state are synchronized, so a storage released
 * or a batch uploaded from another thread cannot corrupt the allocator; the training and certification
 * loops drive a backend from one thread. Storages that become unreachable without being released go
 * back to the pool at the next allocation.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final String name;
    private final Device device;
    private final boolean ownsDevice;
    private final CudaRuntime rt;
    private final CudaRandom random;
    private final CudaElementwise elementwise;
    private final CudaReduce reduce;
    private final CudaGemm gemm;
    private final CudaNorm norm;
    private final CudaAttention attention;
    private final CudaLosses losses;
    private final CudaUpdates updates;
    private final CudaLayout layout;

    /**
     * @param name "cuda" on a GPU, "emulator" on the host emulator
     * @param ownsDevice whether {@link #close} closes the device too
     */
    public CudaBackend(String name, Device device, CudaGemm.Matmul matmul, boolean ownsDevice) {
        this(name, device, matmul, ownsDevice, 65535);
    }

    /** With the attention grid's y extent capped (tests reach the kernels' loop over heads with few heads). */
    CudaBackend(String name, Device device, CudaGemm.Matmul matmul, boolean ownsDevice, int attentionGridY) {
        this.name = name;
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.rt = new CudaRuntime(device, this);
        this.random = new CudaRandom(this, rt);
        this.elementwise = new CudaElementwise(this, rt);
        this.reduce = new CudaReduce(this, rt);
        this.gemm = new CudaGemm(this, rt, matmul);
        this.norm = new CudaNorm(this, rt, reduce);
        this.attention = new CudaAttention(this, rt, attentionGridY);
        this.losses = new CudaLosses(this, rt, gemm);
        this.updates = new CudaUpdates(this, rt);
        this.layout = new CudaLayout(this, rt);
    }

    public Device device() {
        return device;
    }

    /** The storage and launch layer underneath, for benchmarks and tests. */
    public CudaRuntime runtime() {
        return rt;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return device.describe() + "; " + gemm.describe();
    }

    private CudaStorage cuda(Storage s, String op) {
        if (s == null) throw new NullPointerException(op + ": the storage is null");
        if (s instanceof CudaStorage c && c.owner() == rt) return c;
        throw new IllegalArgumentException(op + ": the storage belongs to backend '" + s.backend().name() + "', not to this "
                + name + " backend (move the tensor with .to(backend) first)");
    }

    // ---- storage -------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, int numel) {
        return rt.allocate(dtype, numel);
    }

    @Override
    public void release(Storage storage) {
        rt.release(cuda(storage, "release"));
    }

    @Override
    public Storage upload(float[] data) {
        return rt.upload(data);
    }

    @Override
    public Storage upload(int[] data) {
        return rt.upload(data);
    }

    /** Also reports a bad class label of the cross-entropy calls since the last download (see {@link Backend}). */
    @Override
    public void download(Storage src, float[] dst) {
        rt.download(cuda(src, "download"), dst);
        losses.checkPending(); // the host has waited for the device here anyway
    }

    @Override
    public void download(Storage src, int[] dst) {
        rt.download(cuda(src, "download"), dst);
        losses.checkPending();
    }

    @Override
    public void copy(Storage src, int srcOffset, Storage dst, int dstOffset, int count) {
        rt.copy(cuda(src, "copy"), srcOffset, cuda(dst, "copy"), dstOffset, count);
    }

    @Override
    public void fill(Storage out, float value) {
        rt.fill(cuda(out, "fill"), value);
    }

    @Override
    public void convert(Storage src, Storage dst) {
        rt.convert(cuda(src, "convert"), cuda(dst, "convert"));
    }

    @Override
    public MemoryStats memory() {
        return rt.memory();
    }

    // ---- the op families ----------------------------------------------------------------------

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

    /** Gives the pooled device memory back; closes the device when this backend opened it. */
    @Override
    public synchronized void close() {
        rt.close();
        if (ownsDevice) device.close();
    }

    @Override
    public String toString() {
        return name + " (" + device.name() + ")";
    }
}
