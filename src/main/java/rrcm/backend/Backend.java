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

    // ---- randomness (Philox4x32-10, see Philox) ------------------------------------------------

    /**
     * Element i of out gets a standard normal from Philox block (counter + i / 4), lane i % 4, keyed by
     * (seed, stream); then {@code mean + std * z}. Bit-identical on every backend.
     */
    void randomNormal(Storage out, long seed, long stream, long counter, float mean, float std);

    /** Element i gets {@code low + (high - low) * u}, u uniform in [0, 1) from lane i % 4 of block counter + i / 4. */
    void randomUniform(Storage out, long seed, long stream, long counter, float low, float high);

    /**
     * n noisy copies of {@code base} (pixels values) in one pass, the noise injection of randomized
     * smoothing: out (n, pixels) with {@code out[i, p] = fma(z, std, 0) + base[p]}, z the standard
     * normal of element {@code i * stride + p} drawn at {@code counter} (stride a multiple of 4, at least
     * pixels, so that every copy starts on a Philox block of its own). The same bits as
     * {@link #randomNormal} of (n, stride) with mean 0, narrowed to pixels, plus base.
     */
    void noisyCopies(Storage base, int pixels, int stride, int n, long seed, long stream, long counter, float std, Storage out);

    /**
     * Points of several noise levels on the trajectories of x through z (same size): out[l] =
     * (x + t[l] z) scale[l], rounded as the three separate ops (z t, then x + , then the scale); the
     * training form of the noise injection, one pass over x and z for all levels.
     */
    void noiseLevels(Storage x, Storage z, float[] t, float[] scale, Storage[] out);

    // ---- elementwise ---------------------------------------------------------------------------

    /** out = f(x); out may alias x. */
    void unary(UnaryOp op, Storage x, Storage out);

    /** gx = gy * f'(x), where f' is expressed through x or through y = f(x) as the op prefers. */
    void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx);

    /** out = f(x, s); out may alias x. */
    void scalar(ScalarOp op, Storage x, float s, Storage out);

    /** out = f(a, b) with broadcasting; out has the broadcast shape and may alias a same-shaped input. */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /** dst = src broadcast from srcShape to dstShape (NumPy rules). */
    void expand(Storage src, int[] srcShape, Storage dst, int[] dstShape);

    /** Reduces x of {@code shape} to {@code outShape}: the same rank, with 1 on every reduced axis. */
    void reduce(ReduceOp op, Storage x, int[] shape, Storage out, int[] outShape);

    // ---- dense linear algebra ------------------------------------------------------------------

    void gemm(Gemm g, Storage a, Storage b, Storage c);

    // ---- normalization and softmax (over the last axis of a (rows, cols) view) ------------------

    void softmax(Storage x, Storage y, int rows, int cols, boolean log);

    /** softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy). */
    void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log);

    /** y = (x - mean) * rstd * w + b per row; w and b may be null; mean and rstd (rows) are saved. */
    void layerNorm(Storage x, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd,
                   int rows, int cols);

    /** Writes gx, and gw and gb (cols) unless they are null. */
    void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage gy,
                           Storage gx, Storage gw, Storage gb, int rows, int cols);

    /**
     * Batch normalization of x (n, c) with the statistics of the batch (biased variance); saves mean
     * and invstd (c) and updates the running statistics in place with PyTorch's rule (unbiased
     * variance, {@code r = (1 - momentum) * r + momentum * batch}). w and b may be null.
     */
    void batchNormTrain(Storage x, Storage w, Storage b, float eps, float momentum,
                        Storage runningMean, Storage runningVar, Storage y, Storage mean, Storage invstd,
                        int n, int c);

    /** Batch normalization of x (n, c) with the running statistics. */
    void batchNormEval(Storage x, Storage w, Storage b, float eps, Storage runningMean, Storage runningVar,
                       Storage y, int n, int c);

    /** Backward of {@link #batchNormTrain}; gw and gb may be null. */
    void batchNormBackward(Storage x, Storage w, Storage mean, Storage invstd, Storage gy,
                           Storage gx, Storage gw, Storage gb, int n, int c);

    // ---- fused attention -----------------------------------------------------------------------

    /**
     * o = softmax(q k^T * scale) v for each head; lse (heads, tq) is the log-sum-exp of each scaled row. In
     * the shape's packed layout q, k and v are one storage passed three times; outputs never alias inputs.
     */
    void attention(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse);

    /** Recomputes the probabilities from lse; writes gq, gk, gv (packed: one storage passed three times). */
    void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse,
                           Storage go, Storage gq, Storage gk, Storage gv);

    // ---- losses --------------------------------------------------------------------------------

    /**
     * Cross-entropy per row of logits (rows, classes) fused with log-softmax. target is I32 class
     * indices (rows) or F32 probabilities (rows, classes). Writes loss (rows) and lse (rows).
     */
    void crossEntropy(Storage logits, Storage target, Storage loss, Storage lse, int rows, int classes);

    /** gx = gLoss[row] * (softmax * sum(target) - target); I32 targets are one-hot. */
    void crossEntropyBackward(Storage logits, Storage lse, Storage target, Storage gLoss, Storage gx,
                              int rows, int classes);

    /**
     * InfoNCE of queries q against keys k, both (rows, dim) and already L2-normalized, with the positives
     * on the diagonal: lse[i] = log sum_j exp(q_i . k_j / tau) and loss[i] = lse[i] - q_i . k_i / tau,
     * with invTau = 1 / tau. The (rows, rows) logits are never stored.
     */
    void infoNce(Storage q, Storage k, int rows, int dim, float invTau, Storage lse, Storage loss);

    /**
     * Gradients of sum_i gLoss[i] loss[i] with respect to q and k (overwritten): with P the softmax of the
     * logits, dS = gLoss (P - I) / tau, gq = dS k and gk = dS^T q. gk may be null (a stop-gradient key).
     */
    void infoNceBackward(Storage q, Storage k, Storage lse, Storage gLoss, int rows, int dim, float invTau, Storage gq,
                         Storage gk);

    // ---- optimizer updates (in place) -------------------------------------------------------------

    /**
     * One AdamW step on a parameter p with gradient g and moments m, v (all of one size), PyTorch's
     * rule: p *= 1 - lr * weightDecay; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
     * p -= lr * (m / bias1) / (sqrt(v / bias2) + eps), where bias1 = 1 - b1^t and bias2 = 1 - b2^t.
     */
    void adamw(Storage p, Storage g, Storage m, Storage v, float lr, float beta1, float beta2, float eps,
               float weightDecay, float bias1, float bias2);

    /**
     * {@link #adamw} on every tensor of a parameter list in one call (one launch on a device): tensor i
     * with learning rate {@code lr * lrScale[i]} (one float product) and weight decay weightDecay[i]. The
     * same bits as the calls one by one. lrScale and weightDecay belong to the list and seldom change (a
     * device backend keeps them on the device, so that a step sends nothing but its arguments).
     */
    void adamwAll(Storage[] p, Storage[] g, Storage[] m, Storage[] v, float lr, float[] lrScale, float[] weightDecay,
                  float beta1, float beta2, float eps, float bias1, float bias2);

    /** y = a * y + b * x, in place (an EMA update with a = mu, b = 1 - mu). */
    void axpby(Storage y, Storage x, float a, float b);

    /** {@link #axpby} on pairs of tensors (y[i], x[i]) in one call (one launch on a device): the EMA of a network. */
    void axpbyAll(Storage[] y, Storage[] x, float a, float b);

    // ---- layout and indexing -------------------------------------------------------------------

    /**
     * Copies {@code rows} runs of {@code rowLength} elements: run r goes from src[srcOffset + r * srcStride]
     * to dst[dstOffset + r * dstStride], added to dst's values when {@code accumulate}. Concatenation,
     * stacking and slicing along an axis, and their gradients, are this one primitive.
     */
    void copyRows(Storage src, int srcOffset, int srcStride, Storage dst, int dstOffset, int dstStride,
                  int rows, int rowLength, boolean accumulate);

    /** dst = src permuted: dst axis i is src axis perm[i]. */
    void permute(Storage src, int[] shape, int[] perm, Storage dst);

    /** dst (outer, count, inner) = src (outer, axis, inner) at the positions index (count) along the axis. */
    void indexSelect(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst);

    /** dst (outer, axis, inner) += src (outer, count, inner) at the positions index (count). */
    void indexAdd(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst);

    /** dst (outer, count, inner) = src (outer, axis, inner) at index (outer, count, inner) along the axis. */
    void gather(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst);

    /** dst (outer, axis, inner) += src (outer, count, inner) at index (outer, count, inner). */
    void scatterAdd(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst);

    /** dst (outer, inner) I32 = position of the largest value along the axis; the first one on ties, NaN wins. */
    void argmax(Storage src, int outer, int axis, int inner, Storage dst);
}
