package rrcm.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CIFAR-10 (Krizhevsky 2009) in its binary distribution: 32x32 RGB images of 10 classes, five
 * training batches of 10,000 and one test batch. Each record is one label byte followed by 3,072
 * pixel bytes: the red plane, then green, then blue, each 32 rows of 32 — already CHW.
 */
public final class Cifar10 {
    public static final int CLASSES = 10;
    public static final int SIDE = 32;
    private static final int PIXELS = 3 * SIDE * SIDE;
    private static final int RECORD = 1 + PIXELS;
    /** The folder the official archive unpacks to; accepted inside the given directory. */
    static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";

    private Cifar10() {}

    static List<String> files(Split split) {
        return split == Split.TRAIN
                ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin")
                : List.of("test_batch.bin");
    }

    /** Reads one split from {@code dir} or from its {@code cifar-10-batches-bin} sub-folder. */
    public static ImageDataset open(Path dir, Split split) {
        if (!Files.isDirectory(dir)) throw new DataException(dir + ": no such directory (expected the CIFAR-10 binary batches)");
        List<String> names = files(split);
        Path base = dir;
        if (!Files.exists(dir.resolve(names.getFirst())) && Files.isDirectory(dir.resolve(ARCHIVE_FOLDER))) {
            base = dir.resolve(ARCHIVE_FOLDER);
        }
        long records = 0;
        long[] sizes = new long[names.size()];
        for (int f = 0; f < names.size(); f++) {
            Path file = base.resolve(names.get(f));
            if (!Files.isRegularFile(file)) throw new DataException(file + ": not found (CIFAR-10 binary version, " + String.join(", ", names) + ")");
            long bytes = size(file);
            if (bytes == 0 || bytes % RECORD != 0) {
                throw new DataException(file + ": size " + bytes + " bytes is not a positive multiple of " + RECORD
                        + " (1 label byte + " + PIXELS + " pixel bytes per image)");
            }
            sizes[f] = bytes;
            records += bytes / RECORD;
        }
        if (records * PIXELS > Integer.MAX_VALUE - 8) throw new DataException(base + ": " + records + " CIFAR-10 images are too many to hold in memory");
        byte[] pixels = new byte[(int) records * PIXELS];
        byte[] labels = new byte[(int) records];
        int at = 0;
        for (int f = 0; f < names.size(); f++) {
            Path file = base.resolve(names.get(f));
            byte[] data = readAll(file);
            if (data.length != sizes[f]) throw new DataException(file + ": changed size while being read");
            for (int r = 0; r < data.length / RECORD; r++, at++) {
                int label = data[r * RECORD] & 0xFF;
                if (label >= CLASSES) {
                    throw new DataException(file + ": label " + label + " of record " + r + " is outside 0.." + (CLASSES - 1));
                }
                labels[at] = (byte) label;
                System.arraycopy(data, r * RECORD + 1, pixels, at * PIXELS, PIXELS);
            }
        }
        String name = "cifar10 " + (split == Split.TRAIN ? "train" : "test");
        return new ByteImages(name, new ImageShape(3, SIDE, SIDE), CLASSES, pixels, labels);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
