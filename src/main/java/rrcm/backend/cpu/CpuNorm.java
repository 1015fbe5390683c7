package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.NormOps;

/**
 * LayerNorm over rows and BatchNorm1d over columns. Statistics are two-pass (mean, then the centred
 * sum of squares) for accuracy; a row of a ViT (768 floats) stays in L1 across the passes, so memory
 * sees one read and one write. Parameter gradients are summed per fixed block of rows and the blocks
 * added in order, so they do not depend on the thread count.
 */
final class CpuNorm extends NormOps<CpuStorage> {
    private final Parallel par;

    CpuNorm(CpuBackend backend, Parallel par) {
        super(backend, CpuStorage.class);
        this.par = par;
    }

    @Override
    protected void doSoftmax(CpuStorage x, CpuStorage y, int rows, int cols, boolean log) {
        softmax(par, x.floats(), y.floats(), rows, cols, log);
    }

    @Override
    protected void doSoftmaxBackward(CpuStorage y, CpuStorage gy, CpuStorage gx, int rows, int cols, boolean log) {
        softmaxBackward(par, y.floats(), gy.floats(), gx.floats(), rows, cols, log);
    }

    @Override
    protected void doLayerNorm(CpuStorage x, CpuStorage w, CpuStorage b, float eps, CpuStorage y, CpuStorage mean,
                               CpuStorage rstd, int rows, int cols) {
        layerNorm(par, x.floats(), floats(w), floats(b), eps, y.floats(), mean.floats(), rstd.floats(), rows, cols);
    }

    @Override
    protected void doLayerNormBackward(CpuStorage x, CpuStorage w, CpuStorage mean, CpuStorage rstd, CpuStorage gy,
                                       CpuStorage gx, CpuStorage gw, CpuStorage gb, int rows, int cols) {
        layerNormBackward(par, x.floats(), floats(w), mean.floats(), rstd.floats(), gy.floats(), gx.floats(), floats(gw),
                floats(gb), rows, cols);
    }

    @Override
    protected void doBatchNormTrain(CpuStorage x, CpuStorage w, CpuStorage b, float eps, float momentum,
                                    CpuStorage runningMean, CpuStorage runningVar, CpuStorage y, CpuStorage mean,
                                    CpuStorage invstd, int n, int c) {
        batchNormTrain(par, x.floats(), floats(w), floats(b), eps, momentum, floats(runningMean), floats(runningVar),
                y.floats(), mean.floats(), invstd.floats(), n, c);
    }

    @Override
    protected void doBatchNormEval(CpuStorage x, CpuStorage w, CpuStorage b, float eps, CpuStorage runningMean,
                                   CpuStorage runningVar, CpuStorage y, int n, int c) {
        batchNormEval(par, x.floats(), floats(w), floats(b), eps, runningMean.floats(), runningVar.floats(), y.floats(), n, c);
    }

    @Override
    protected void doBatchNormBackward(CpuStorage x, CpuStorage w, CpuStorage mean, CpuStorage invstd, CpuStorage gy,
                                       CpuStorage gx, CpuStorage gw, CpuStorage gb, int n, int c) {
        batchNormBackward(par, x.floats(), floats(w), mean.floats(), invstd.floats(), gy.floats(), gx.floats(), floats(gw),
                floats(gb), n, c);
    }

    private static float[] floats(CpuStorage s) {
        return s == null ? null : s.floats();
    }

    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();
    private static final int ROW_BLOCKS = 32;


    static void layerNorm(Parallel par, float[] x, float[] w, float[] b, float eps, float[] y, float[] mean,
                          float[] rstd, int rows, int cols) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                float mu = sum(x, off, cols) / cols;
                float var = centredSquares(x, off, cols, mu) / cols;
                float rs = 1f / (float) Math.sqrt(var + eps);
                mean[r] = mu;
                rstd[r] = rs;
                FloatVector vmu = FloatVector.broadcast(S, mu), vrs = FloatVector.broadcast(S, rs);
                int i = 0;
                for (int bound = S.loopBound(cols); i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, off + i).sub(vmu).mul(vrs);
                    if (w != null) v = v.mul(FloatVector.fromArray(S, w, i));
                    if (b != null) v = v.add(FloatVector.fromArray(S, b, i));
                    v.intoArray(y, off + i);
                }
                for (; i < cols; i++) {
                    float v = (x[off + i] - mu) * rs;
                    if (w != null) v *= w[i];
                    if (b != null) v += b[i];
                    y[off + i] = v;
                }
            }
        });
    }

    /**
     * Per row, with g = gy * w and xhat = (x - mean) * rstd: gx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
     * Two vector sweeps per row: the sums (and the parameter gradients of this row block), then gx.
     */
    static void layerNormBackward(Parallel par, float[] x, float[] w, float[] mean, float[] rstd, float[] gy,
                                  float[] gx, float[] gw, float[] gb, int rows, int cols) {
        int blocks = Math.min(ROW_BLOCKS, rows);
        boolean params = gw != null || gb != null;
        float[][] pw = params ? new float[blocks][cols] : null;
        float[][] pb = params ? new float[blocks][cols] : null;
        int bound = S.loopBound(cols);
        par.forEach(blocks, blk -> {
            int r0 = (int) ((long) rows * blk / blocks), r1 = (int) ((long) rows * (blk + 1) / blocks);
            float[] bw = params ? pw[blk] : null, bb = params ? pb[blk] : null;
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                float mu = mean[r], rs = rstd[r];
                FloatVector vmu = FloatVector.broadcast(S, mu), vrs = FloatVector.broadcast(S, rs);
                FloatVector vsg = FloatVector.zero(S), vsgx = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector dy = FloatVector.fromArray(S, gy, off + i);
                    FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(vmu).mul(vrs);
                    FloatVector g = w != null ? dy.mul(FloatVector.fromArray(S, w, i)) : dy;
                    vsg = vsg.add(g);
                    vsgx = g.fma(xh, vsgx);
                    if (params) {
                        dy.fma(xh, FloatVector.fromArray(S, bw, i)).intoArray(bw, i);
                        dy.add(FloatVector.fromArray(S, bb, i)).intoArray(bb, i);
                    }
                }
                float sg = CpuMath.sumLanes(vsg), sgx = CpuMath.sumLanes(vsgx);
                for (; i < cols; i++) {
                    float xh = (x[off + i] - mu) * rs;
                    float g = w != null ? gy[off + i] * w[i] : gy[off + i];
                    sg += g;
                    sgx += g * xh;
                    if (params) {
                        bw[i] += gy[off + i] * xh;
                        bb[i] += gy[off + i];
                    }
                }
                float mg = sg / cols, mgx = sgx / cols;
                FloatVector vmg = FloatVector.broadcast(S, mg), vmgx = FloatVector.broadcast(S, mgx);
                for (i = 0; i < bound; i += L) {
                    FloatVector dy = FloatVector.fromArray(S, gy, off + i);
                    FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(vmu).mul(vrs);
                    FloatVector g = w != null ? dy.mul(FloatVector.fromArray(S, w, i)) : dy;
                    g.sub(vmg).sub(xh.mul(vmgx)).mul(vrs).intoArray(gx, off + i);
                }
                for (; i < cols; i++) {
                    float xh = (x[off + i] - mu) * rs;
                    float g = w != null ? gy[off + i] * w[i] : gy[off + i];
                    gx[off + i] = rs * (g - mg - xh * mgx);
                }
            }
        });
        if (gw != null) sumBlocks(pw, gw);
        if (gb != null) sumBlocks(pb, gb);
    }

    /** Batch statistics sum a channel's rows in at most 64 parts of this many rows, the parts in order (kernels/norm.cu's BN_PARTS). */
    static int partRows(int n) {
        int parts = Math.min(n, 64);
        return parts <= 0 ? 1 : (n + parts - 1) / parts;
    }

    static void batchNormTrain(Parallel par, float[] x, float[] w, float[] b, float eps, float momentum,
                               float[] runMean, float[] runVar, float[] y, float[] mean, float[] invstd, int n, int c) {
        int rows = partRows(n);
        par.forRange(c, 3L * n, (c0, c1) -> {
            for (int j = c0; j < c1; j++) {
                float s = 0;
                for (int p0 = 0; p0 < n; p0 += rows) {
                    float ps = 0;
                    for (int i = p0, end = Math.min(n, p0 + rows); i < end; i++) ps += x[i * c + j];
                    s += ps;
                }
                float mu = s / n;
                float ss = 0;
                for (int p0 = 0; p0 < n; p0 += rows) {
                    float ps = 0;
                    for (int i = p0, end = Math.min(n, p0 + rows); i < end; i++) {
                        float d = x[i * c + j] - mu;
                        ps += d * d;
                    }
                    ss += ps;
                }
                float var = ss / n;
                float is = 1f / (float) Math.sqrt(var + eps);
                mean[j] = mu;
                invstd[j] = is;
                float scale = w != null ? w[j] * is : is;
                float shift = b != null ? b[j] : 0f;
                for (int i = 0; i < n; i++) y[i * c + j] = (x[i * c + j] - mu) * scale + shift;
                if (runMean != null) {
                    float unbiased = n > 1 ? ss / (n - 1) : var;
                    runMean[j] = (1 - momentum) * runMean[j] + momentum * mu;
                    runVar[j] = (1 - momentum) * runVar[j] + momentum * unbiased;
                }
            }
        });
    }

    static void batchNormEval(Parallel par, float[] x, float[] w, float[] b, float eps, float[] runMean,
                              float[] runVar, float[] y, int n, int c) {
        float[] scale = new float[c], shift = new float[c];
        for (int j = 0; j < c; j++) {
            float is = 1f / (float) Math.sqrt(runVar[j] + eps);
            scale[j] = w != null ? w[j] * is : is;
            shift[j] = (b != null ? b[j] : 0f) - runMean[j] * scale[j];
        }
        par.forRange(n, c, (r0, r1) -> {
            for (int i = r0; i < r1; i++) {
                int off = i * c, j = 0;
                for (int bound = S.loopBound(c); j < bound; j += L) {
                    FloatVector.fromArray(S, x, off + j).fma(FloatVector.fromArray(S, scale, j),
                            FloatVector.fromArray(S, shift, j)).intoArray(y, off + j);
                }
                for (; j < c; j++) y[off + j] = Math.fma(x[off + j], scale[j], shift[j]);
            }
        });
    }

    static void batchNormBackward(Parallel par, float[] x, float[] w, float[] mean, float[] invstd, float[] gy,
                                  float[] gx, float[] gw, float[] gb, int n, int c) {
        int rows = partRows(n);
        par.forRange(c, 3L * n, (c0, c1) -> {
            for (int j = c0; j < c1; j++) {
                float mu = mean[j], is = invstd[j];
                float sg = 0, sgx = 0;
                for (int p0 = 0; p0 < n; p0 += rows) {
                    float pg = 0, pgx = 0;
                    for (int i = p0, end = Math.min(n, p0 + rows); i < end; i++) {
                        float g = gy[i * c + j];
                        pg += g;
                        pgx += g * (x[i * c + j] - mu) * is;
                    }
                    sg += pg;
                    sgx += pgx;
                }
                if (gw != null) gw[j] = sgx;
                if (gb != null) gb[j] = sg;
                float k = (w != null ? w[j] : 1f) * is / n;
                for (int i = 0; i < n; i++) {
                    float xh = (x[i * c + j] - mu) * is;
                    gx[i * c + j] = k * (n * gy[i * c + j] - sg - xh * sgx);
                }
            }
        });
    }

    private static float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, x, off + i));
        float s = CpuMath.sumLanes(acc);
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    private static float centredSquares(float[] x, int off, int n, float mu) {
        FloatVector acc = FloatVector.zero(S), vmu = FloatVector.broadcast(S, mu);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(vmu);
            acc = d.fma(d, acc);
        }
        float s = CpuMath.sumLanes(acc);
        for (; i < n; i++) {
            float d = x[off + i] - mu;
            s += d * d;
        }
        return s;
    }

    private static void sumBlocks(float[][] partial, float[] out) {
        java.util.Arrays.fill(out, 0f);
        for (float[] p : partial) {
            for (int i = 0; i < out.length; i++) out[i] += p[i];
        }
    }

    // ---- softmax and log-softmax over rows: the row's maximum, then e^(x - max) written out and summed in the
    // same sweep, then one scaling sweep while the row is still in L1 (one read and one write per element)



    static void softmax(Parallel par, float[] x, float[] y, int rows, int cols, boolean log) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                float max = max(x, off, cols);
                float sum = CpuMath.expSum(x, off, max, y, off, cols);
                // softmax: y / sum; log-softmax: x - (max + log sum)
                float shift = max + (float) Math.log(sum), scale = 1f / sum;
                int i = 0;
                for (int bound = S.loopBound(cols); i < bound; i += L) {
                    FloatVector v = log ? FloatVector.fromArray(S, x, off + i).sub(shift) : FloatVector.fromArray(S, y, off + i).mul(scale);
                    v.intoArray(y, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector v = log ? FloatVector.fromArray(S, x, off + i, m).sub(shift)
                            : FloatVector.fromArray(S, y, off + i, m).mul(scale);
                    v.intoArray(y, off + i, m);
                }
            }
        });
    }

    /** softmax: gx = y (gy - sum(gy y)); log-softmax: gx = gy - e^y sum(gy). gx may be gy. */
    static void softmaxBackward(Parallel par, float[] y, float[] gy, float[] gx, int rows, int cols, boolean log) {
        par.forRange(rows, 3L * cols, (r0, r1) -> {
            float[] probs = log ? new float[cols] : null;
            int bound = S.loopBound(cols);
            for (int r = r0; r < r1; r++) {
                int off = r * cols;
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, gy, off + i);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, off + i), acc);
                }
                if (i < cols) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector g = FloatVector.fromArray(S, gy, off + i, m);
                    acc = log ? acc.add(g) : g.fma(FloatVector.fromArray(S, y, off + i, m), acc);
                }
                FloatVector dot = FloatVector.broadcast(S, CpuMath.sumLanes(acc));
                if (log) CpuMath.exp(y, off, 0f, probs, 0, cols);
                for (i = 0; i < bound; i += L) {
                    FloatVector g = FloatVector.fromArray(S, gy, off + i);
                    FloatVector out = log ? g.sub(FloatVector.fromArray(S, probs, i).mul(dot))
                            : FloatVector.fromArray(S, y, off + i).mul(g.sub(dot));
                    out.intoArray(gx, off + i);
                }
                if (i < cols) {
                    VectorMask<Float> m = S.indexInRange(i, cols);
                    FloatVector g = FloatVector.fromArray(S, gy, off + i, m);
                    FloatVector out = log ? g.sub(FloatVector.fromArray(S, probs, i, m).mul(dot))
                            : FloatVector.fromArray(S, y, off + i, m).mul(g.sub(dot));
                    out.intoArray(gx, off + i, m);
                }
            }
        });
    }

    static float max(float[] x, int off, int n) {
        // compare and blend rather than max (see CpuMath.expSum); a NaN is skipped here and turns the
        // row's sum, hence every output of the row, into NaN. Two running maxima hide the blend's latency.
        FloatVector v = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), w = v;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            FloatVector a = FloatVector.fromArray(S, x, off + i), b = FloatVector.fromArray(S, x, off + i + L);
            v = v.blend(a, a.compare(VectorOperators.GT, v));
            w = w.blend(b, b.compare(VectorOperators.GT, w));
        }
        v = v.blend(w, w.compare(VectorOperators.GT, v));
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector u = FloatVector.fromArray(S, x, off + i, m);
            v = v.blend(u, u.compare(VectorOperators.GT, v, m));
        }
        return v.reduceLanes(VectorOperators.MAX);
    }
}
