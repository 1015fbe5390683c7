package rrcm.backend.cuda;

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
import rrcm.device.Device;

/**
 * The primitive set on a {@link Device}: a GPU through JCuda, or the host emulator that runs the same
 * kernels on the CPU for the tests. Every primitive is one kernel launch or a few, from the families of
 * this package: {@link CudaOps} (storage, elementwise, reductions, GEMM, layout),
 * {@link CudaNormalization} (softmax, layer and batch normalization), {@link CudaAttention},
 * {@link CudaRandomUpdates} (Philox randomness, AdamW, axpby), {@link CudaIndexing} (index ops, argmax)
 * {@link CudaCrossEntropy} and {@link CudaInfoNce}. Data stays on the device; the only ways back to the host are the
 * downloads the tensor layer asks for.
 *
 * <p>One thread drives a backend at a time (the training and certification loops do); the methods are
 * synchronized so that a storage released from another thread cannot corrupt the allocator. Storages
 * that become unreachable without being released go back to the pool at the next allocation.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    private final String name;
    private final Device device;
    private final boolean ownsDevice;
    private final CudaOps ops;
    private final CudaNormalization norm;
    private final CudaAttention attention;
    private final CudaRandomUpdates randomUpdates;
    private final CudaIndexing indexing;
    private final CudaCrossEntropy crossEntropy;
    private final CudaInfoNce infoNce;

    /**
     * @param name "cuda" on a GPU, "emulator" on the host emulator
     * @param ownsDevice whether {@link #close} closes the device too
     */
    public CudaBackend(String name, Device device, CudaOps.Matmul matmul, boolean ownsDevice) {
        this.name = name;
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.ops = new CudaOps(device, matmul, this);
        this.norm = new CudaNormalization(ops);
        this.attention = new CudaAttention(ops);
        this.randomUpdates = new CudaRandomUpdates(ops);
        this.indexing = new CudaIndexing(ops);
        this.crossEntropy = new CudaCrossEntropy(ops);
        this.infoNce = new CudaInfoNce(ops);
    }

    public Device device() {
        return device;
    }

    /** The launch layer underneath, for benchmarks and tests that time single families. */
    public CudaOps ops() {
        return ops;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return device.describe() + "; matmul " + ops.matmul();
    }

    private CudaStorage cuda(Storage s, String op) {
        if (s == null) return null; // optional arguments; the family checks the required ones
        if (s instanceof CudaStorage c) return c;
        throw new IllegalArgumentException(op + ": storage of backend " + s.backend().name() + " passed to backend " + name
                + " (move the tensor with .to(backend) first)");
    }

    // ---- storage -------------------------------------------------------------------------------

    @Override
    public synchronized Storage allocate(DType dtype, int numel) {
        return ops.allocate(dtype, numel);
    }

    @Override
    public synchronized void release(Storage storage) {
        ops.release(cuda(storage, "release"));
    }

    @Override
    public synchronized Storage upload(float[] data) {
        return ops.upload(data);
    }

    @Override
    public synchronized Storage upload(int[] data) {
        return ops.upload(data);
    }

    @Override
    public synchronized void download(Storage src, float[] dst) {
        ops.download(cuda(src, "download"), dst);
        crossEntropy.checkPending(); // the host has waited for the device here anyway
    }

    @Override
    public synchronized void download(Storage src, int[] dst) {
        ops.download(cuda(src, "download"), dst);
        crossEntropy.checkPending();
    }

    @Override
    public synchronized void copy(Storage src, int srcOffset, Storage dst, int dstOffset, int count) {
        ops.copy(cuda(src, "copy"), srcOffset, cuda(dst, "copy"), dstOffset, count);
    }

    @Override
    public synchronized void fill(Storage out, float value) {
        ops.fill(cuda(out, "fill"), value);
    }

    @Override
    public synchronized void convert(Storage src, Storage dst) {
        ops.convert(cuda(src, "convert"), cuda(dst, "convert"));
    }

    @Override
    public synchronized MemoryStats memory() {
        return ops.memory();
    }

    // ---- randomness ----------------------------------------------------------------------------

    @Override
    public synchronized void randomNormal(Storage out, long seed, long stream, long counter, float mean, float std) {
        randomUpdates.randomNormal(cuda(out, "randomNormal"), seed, stream, counter, mean, std);
    }

    @Override
    public synchronized void randomUniform(Storage out, long seed, long stream, long counter, float low, float high) {
        randomUpdates.randomUniform(cuda(out, "randomUniform"), seed, stream, counter, low, high);
    }

    @Override
    public synchronized void noisyCopies(Storage base, int pixels, int stride, int n, long seed, long stream, long counter,
                                         float std, Storage out) {
        randomUpdates.noisyCopies(cuda(base, "noisyCopies"), pixels, stride, n, seed, stream, counter, std,
                cuda(out, "noisyCopies"));
    }

    @Override
    public synchronized void noiseLevels(Storage x, Storage z, float[] t, float[] scale, Storage[] out) {
        randomUpdates.noiseLevels(cuda(x, "noiseLevels"), cuda(z, "noiseLevels"), t, scale, cudas(out, "noiseLevels"));
    }

    // ---- elementwise, reductions, GEMM ---------------------------------------------------------

    @Override
    public synchronized void unary(UnaryOp op, Storage x, Storage out) {
        ops.unary(op, cuda(x, "unary"), cuda(out, "unary"));
    }

    @Override
    public synchronized void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx) {
        ops.unaryBackward(op, cuda(x, "unaryBackward"), cuda(y, "unaryBackward"), cuda(gy, "unaryBackward"),
                cuda(gx, "unaryBackward"));
    }

    @Override
    public synchronized void scalar(ScalarOp op, Storage x, float s, Storage out) {
        ops.scalar(op, cuda(x, "scalar"), s, cuda(out, "scalar"));
    }

    @Override
    public synchronized void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        ops.binary(op, cuda(a, "binary"), aShape, cuda(b, "binary"), bShape, cuda(out, "binary"), outShape);
    }

    @Override
    public synchronized void expand(Storage src, int[] srcShape, Storage dst, int[] dstShape) {
        ops.expand(cuda(src, "expand"), srcShape, cuda(dst, "expand"), dstShape);
    }

    @Override
    public synchronized void reduce(ReduceOp op, Storage x, int[] shape, Storage out, int[] outShape) {
        ops.reduce(op, cuda(x, "reduce"), shape, cuda(out, "reduce"), outShape);
    }

    @Override
    public synchronized void gemm(Gemm g, Storage a, Storage b, Storage c) {
        ops.gemm(g, cuda(a, "gemm"), cuda(b, "gemm"), cuda(c, "gemm"));
    }

    // ---- normalization -------------------------------------------------------------------------

    @Override
    public synchronized void softmax(Storage x, Storage y, int rows, int cols, boolean log) {
        norm.softmax(cuda(x, "softmax"), cuda(y, "softmax"), rows, cols, log);
    }

    @Override
    public synchronized void softmaxBackward(Storage y, Storage gy, Storage gx, int rows, int cols, boolean log) {
        norm.softmaxBackward(cuda(y, "softmaxBackward"), cuda(gy, "softmaxBackward"), cuda(gx, "softmaxBackward"), rows,
                cols, log);
    }

    @Override
    public synchronized void layerNorm(Storage x, Storage w, Storage b, float eps, Storage y, Storage mean, Storage rstd,
                                       int rows, int cols) {
        String op = "layerNorm";
        norm.layerNorm(cuda(x, op), cuda(w, op), cuda(b, op), eps, cuda(y, op), cuda(mean, op), cuda(rstd, op), rows, cols);
    }

    @Override
    public synchronized void layerNormBackward(Storage x, Storage w, Storage mean, Storage rstd, Storage gy, Storage gx,
                                               Storage gw, Storage gb, int rows, int cols) {
        String op = "layerNormBackward";
        norm.layerNormBackward(cuda(x, op), cuda(w, op), cuda(mean, op), cuda(rstd, op), cuda(gy, op), cuda(gx, op),
                cuda(gw, op), cuda(gb, op), rows, cols);
    }

    @Override
    public synchronized void batchNormTrain(Storage x, Storage w, Storage b, float eps, float momentum, Storage runningMean,
                                            Storage runningVar, Storage y, Storage mean, Storage invstd, int n, int c) {
        String op = "batchNormTrain";
        norm.batchNormTrain(cuda(x, op), cuda(w, op), cuda(b, op), eps, momentum, cuda(runningMean, op),
                cuda(runningVar, op), cuda(y, op), cuda(mean, op), cuda(invstd, op), n, c);
    }

    @Override
    public synchronized void batchNormEval(Storage x, Storage w, Storage b, float eps, Storage runningMean, Storage runningVar,
                                           Storage y, int n, int c) {
        String op = "batchNormEval";
        norm.batchNormEval(cuda(x, op), cuda(w, op), cuda(b, op), eps, cuda(runningMean, op), cuda(runningVar, op),
                cuda(y, op), n, c);
    }

    @Override
    public synchronized void batchNormBackward(Storage x, Storage w, Storage mean, Storage invstd, Storage gy, Storage gx,
                                               Storage gw, Storage gb, int n, int c) {
        String op = "batchNormBackward";
        norm.batchNormBackward(cuda(x, op), cuda(w, op), cuda(mean, op), cuda(invstd, op), cuda(gy, op), cuda(gx, op),
                cuda(gw, op), cuda(gb, op), n, c);
    }

    // ---- attention -----------------------------------------------------------------------------

    @Override
    public synchronized void attention(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse) {
        String op = "attention";
        attention.attention(s, cuda(q, op), cuda(k, op), cuda(v, op), cuda(o, op), cuda(lse, op));
    }

    @Override
    public synchronized void attentionBackward(AttentionShape s, Storage q, Storage k, Storage v, Storage o, Storage lse,
                                               Storage go, Storage gq, Storage gk, Storage gv) {
        String op = "attentionBackward";
        attention.attentionBackward(s, cuda(q, op), cuda(k, op), cuda(v, op), cuda(o, op), cuda(lse, op), cuda(go, op),
                cuda(gq, op), cuda(gk, op), cuda(gv, op));
    }

    // ---- losses --------------------------------------------------------------------------------

    @Override
    public synchronized void crossEntropy(Storage logits, Storage target, Storage loss, Storage lse, int rows, int classes) {
        String op = "crossEntropy";
        crossEntropy.crossEntropy(cuda(logits, op), cuda(target, op), cuda(loss, op), cuda(lse, op), rows, classes);
    }

    @Override
    public synchronized void crossEntropyBackward(Storage logits, Storage lse, Storage target, Storage gLoss, Storage gx,
                                                  int rows, int classes) {
        String op = "crossEntropyBackward";
        crossEntropy.crossEntropyBackward(cuda(logits, op), cuda(lse, op), cuda(target, op), cuda(gLoss, op), cuda(gx, op),
                rows, classes);
    }

    @Override
    public synchronized void infoNce(Storage q, Storage k, int rows, int dim, float invTau, Storage lse, Storage loss) {
        String op = "infoNce";
        infoNce.infoNce(cuda(q, op), cuda(k, op), rows, dim, invTau, cuda(lse, op), cuda(loss, op));
    }

    @Override
    public synchronized void infoNceBackward(Storage q, Storage k, Storage lse, Storage gLoss, int rows, int dim, float invTau,
                                             Storage gq, Storage gk) {
        String op = "infoNceBackward";
        infoNce.infoNceBackward(cuda(q, op), cuda(k, op), cuda(lse, op), cuda(gLoss, op), rows, dim, invTau, cuda(gq, op),
                cuda(gk, op));
    }

    // ---- optimizer updates ---------------------------------------------------------------------

    @Override
    public synchronized void adamw(Storage p, Storage g, Storage m, Storage v, float lr, float beta1, float beta2, float eps,
                                   float weightDecay, float bias1, float bias2) {
        String op = "adamw";
        randomUpdates.adamw(cuda(p, op), cuda(g, op), cuda(m, op), cuda(v, op), lr, beta1, beta2, eps, weightDecay, bias1,
                bias2);
    }

    @Override
    public synchronized void adamwAll(Storage[] p, Storage[] g, Storage[] m, Storage[] v, float lr, float[] lrScale,
                                      float[] weightDecay, float beta1, float beta2, float eps, float bias1, float bias2) {
        String op = "adamwAll";
        randomUpdates.adamwAll(cudas(p, op), cudas(g, op), cudas(m, op), cudas(v, op), lr, lrScale, weightDecay, beta1, beta2,
                eps, bias1, bias2);
    }

    @Override
    public synchronized void axpbyAll(Storage[] y, Storage[] x, float a, float b) {
        randomUpdates.axpbyAll(cudas(y, "axpbyAll"), cudas(x, "axpbyAll"), a, b);
    }

    private CudaStorage[] cudas(Storage[] s, String op) {
        CudaStorage[] c = new CudaStorage[s.length];
        for (int i = 0; i < s.length; i++) {
            c[i] = cuda(s[i], op);
            if (c[i] == null) throw new NullPointerException(op + ": storage " + i + " is null");
        }
        return c;
    }

    @Override
    public synchronized void axpby(Storage y, Storage x, float a, float b) {
        randomUpdates.axpby(cuda(y, "axpby"), cuda(x, "axpby"), a, b);
    }

    // ---- layout and indexing -------------------------------------------------------------------

    @Override
    public synchronized void copyRows(Storage src, int srcOffset, int srcStride, Storage dst, int dstOffset, int dstStride,
                                      int rows, int rowLength, boolean accumulate) {
        ops.copyRows(cuda(src, "copyRows"), srcOffset, srcStride, cuda(dst, "copyRows"), dstOffset, dstStride, rows,
                rowLength, accumulate);
    }

    @Override
    public synchronized void permute(Storage src, int[] shape, int[] perm, Storage dst) {
        ops.permute(cuda(src, "permute"), shape, perm, cuda(dst, "permute"));
    }

    @Override
    public synchronized void indexSelect(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        String op = "indexSelect";
        indexing.indexSelect(cuda(src, op), outer, axis, inner, cuda(index, op), count, cuda(dst, op));
    }

    @Override
    public synchronized void indexAdd(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        String op = "indexAdd";
        indexing.indexAdd(cuda(src, op), outer, axis, inner, cuda(index, op), count, cuda(dst, op));
    }

    @Override
    public synchronized void gather(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        String op = "gather";
        indexing.gather(cuda(src, op), outer, axis, inner, cuda(index, op), count, cuda(dst, op));
    }

    @Override
    public synchronized void scatterAdd(Storage src, int outer, int axis, int inner, Storage index, int count, Storage dst) {
        String op = "scatterAdd";
        indexing.scatterAdd(cuda(src, op), outer, axis, inner, cuda(index, op), count, cuda(dst, op));
    }

    @Override
    public synchronized void argmax(Storage src, int outer, int axis, int inner, Storage dst) {
        indexing.argmax(cuda(src, "argmax"), outer, axis, inner, cuda(dst, "argmax"));
    }

    /** Gives the pooled device memory back; closes the device when this backend opened it. */
    @Override
    public synchronized void close() {
        ops.close();
        if (ownsDevice) device.close();
    }

    @Override
    public String toString() {
        return name + " (" + device.name() + ")";
    }
}
