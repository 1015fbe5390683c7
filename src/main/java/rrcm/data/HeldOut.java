package rrcm.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A validation split held out from a training set: {@code size} images chosen by a fixed seeded
 * shuffle (the same images on every machine and run, whatever order the file keeps its classes in),
 * and the rest for training. Choices of hyperparameters are made on the validation part, so that the
 * test images are looked at once, at the end.
 */
public final class HeldOut {
    /** The shuffle's seed: a constant, so that every run of every method holds out the same images. */
    public static final long SEED = 0x5EED_7A11_DA7AL;

    /** The two parts of a training set. */
    public record Parts(ImageDataset fit, ImageDataset validation) {}

    private HeldOut() {}

    /** Splits off {@code size} validation images; size 0 keeps the whole set for training (validation null). */
    public static Parts split(ImageDataset train, int size) {
        if (size == 0) return new Parts(train, null);
        if (size < 0 || size >= train.size()) {
            throw new DataException("data.validation must be between 0 and " + (train.size() - 1) + " for "
                    + train.name() + " (" + train.size() + " images), got " + size);
        }
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(SEED);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] validation = Arrays.copyOfRange(order, 0, size), fit = Arrays.copyOfRange(order, size, order.length);
        Arrays.sort(validation);
        Arrays.sort(fit);
        return new Parts(new Subset(train, fit, train.name() + " less " + size + " held out"),
                new Subset(train, validation, train.name() + ", " + size + " held out for validation"));
    }

    /** Some images of a data set, by index. */
    static final class Subset implements ImageDataset {
        private final ImageDataset base;
        private final int[] index;
        private final String name;

        Subset(ImageDataset base, int[] index, String name) {
            this.base = base;
            this.index = index;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int size() {
            return index.length;
        }

        @Override
        public int channels() {
            return base.channels();
        }

        @Override
        public int height() {
            return base.height();
        }

        @Override
        public int width() {
            return base.width();
        }

        @Override
        public int classes() {
            return base.classes();
        }

        @Override
        public void image(int i, float[] dst, int offset) {
            base.image(index[i], dst, offset);
        }

        @Override
        public int label(int i) {
            return base.label(index[i]);
        }
    }
}
