package rrcm.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * A small Fashion-MNIST subset shipped inside the jar, so the quick start and the end-to-end tests
 * run with no download: 2,000 training images (the first 200 of each class in the order of the
 * original training file) and 500 test images (the first 50 of each class of the original test
 * file). tools/make-embedded-subset regenerates the resources; FASHION-MNIST-LICENSE beside them is
 * the licence of the original (MIT, Zalando SE).
 */
public final class EmbeddedFashionMnist {
    /** Classpath folder of the subset's gzipped IDX files, named like the originals. */
    static final String RESOURCE_DIR = "fashion-mnist-subset/";
    public static final int TRAIN_PER_CLASS = 200;
    public static final int TEST_PER_CLASS = 50;

    private EmbeddedFashionMnist() {}

    public static ImageDataset open(Split split) {
        String images = RESOURCE_DIR + FashionMnist.imagesFile(split) + ".gz";
        String labels = RESOURCE_DIR + FashionMnist.labelsFile(split) + ".gz";
        try (InputStream imageStream = resource(images); InputStream labelStream = resource(labels)) {
            return FashionMnist.read("embedded fashion-mnist " + FashionMnist.splitName(split),
                    "embedded " + images, imageStream, "embedded " + labels, labelStream);
        } catch (IOException e) {
            throw new DataException("embedded " + images + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = EmbeddedFashionMnist.class.getResourceAsStream(name);
        if (in == null) throw new DataException("embedded " + name + ": missing from the jar (rrcm/data/" + name + ")");
        return in;
    }
}
