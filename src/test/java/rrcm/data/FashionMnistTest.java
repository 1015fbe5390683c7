package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rrcm.data.Fixtures.assertDataError;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    private static final int N = 5;
    private final byte[] pixels = Fixtures.randomBytes(1, N * 28 * 28);
    private final byte[] labels = {3, 0, 9, 7, 3};

    private void writeTrain(boolean gzipImages, boolean gzipLabels) {
        byte[] images = Fixtures.idxImages(2051, N, 28, 28, pixels);
        byte[] y = Fixtures.idxLabels(2049, labels);
        Fixtures.write(dir.resolve("train-images-idx3-ubyte" + (gzipImages ? ".gz" : "")), gzipImages ? Fixtures.gzip(images) : images);
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte" + (gzipLabels ? ".gz" : "")), gzipLabels ? Fixtures.gzip(y) : y);
    }

    private void checkRoundTrip(ImageDataset data) {
        assertEquals(N, data.size());
        assertEquals(new ImageShape(1, 28, 28), data.shape());
        assertEquals(10, data.classes());
        float[] image = new float[1 + 784];
        for (int i = 0; i < N; i++) {
            assertEquals(labels[i], data.label(i));
            data.image(i, image, 1);
            for (int p = 0; p < 784; p++) assertEquals((pixels[i * 784 + p] & 0xFF) / 255f, image[1 + p], 0f);
        }
    }

    @Test
    void readsPlainAndGzippedFiles() {
        writeTrain(false, true);
        checkRoundTrip(FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void readsGzippedTestSplit() {
        Fixtures.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(2051, N, 28, 28, pixels)));
        Fixtures.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), Fixtures.gzip(Fixtures.idxLabels(2049, labels)));
        checkRoundTrip(FashionMnist.open(dir, Split.TEST));
    }

    @Test
    void detectsGzipByContentNotName() {
        // A plain-named file that is really gzipped (and a .gz named file that is plain).
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.gzip(Fixtures.idxImages(2051, N, 28, 28, pixels)));
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte.gz"), Fixtures.idxLabels(2049, labels));
        checkRoundTrip(FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void extremesMapToZeroAndOne() {
        byte[] p = new byte[784];
        p[0] = (byte) 255;
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(2051, 1, 28, 28, p));
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte"), Fixtures.idxLabels(2049, new byte[] {1}));
        float[] image = new float[784];
        FashionMnist.open(dir, Split.TRAIN).image(0, image, 0);
        assertEquals(1f, image[0], 0f);
        assertEquals(0f, image[1], 0f);
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("nowhere");
        DataException e = assertDataError(missing.toString(), "no such directory", () -> FashionMnist.open(missing, Split.TRAIN));
        // the message names the one command that installs the data set
        assertTrue(e.getMessage().contains("sudo apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void missingFile() {
        writeTrain(true, true);
        assertDataError("t10k-images-idx3-ubyte.gz", "not found", () -> FashionMnist.open(dir, Split.TEST));
    }

    @Test
    void badImageMagic() {
        writeTrain(false, false);
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(2049, N, 28, 28, pixels));
        assertDataError("train-images-idx3-ubyte", "magic number 2049, expected 2051", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void badLabelMagic() {
        writeTrain(false, false);
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte"), Fixtures.idxLabels(2051, labels));
        assertDataError("train-labels-idx1-ubyte", "magic number 2051, expected 2049", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void badDimensions() {
        writeTrain(false, false);
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(2051, N, 0, 28, new byte[0]));
        assertDataError("train-images-idx3-ubyte", "bad dimensions", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void truncatedPixels() {
        writeTrain(false, false);
        byte[] full = Fixtures.idxImages(2051, N, 28, 28, pixels);
        byte[] cut = Arrays.copyOf(full, 16 + 1200);
        Fixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(cut));
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), new byte[0]);
        // The plain file wins when both exist; an empty one has a truncated header.
        assertDataError("train-images-idx3-ubyte", "truncated: the IDX header needs 16 bytes, found 0", () -> FashionMnist.open(dir, Split.TRAIN));
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), cut);
        assertDataError("train-images-idx3-ubyte", "truncated: expected 3920 pixel bytes after the header, found 1200", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void truncatedGzipStream() {
        writeTrain(true, false);
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(2051, N, 28, 28, pixels));
        Fixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertDataError("train-images-idx3-ubyte.gz", "truncated", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void trailingBytes() {
        writeTrain(false, false);
        byte[] full = Fixtures.idxImages(2051, N, 28, 28, pixels);
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, full.length + 10));
        assertDataError("train-images-idx3-ubyte", "more data than the header", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void countMismatch() {
        writeTrain(false, false);
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte"), Fixtures.idxLabels(2049, new byte[] {1, 2, 3}));
        assertDataError("train-labels-idx1-ubyte", "has 3 labels but", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void labelOutOfRange() {
        writeTrain(false, false);
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte"), Fixtures.idxLabels(2049, new byte[] {1, 2, 10, 3, 4}));
        assertDataError("train-labels-idx1-ubyte", "label 10 at index 2 is outside 0..9", () -> FashionMnist.open(dir, Split.TRAIN));
    }

    @Test
    void idxWriterRoundTrips() throws Exception {
        var bytes = new ByteArrayOutputStream();
        Idx.writeImages(bytes, N, 28, 28, pixels);
        assertArrayEquals(Fixtures.idxImages(2051, N, 28, 28, pixels), bytes.toByteArray());
        bytes.reset();
        Idx.writeLabels(bytes, labels);
        assertArrayEquals(Fixtures.idxLabels(2049, labels), bytes.toByteArray());
    }
}
