package rrcm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import rrcm.backend.BoxMuller;
import rrcm.backend.Philox;
import rrcm.backend.RandomOps;

/**
 * Philox-based fills; each task draws whole blocks of four, so any split gives the same numbers. Runs of
 * {@link PhiloxLanes#BLOCKS} blocks go through the vector lanes, the rest block by block through the
 * scalar {@link Philox} and {@link BoxMuller}: the same bits either way.
 */
final class CpuRandom extends RandomOps<CpuStorage> {
    private final Parallel par;

    CpuRandom(CpuBackend backend, Parallel par) {
        super(backend, CpuStorage.class);
        this.par = par;
    }

    @Override
    protected void doNormal(CpuStorage out, long seed, long stream, long counter, float mean, float std) {
        normal(par, out.floats(), seed, stream, counter, mean, std);
    }

    @Override
    protected void doUniform(CpuStorage out, long seed, long stream, long counter, float low, float high) {
        uniform(par, out.floats(), seed, stream, counter, low, high);
    }

    @Override
    protected void doNoisyCopies(CpuStorage base, int pixels, int stride, int n, long seed, long stream, long counter,
                                 float std, CpuStorage out) {
        noisyCopies(par, base.floats(), pixels, stride, n, seed, stream, counter, std, out.floats());
    }

    @Override
    protected void doNoiseLevels(CpuStorage x, CpuStorage z, float[] t, float[] scale, CpuStorage[] out) {
        float[][] outs = new float[out.length][];
        for (int l = 0; l < out.length; l++) outs[l] = out[l].floats();
        noiseLevels(par, x.floats(), z.floats(), t, scale, outs);
    }

    private static final int BLOCKS_PER_TASK = 1024;
    private static final int LANES = PhiloxLanes.BLOCKS;
    private static final VectorSpecies<Float> S = CpuTuning.FLOATS;
    private static final int L = S.length();


    static void normal(Parallel par, float[] out, long seed, long stream, long counter, float mean, float std) {
        fill(par, out, true, seed, stream, counter, std, mean);
    }

    static void uniform(Parallel par, float[] out, long seed, long stream, long counter, float low, float high) {
        fill(par, out, false, seed, stream, counter, high - low, low);
    }

    /** out[i, p] = fma(z, std, 0) + base[p], z from element i * stride + p at counter (see RandomOps#noisyCopies). */
    static void noisyCopies(Parallel par, float[] base, int pixels, int stride, int n, long seed, long stream, long counter,
                            float std, float[] out) {
        int blocksPerCopy = stride / 4, wholeRuns = pixels / (4 * LANES) * LANES;
        par.forRange(n, (long) stride * 8, (i0, i1) -> {
            float[] vals = new float[4];
            for (int i = i0; i < i1; i++) {
                long first = counter + (long) i * blocksPerCopy;
                int row = i * pixels;
                for (int b = 0; b < wholeRuns; b += LANES) PhiloxLanes.normals(seed, stream, first + b, out, row + 4 * b);
                int p = 0;
                for (int end = S.loopBound(4 * wholeRuns); p < end; p += S.length()) {
                    FloatVector z = FloatVector.fromArray(S, out, row + p);
                    z.fma(std, 0f).add(FloatVector.fromArray(S, base, p)).intoArray(out, row + p);
                }
                for (; p < 4 * wholeRuns; p++) out[row + p] = Math.fma(out[row + p], std, 0f) + base[p];
                for (int b = wholeRuns; b * 4 < pixels; b++) {
                    BoxMuller.blockNormals(seed, stream, first + b, vals, 0);
                    for (int l = 0; l < 4 && b * 4 + l < pixels; l++) {
                        p = b * 4 + l;
                        out[row + p] = Math.fma(vals[l], std, 0f) + base[p];
                    }
                }
            }
        });
    }

    /**
     * out[i] = fma(v_i, scale, shift) with v_i the normal (or uniform) of element i: element i of a draw at
     * counter is word i % 4 of block counter + i / 4.
     */
    private static void fill(Parallel par, float[] out, boolean normal, long seed, long stream, long counter, float scale,
                             float shift) {
        int blocks = (out.length + 3) / 4;
        int tasks = (blocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
        par.forEach(tasks, task -> {
            int[] words = new int[4];
            float[] vals = new float[4];
            int b0 = task * BLOCKS_PER_TASK, b1 = Math.min(blocks, b0 + BLOCKS_PER_TASK);
            int blk = b0;
            for (; blk + LANES <= b1 && 4 * (blk + LANES) <= out.length; blk += LANES) {
                if (normal) PhiloxLanes.normals(seed, stream, counter + blk, out, 4 * blk);
                else PhiloxLanes.uniforms(seed, stream, counter + blk, out, 4 * blk);
            }
            int i = 4 * b0;
            for (int end = 4 * b0 + S.loopBound(4 * (blk - b0)); i < end; i += S.length()) {
                FloatVector.fromArray(S, out, i).fma(scale, shift).intoArray(out, i);
            }
            for (; i < 4 * blk; i++) out[i] = Math.fma(out[i], scale, shift);
            for (; blk < b1; blk++) {
                if (normal) {
                    BoxMuller.blockNormals(seed, stream, counter + blk, vals, 0);
                } else {
                    Philox.block(seed, stream, counter + blk, words, 0);
                    for (int w = 0; w < 4; w++) vals[w] = BoxMuller.uniform(words[w]);
                }
                int at = blk * 4;
                for (int w = 0; w < 4 && at + w < out.length; w++) out[at + w] = Math.fma(vals[w], scale, shift);
            }
        });
    }

    /** out[l] = (x + t[l] z) scale[l] for every level, one sweep over x and z (see RandomOps#noiseLevels). */
    static void noiseLevels(Parallel par, float[] x, float[] z, float[] t, float[] scale, float[][] out) {
        par.forRange(x.length, 2L + 2L * out.length, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector vx = FloatVector.fromArray(S, x, i), vz = FloatVector.fromArray(S, z, i);
                for (int l = 0; l < out.length; l++) vx.add(vz.mul(t[l])).mul(scale[l]).intoArray(out[l], i);
            }
            for (; i < to; i++) {
                for (int l = 0; l < out.length; l++) out[l][i] = (x[i] + z[i] * t[l]) * scale[l];
            }
        });
    }
}
