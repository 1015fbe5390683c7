package rrcm.backend;

/**
 * The primitive set: everything the tensor layer asks of a backend. The CPU backend is the reference
 * semantics of every primitive; a device backend implements each with one launch or a few.
 *
 * <p>Conventions that make a device backend possible without host round trips:
 * <ul>
 *   <li>Primitives write into storages the caller allocated and return nothing. No primitive returns a
 *       value computed from tensor data; the only ways back to the host are {@link #download}.</li>
 *   <li>Shapes and sizes are host integers passed with each call; storages are flat and contiguous.</li>
 *   <li>Outputs are overwritten unless the method says it accumulates. An output may alias an input
 *       only where the method says so (elementwise ops of equal shapes).</li>
 *   <li>Index arguments are I32 storages. Sizes are {@code int}: one tensor holds fewer than 2^31
 *       elements.</li>
 * </ul>
 * Layouts written as (outer, axis, inner) mean a contiguous tensor viewed as three dimensions around
 * the axis an op works on.
 *
 * <p>The primitives come in op families ({@link #random}, {@link #elementwise}, {@link #reduce},
 * {@link #gemm}, {@link #norm}, {@link #attention}, {@link #losses}, {@link #updates}, {@link #layout}),
 * each an abstract class of this package whose public methods check every argument (see {@link Family})
 * before the backend's implementation runs: both backends accept and refuse exactly the same calls. A
 * family has one name everywhere: {@code NormOps}, {@code CpuNorm}, {@code CudaNorm}, {@code kernels/norm.cu},
 * the test {@code NormContract}. Storage itself (allocation, transfers, copies) is this interface's own.
 *
 * <p>Errors found on a device. Everything a call can get wrong from its sizes and storages is refused
 * before anything runs. What only the data can show, a class label outside its range (the one such case),
 * a device backend finds in the kernel that reads it and throws at its next {@link #download}, where the
 * host waits for the device anyway, so that no training step stops to ask; the CPU backend throws at the
 * call, before it writes. The message is the same ({@link LossOps#badLabel}).
 */
public interface Backend {
    /** Short name used in messages and in {@code info}: "cpu", "cuda", "emulator". */
    String name();

    /** One line for {@code info}: what this backend runs on and how. */
    String describe();

    // ---- storage -------------------------------------------------------------------------------

    /** New storage; its contents are unspecified. */
    Storage allocate(DType dtype, int numel);

    /** Gives the storage back to the backend's pool. Using it afterwards is an error. */
    void release(Storage storage);

    Storage upload(float[] data);

    Storage upload(int[] data);

    void download(Storage src, float[] dst);

    void download(Storage src, int[] dst);

    /** Copies {@code count} elements of the same dtype. */
    void copy(Storage src, int srcOffset, Storage dst, int dstOffset, int count);

    /** Sets every element; I32 storages take {@code (int) value}. */
    void fill(Storage out, float value);

    /** Converts between F32 and I32 (float to int truncates toward zero). */
    void convert(Storage src, Storage dst);

    /** Bytes held by storages that are allocated and not released, and bytes kept in the pool. */
    MemoryStats memory();

    // ---- the op families ----------------------------------------------------------------------------

    /** Philox normals and uniforms, noisy copies, noise levels. */
    RandomOps<?> random();

    /** Unary, scalar and broadcasting binary maps. */
    ElementwiseOps<?> elementwise();

    /** Reductions over axes and argmax. */
    ReduceOps<?> reduce();

    /** The batched matrix product. */
    GemmOps<?> gemm();

    /** Softmax, layer and batch normalization. */
    NormOps<?> norm();

    /** Fused scaled-dot-product attention. */
    AttentionOps<?> attention();

    /** Cross-entropy and InfoNCE. */
    LossOps<?> losses();

    /** AdamW and axpby, per tensor and per parameter list. */
    UpdateOps<?> updates();

    /** Strided row copies and permutations. */
    LayoutOps<?> layout();
}
