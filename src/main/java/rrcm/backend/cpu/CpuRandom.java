package rrcm.backend.cpu;

import rrcm.backend.BoxMuller;
import rrcm.backend.NoiseLayout;
import rrcm.backend.Philox;

/** Philox-based fills; each task draws whole blocks of four, so any split gives the same numbers. */
final class CpuRandom {
    private static final int BLOCKS_PER_TASK = 1024;

    private CpuRandom() {}

    static void normal(Parallel par, float[] out, long seed, long stream, long counter, float mean, float std) {
        fill(par, out, seed, stream, counter, (words, vals) -> {
            BoxMuller.normals(words[0], words[1], vals, 0);
            BoxMuller.normals(words[2], words[3], vals, 2);
            for (int i = 0; i < 4; i++) vals[i] = Math.fma(vals[i], std, mean);
        });
    }

    static void uniform(Parallel par, float[] out, long seed, long stream, long counter, float low, float high) {
        float width = high - low;
        fill(par, out, seed, stream, counter, (words, vals) -> {
            for (int i = 0; i < 4; i++) vals[i] = Math.fma(BoxMuller.uniform(words[i]), width, low);
        });
    }

    /** out[i, p] = fma(z, std, 0) + base[p], z from element i * stride + p at counter (see Backend#noisyCopies). */
    static void noisyCopies(Parallel par, float[] base, int pixels, int stride, int n, long seed, long stream, long counter,
                            float std, float[] out) {
        NoiseLayout.check(pixels, stride, n, base.length, out.length);
        int blocksPerCopy = stride / 4;
        par.forRange(n, (long) stride * 8, (i0, i1) -> {
            int[] words = new int[4];
            float[] vals = new float[4];
            for (int i = i0; i < i1; i++) {
                long first = counter + (long) i * blocksPerCopy;
                int row = i * pixels;
                for (int b = 0; b * 4 < pixels; b++) {
                    Philox.block(seed, stream, first + b, words, 0);
                    BoxMuller.normals(words[0], words[1], vals, 0);
                    BoxMuller.normals(words[2], words[3], vals, 2);
                    for (int l = 0; l < 4 && b * 4 + l < pixels; l++) {
                        int p = b * 4 + l;
                        out[row + p] = Math.fma(vals[l], std, 0f) + base[p];
                    }
                }
            }
        });
    }

    private interface Transform {
        void apply(int[] words, float[] values);
    }

    private static void fill(Parallel par, float[] out, long seed, long stream, long counter, Transform t) {
        int blocks = (out.length + 3) / 4;
        int tasks = (blocks + BLOCKS_PER_TASK - 1) / BLOCKS_PER_TASK;
        par.forEach(tasks, task -> {
            int[] words = new int[4];
            float[] vals = new float[4];
            int b1 = Math.min(blocks, (task + 1) * BLOCKS_PER_TASK);
            for (int blk = task * BLOCKS_PER_TASK; blk < b1; blk++) {
                Philox.block(seed, stream, counter + blk, words, 0);
                t.apply(words, vals);
                int at = blk * 4;
                for (int i = 0; i < 4 && at + i < out.length; i++) out[at + i] = vals[i];
            }
        });
    }
}
