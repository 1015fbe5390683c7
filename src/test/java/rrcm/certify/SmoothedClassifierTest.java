package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import rrcm.backend.Backend;
import rrcm.backend.Backends;
import rrcm.backend.MemoryStats;
import rrcm.model.Classifier;
import rrcm.model.KarrasSchedule;
import rrcm.model.VisionTransformer;
import rrcm.model.VitConfig;
import rrcm.nn.Init;
import rrcm.tensor.Autograd;
import rrcm.tensor.Generator;
import rrcm.tensor.InPlace;
import rrcm.tensor.MemoryScope;
import rrcm.tensor.Tensor;

/** The Monte Carlo sampler on a small random classifier: the input it feeds, reproducibility, memory. */
class SmoothedClassifierTest {
    // 9x9 with one channel: 81 pixels, not a multiple of 4, so draws start on padded Philox blocks
    static final int SIZE = 9, CLASSES = 4;
    static final double SIGMA = 0.5;
    static final Backend BE = Backends.cpu();

    static Classifier model() {
        Classifier m = new Classifier(BE, new VisionTransformer(BE, new Init(3), new VitConfig(SIZE, 1, 3, 16, 1, 2, 2)),
                new Init(4), CLASSES);
        // weights of unit gain (an untrained ViT passes little of its input to the CLS token), so that the
        // votes depend on the noise and spread over the classes
        SplittableRandom r = new SplittableRandom(9);
        for (Tensor t : m.namedParameters().values()) {
            int[] shape = t.shape();
            if (shape.length < 2) continue;
            double std = 1 / Math.sqrt(t.numel() / shape[0]);
            float[] w = new float[t.numel()];
            for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * std);
            InPlace.set(t, w);
        }
        m.train(false);
        return m;
    }

    static float[] image(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] u = new float[SIZE * SIZE];
        for (int i = 0; i < u.length; i++) u[i] = (float) r.nextDouble();
        return u;
    }

    /** The definition, one draw at a time: c_in(t) * (2u - 1) + c_in(t) * 2 sigma * eps_s, with eps_s from Philox at s * 21 blocks. */
    static long[] byHand(Classifier m, float[] u, long seed, int image, SmoothedClassifier.Phase phase, int from, int to) {
        double t = KarrasSchedule.timeForSigma(SIGMA);
        float cIn = (float) KarrasSchedule.cIn(t);
        long[] counts = new long[CLASSES];
        try (Autograd.NoGrad ng = Autograd.noGrad(); MemoryScope s = MemoryScope.open()) {
            Tensor x = Tensor.of(BE, u, 1, 1, SIZE, SIZE).mul(2f).sub(1f).mul(cIn);
            for (int d = from; d < to; d++) {
                Generator g = new Generator(seed, SmoothedClassifier.stream(image, phase), d * 21L); // ceil(81 / 4) blocks
                Tensor eps = g.normal(BE, 0f, (float) (2 * SIGMA * cIn), 1, 84).narrow(1, 0, 81).reshape(1, 1, SIZE, SIZE);
                counts[m.forward(eps.add(x), t).argmax(1).toIntArray()[0]]++;
            }
        }
        return counts;
    }

    @Test
    void countsAreTheVotesOfTheDefinedNoisyInputs() {
        Classifier m = model();
        float[] u = image(1);
        SmoothedClassifier f = new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 16, 7);
        long[] counts = f.counts(12, u, SmoothedClassifier.Phase.ESTIMATION, 0, 200);
        assertEquals(200, Arrays.stream(counts).sum());
        assertTrue(Arrays.stream(counts).filter(c -> c > 0).count() >= 2, "votes spread: " + Arrays.toString(counts));
        assertArrayEquals(byHand(m, u, 7, 12, SmoothedClassifier.Phase.ESTIMATION, 0, 200), counts);
        assertEquals(KarrasSchedule.timeForSigma(SIGMA), f.time());
    }

    @Test
    void theSameDrawsGiveTheSameCountsWhateverTheBatchesAndRanges() {
        Classifier m = model();
        float[] u = image(2);
        long[] whole = new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 64, 5).counts(3, u, SmoothedClassifier.Phase.SELECTION, 0, 300);
        assertArrayEquals(whole, new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 64, 5).counts(3, u, SmoothedClassifier.Phase.SELECTION, 0, 300));
        SmoothedClassifier odd = new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 7, 5);
        long[] a = odd.counts(3, u, SmoothedClassifier.Phase.SELECTION, 0, 123);
        long[] b = odd.counts(3, u, SmoothedClassifier.Phase.SELECTION, 123, 300);
        for (int c = 0; c < CLASSES; c++) a[c] += b[c];
        assertArrayEquals(whole, a);
    }

    @Test
    void everyImageAndPhaseHasItsOwnNoise() {
        Set<Long> streams = new HashSet<>();
        for (int image : new int[] {0, 1, 499, Integer.MAX_VALUE}) {
            for (SmoothedClassifier.Phase p : SmoothedClassifier.Phase.values()) assertTrue(streams.add(SmoothedClassifier.stream(image, p)));
        }
        Classifier m = model();
        float[] u = image(3);
        SmoothedClassifier f = new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 50, 5);
        long[] selection = f.counts(0, u, SmoothedClassifier.Phase.SELECTION, 0, 400);
        long[] estimation = f.counts(0, u, SmoothedClassifier.Phase.ESTIMATION, 0, 400);
        long[] otherSeed = new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 50, 6).counts(0, u, SmoothedClassifier.Phase.SELECTION, 0, 400);
        assertNotEquals(Arrays.toString(selection), Arrays.toString(estimation));
        assertNotEquals(Arrays.toString(selection), Arrays.toString(otherSeed));
    }

    @Test
    void memoryReturnsToItsBaseline() {
        Classifier m = model();
        float[] u = image(4);
        SmoothedClassifier f = new SmoothedClassifier(BE, m, 1, SIZE, CLASSES, SIGMA, 32, 5);
        f.counts(0, u, SmoothedClassifier.Phase.ESTIMATION, 0, 100);
        MemoryStats baseline = BE.memory();
        for (int image = 1; image <= 5; image++) f.counts(image, u, SmoothedClassifier.Phase.ESTIMATION, 0, 100);
        // at most the baseline: parameters of models that other tests dropped may be collected meanwhile,
        // while a leak would keep the activations of 20 batches (hundreds of kilobytes)
        assertTrue(BE.memory().liveBytes() <= baseline.liveBytes(), BE.memory() + " after, " + baseline + " before");
    }
}
