package rrcm.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the embedded Fashion-MNIST subset (see {@link EmbeddedFashionMnist}) from the full data set.
 * Run by tools/make-embedded-subset through the JDK's source launcher, so it needs no build:
 * {@code java src/main/java/rrcm/data/MakeEmbeddedSubset.java SOURCE_DIR OUTPUT_DIR}.
 *
 * <p>The choice is the first N images of each class in file order: deterministic, needs no seed, and
 * keeps the original interleaving of classes. The output is byte-for-byte reproducible, because
 * Java's gzip header carries no time stamp.
 */
public final class MakeEmbeddedSubset {
    private MakeEmbeddedSubset() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MakeEmbeddedSubset FASHION_MNIST_DIR OUTPUT_DIR");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Files.createDirectories(output);
        try {
            write(source, output, Split.TRAIN, EmbeddedFashionMnist.TRAIN_PER_CLASS);
            write(source, output, Split.TEST, EmbeddedFashionMnist.TEST_PER_CLASS);
        } catch (DataException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    private static void write(Path source, Path output, Split split, int perClass) throws IOException {
        ImageDataset full = FashionMnist.open(source, split);
        int[] chosen = firstOfEachClass(full, perClass);
        int plane = full.height() * full.width();
        byte[] pixels = new byte[chosen.length * plane];
        byte[] labels = new byte[chosen.length];
        float[] image = new float[plane];
        for (int i = 0; i < chosen.length; i++) {
            full.image(chosen[i], image, 0);
            // Back from [0, 1] to the original bytes: v / 255 rounds back exactly.
            for (int p = 0; p < plane; p++) pixels[i * plane + p] = (byte) Math.round(image[p] * 255f);
            labels[i] = (byte) full.label(chosen[i]);
        }
        Path images = output.resolve(FashionMnist.imagesFile(split) + ".gz");
        Path labelFile = output.resolve(FashionMnist.labelsFile(split) + ".gz");
        try (OutputStream out = gzip(images)) {
            Idx.writeImages(out, chosen.length, full.height(), full.width(), pixels);
        }
        try (OutputStream out = gzip(labelFile)) {
            Idx.writeLabels(out, labels);
        }
        // Read back through the same reader the engine uses, so a bad write fails here and not later.
        try (InputStream in = Files.newInputStream(images)) {
            if (Idx.readImages(images.toString(), in).count() != chosen.length) throw new IllegalStateException(images + ": read-back mismatch");
        }
        System.out.printf("%s: %d images, %d bytes; %s: %d bytes%n",
                images, chosen.length, Files.size(images), labelFile, Files.size(labelFile));
    }

    /** Indices of the first {@code perClass} images of every class, in file order. */
    static int[] firstOfEachClass(ImageDataset data, int perClass) {
        int[] taken = new int[data.classes()];
        int[] chosen = new int[perClass * data.classes()];
        int n = 0;
        for (int i = 0; i < data.size() && n < chosen.length; i++) {
            int label = data.label(i);
            if (taken[label] < perClass) {
                taken[label]++;
                chosen[n++] = i;
            }
        }
        if (n < chosen.length) throw new DataException(data.name() + ": fewer than " + perClass + " images of some class");
        return chosen;
    }

    private static OutputStream gzip(Path file) throws IOException {
        return new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        };
    }
}
