package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.function.Executable;

/** Files in the exact on-disk formats, written independently of the readers under test. */
final class Fixtures {
    private Fixtures() {}

    static byte[] idxImages(int magic, int count, int rows, int cols, byte[] pixels) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] idxLabels(int magic, byte[] labels) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(labels.length);
            out.write(labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] labels(int n) {
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) y[i] = (byte) (i % 10);
        return y;
    }

    static void write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CIFAR-10 binary batch: per record one label byte and 3072 pixel bytes. */
    static byte[] cifarRecords(byte[] labels, byte[] pixels) {
        byte[] out = new byte[labels.length * 3073];
        for (int r = 0; r < labels.length; r++) {
            out[r * 3073] = labels[r];
            System.arraycopy(pixels, r * 3072, out, r * 3073 + 1, 3072);
        }
        return out;
    }

    /** Asserts a DataException whose message names {@code file} and contains {@code problem}. */
    static DataException assertDataError(String file, String problem, Executable action) {
        DataException e = assertThrows(DataException.class, action);
        assertTrue(e.getMessage().contains(file), () -> "message should name " + file + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "message should say '" + problem + "': " + e.getMessage());
        return e;
    }

    /** A dataset of n constant-free test images whose pixels encode (index, channel, position). */
    static ImageDataset synthetic(int n, ImageShape shape) {
        return new ImageDataset() {
            @Override public String name() { return "synthetic"; }
            @Override public int size() { return n; }
            @Override public int channels() { return shape.channels(); }
            @Override public int height() { return shape.height(); }
            @Override public int width() { return shape.width(); }
            @Override public int classes() { return 10; }
            @Override public int label(int index) { return index % 10; }
            @Override public void image(int index, float[] dst, int offset) {
                for (int i = 0; i < shape.size(); i++) dst[offset + i] = ((index * 31 + i * 7) % 256) / 255f;
            }
        };
    }
}
