package rrcm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28x28 grayscale images of 10 kinds of clothing,
 * 60,000 for training and 10,000 for testing, in the IDX files of the original distribution, gzipped
 * or not.
 */
public final class FashionMnist {
    /** Where the Debian package dataset-fashion-mnist installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int CLASSES = 10;
    /** How to get the files where DEFAULT_DIR says. */
    static final String INSTALL = "install them with: sudo apt-get install dataset-fashion-mnist, or name the directory that "
            + "holds them";

    private FashionMnist() {}

    /** Reads one split from {@code dir}, which holds {@code train-*} and {@code t10k-*} IDX files. */
    public static ImageDataset open(Path dir, Split split) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": no such directory (expected the Fashion-MNIST IDX files; " + INSTALL + ")");
        }
        Path images = find(dir, imagesFile(split));
        Path labels = find(dir, labelsFile(split));
        try (InputStream imageStream = Files.newInputStream(images);
             InputStream labelStream = Files.newInputStream(labels)) {
            return read("fashion-mnist " + splitName(split), images.toString(), imageStream, labels.toString(), labelStream);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot read the Fashion-MNIST files (" + e.getMessage() + ")", e);
        }
    }

    static String imagesFile(Split split) {
        return (split == Split.TRAIN ? "train" : "t10k") + "-images-idx3-ubyte";
    }

    static String labelsFile(Split split) {
        return (split == Split.TRAIN ? "train" : "t10k") + "-labels-idx1-ubyte";
    }

    static String splitName(Split split) {
        return split == Split.TRAIN ? "train" : "test";
    }

    /** Reads an image file and its label file and checks that they belong together. */
    static ImageDataset read(String datasetName, String imagesName, InputStream images, String labelsName, InputStream labels) {
        Idx.Images idx = Idx.readImages(imagesName, images);
        byte[] y = Idx.readLabels(labelsName, labels);
        if (y.length != idx.count()) {
            throw new DataException(labelsName + ": has " + y.length + " labels but " + imagesName + " has " + idx.count() + " images");
        }
        for (int i = 0; i < y.length; i++) {
            int label = y[i] & 0xFF;
            if (label >= CLASSES) {
                throw new DataException(labelsName + ": label " + label + " at index " + i + " is outside 0.." + (CLASSES - 1));
            }
        }
        return new ByteImages(datasetName, new ImageShape(1, idx.rows(), idx.cols()), CLASSES, idx.pixels(), y);
    }

    /** The plain file if present, else its .gz; the plain one wins because it reads faster. */
    private static Path find(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        throw new DataException(gz + ": not found (nor " + name + " without .gz)");
    }
}
