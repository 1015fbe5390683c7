package rrcm.model;

/** Shape of the encoder: a ViT over image_size^2 pixels in patches, with [CLS, TIME] tokens in front. */
public record VitConfig(int imageSize, int channels, int patchSize, int dim, int depth, int heads, int mlpRatio) {
    public VitConfig {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("model: image size " + imageSize + " is not a multiple of patch size " + patchSize);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("model: dim " + dim + " is not divisible by " + heads + " heads");
        if (dim % 2 != 0) throw new IllegalArgumentException("model: dim must be even for the time embedding, got " + dim);
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
