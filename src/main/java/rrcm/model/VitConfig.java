package rrcm.model;

/**
 * Shape of the encoder: a ViT over image_size^2 pixels in patches, with [CLS, TIME] tokens in front.
 * fixedTime 0 conditions each input on its own time (the method); a positive fixedTime puts that one time
 * in every TIME token whatever the input's noise level, which takes the time token's information away
 * (an ablation) while keeping the architecture.
 */
public record VitConfig(int imageSize, int channels, int patchSize, int dim, int depth, int heads, int mlpRatio,
                        double fixedTime) {
    /** The method's encoder, conditioned on each input's time. */
    public VitConfig(int imageSize, int channels, int patchSize, int dim, int depth, int heads, int mlpRatio) {
        this(imageSize, channels, patchSize, dim, depth, heads, mlpRatio, 0);
    }

    public VitConfig {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("model: image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("model: dim " + dim + " is not divisible by " + heads + " heads");
        if (dim % 2 != 0) throw new IllegalArgumentException("model: dim must be even for the time embedding, got " + dim);
        if (!(fixedTime >= 0 && Double.isFinite(fixedTime))) {
            throw new IllegalArgumentException("model: fixed_time must be 0 (off) or a positive time, got " + fixedTime);
        }
    }

    public int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    /** CLS, TIME and the patches. */
    public int tokens() {
        return patches() + 2;
    }

    /** Parameters of the encoder (patch embedding, tokens, blocks, final norm), without building it. */
    public long parameterCount() {
        long d = dim;
        long block = 4 * d + 3 * d * d + d * d + d + mlpRatio * d * d + mlpRatio * d + mlpRatio * d * d + d;
        return d * patchPixels() + d + d + (long) tokens() * d + depth * block + 2 * d;
    }

    public int patchPixels() {
        return channels * patchSize * patchSize;
    }
}
