package rrcm.nn;

import rrcm.backend.BoxMuller;
import rrcm.backend.Philox;

/**
 * Initial parameter values, drawn on the host from Philox (so a seed gives the same model on every
 * backend) in the order modules register their parameters.
 */
public final class Init {
    private final long seed;
    private long counter;

    public Init(long seed) {
        this.seed = seed;
    }

    private float[] normals(int n) {
        float[] out = new float[n + 3];
        for (int i = 0; i < n; i += 4) BoxMuller.blockNormals(seed, 1, counter++, out, i);
        return java.util.Arrays.copyOf(out, n);
    }

    private float[] uniforms(int n) {
        float[] out = new float[n];
        int[] words = new int[4];
        for (int i = 0; i < n; i += 4) {
            Philox.block(seed, 1, counter++, words, 0);
            for (int j = 0; j < 4 && i + j < n; j++) out[i + j] = BoxMuller.uniform(words[j]);
        }
        return out;
    }

    /**
     * Normal with the given std, redrawn outside +-2 std (timm's trunc_normal_ cuts at +-2 absolute,
     * which never binds at the std 0.02 ViTs use; cutting at 2 std is the usual intent).
     */
    public float[] truncNormal(float std, int n) {
        float[] v = normals(n);
        for (int i = 0; i < n; i++) {
            while (Math.abs(v[i]) > 2f) v[i] = normals(1)[0];
            v[i] *= std;
        }
        return v;
    }

    public float[] normal(float std, int n) {
        float[] v = normals(n);
        for (int i = 0; i < n; i++) v[i] *= std;
        return v;
    }

    /** PyTorch's default for Linear weights: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    public float[] fanInUniform(int fanIn, int n) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        float[] v = uniforms(n);
        for (int i = 0; i < n; i++) v[i] = (2 * v[i] - 1) * bound;
        return v;
    }

    public static float[] constant(float value, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
