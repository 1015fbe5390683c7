package rrcm.certify;

import rrcm.backend.Backend;
import rrcm.model.KarrasSchedule;
import rrcm.model.NoisyImageClassifier;
import rrcm.tensor.Autograd;
import rrcm.tensor.Generator;
import rrcm.tensor.InPlace;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/**
 * The smoothed classifier's Monte Carlo sampler (docs/method.md 3): an image u in [0, 1] becomes
 * c_in(t) (2u − 1 + 2σ ε) with ε ~ N(0, I) and t the grid time nearest 2σ, goes through the base
 * classifier (the fine-tuned one, or a denoiser and a clean classifier), and the argmax votes are counted per class.
 *
 * <p>Everything per draw stays on the backend: the noise comes from Philox on the backend, the votes are
 * summed there (one-hot rows against the class ids, reduced over the batch), and the counts reach the
 * host once per call. Draw s of (image i, phase) always sees the same noise, keyed by the seed, stream
 * (phase, i) and counter s · ⌈C·H·W / 4⌉, whatever the batch size, the shard or the backend.
 */
public final class SmoothedClassifier {
    /** The three uses of noise, each with streams of its own, so that no two share a draw. */
    public enum Phase {
        SELECTION(1), ESTIMATION(2), PREDICTION(3);

        final long code;

        Phase(long code) {
            this.code = code;
        }
    }

    // float32 sums of 0/1 votes are exact up to 2^24; longer runs are counted in chunks of that size.
    private static final long EXACT_FLOAT_COUNT = 1L << 24;

    private final Backend backend;
    private final NoisyImageClassifier model;
    private final double sigma, time;
    private final float cIn;
    private final int channels, size, classes, batch;
    private final long seed;
    private final int pixels, padded;
    private final Tensor classIds;

    public SmoothedClassifier(Backend backend, NoisyImageClassifier model, int channels, int size, int classes, double sigma,
                              int batch, long seed) {
        if (!(sigma > 0)) throw new IllegalArgumentException("sigma must be positive, got " + sigma);
        if (batch < 1) throw new IllegalArgumentException("the batch size must be at least 1, got " + batch);
        this.backend = backend;
        this.model = model;
        this.channels = channels;
        this.size = size;
        this.classes = classes;
        this.sigma = sigma;
        this.time = KarrasSchedule.timeForSigma(sigma);
        this.cIn = (float) KarrasSchedule.cIn(time);
        this.batch = batch;
        this.seed = seed;
        this.pixels = channels * size * size;
        // each draw starts on a Philox block of its own, so its noise does not depend on the batch it is in
        this.padded = (pixels + 3) / 4 * 4;
        float[] ids = new float[classes];
        for (int c = 0; c < classes; c++) ids[c] = c;
        this.classIds = Tensor.persistent(backend, ids, 1, classes);
    }

    public double sigma() {
        return sigma;
    }

    /** The conditioning time: the grid point of the 81-level Karras grid nearest 2σ. */
    public double time() {
        return time;
    }

    /** The noise stream of an image and phase: phases in the high word, so streams of images never meet. */
    static long stream(int image, Phase phase) {
        return phase.code << 32 | Integer.toUnsignedLong(image);
    }

    /**
     * Votes per class over draws [from, to) of the given image and phase.
     *
     * @param image the image's index in its data set (keys the noise)
     * @param u the image, CHW in [0, 1]
     */
    public long[] counts(int image, float[] u, Phase phase, long from, long to) {
        if (u.length != pixels) throw new IllegalArgumentException("image of " + u.length + " values, expected " + pixels);
        long[] total = new long[classes];
        try (Autograd.NoGrad ng = Autograd.noGrad(); MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, u, 1, channels, size, size).mul(2f).sub(1f).mul(cIn); // (1, C, H, W)
            Tensor votes = Tensor.zeros(backend, classes);
            for (long chunk = from; chunk < to; chunk += EXACT_FLOAT_COUNT) {
                long end = Math.min(to, chunk + EXACT_FLOAT_COUNT);
                InPlace.fill(votes, 0f);
                for (long start = chunk; start < end; start += batch) {
                    int b = (int) Math.min(batch, end - start);
                    try (MemoryScope step = MemoryScope.open()) {
                        InPlace.axpby(votes, votesOf(x, image, phase, start, b), 1f, 1f);
                    }
                }
                float[] host = votes.toFloatArray();
                for (int c = 0; c < classes; c++) total[c] += (long) host[c];
            }
        }
        return total;
    }

    /** (classes,) votes of draws [start, start + b). */
    private Tensor votesOf(Tensor x, int image, Phase phase, long start, int b) {
        Generator g = new Generator(seed, stream(image, phase), start * (padded / 4));
        // c_in (2x - 1) + c_in 2σ ε for b copies, in one pass; draw k starts on its own Philox block
        Tensor input = g.noisyCopies(x.reshape(channels, size, size), b, (float) (2 * sigma * cIn));
        Tensor predicted = model.logits(input, time).argmax(1).toFloat().reshape(b, 1); // (B, 1)
        return predicted.eq(classIds).sum(0, false); // one-hot (B, classes) summed over the batch
    }
}
