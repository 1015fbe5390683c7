package rrcm.data;

import java.io.BufferedInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of (Fashion-)MNIST: a big-endian magic number whose low bytes give the element type
 * (0x08 = unsigned byte) and the number of dimensions, one big-endian int per dimension, then the
 * elements. Files may be gzipped; that is detected from the gzip magic bytes, not the name, so a
 * renamed or already-decompressed file still reads.
 */
final class Idx {
    /** Unsigned bytes, three dimensions (count, rows, columns). */
    static final int IMAGES_MAGIC = 0x0803;
    /** Unsigned bytes, one dimension (count). */
    static final int LABELS_MAGIC = 0x0801;

    private Idx() {}

    /** Images of one IDX3 file; pixels are row-major, image after image. */
    record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Reads an IDX3 image file; {@code name} is how messages refer to it. Closes nothing. */
    static Images readImages(String name, InputStream raw) {
        try {
            InputStream in = decompressed(raw);
            ByteBuffer header = header(name, in, 16);
            checkMagic(name, header.getInt(), IMAGES_MAGIC, "image");
            int count = header.getInt();
            int rows = header.getInt();
            int cols = header.getInt();
            if (count <= 0 || rows <= 0 || cols <= 0) {
                throw new DataException(name + ": bad dimensions " + count + " x " + rows + " x " + cols + " in the IDX header");
            }
            long total = (long) count * rows * cols;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(name + ": " + count + " images of " + rows + "x" + cols + " are too many to hold in memory");
            }
            byte[] pixels = body(name, in, (int) total, "pixel bytes");
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    /** Reads an IDX1 label file; {@code name} is how messages refer to it. Closes nothing. */
    static byte[] readLabels(String name, InputStream raw) {
        try {
            InputStream in = decompressed(raw);
            ByteBuffer header = header(name, in, 8);
            checkMagic(name, header.getInt(), LABELS_MAGIC, "label");
            int count = header.getInt();
            if (count <= 0) throw new DataException(name + ": bad label count " + count + " in the IDX header");
            return body(name, in, count, "label bytes");
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    static void writeImages(OutputStream out, int count, int rows, int cols, byte[] pixels) throws IOException {
        if ((long) count * rows * cols != pixels.length) throw new IllegalArgumentException("pixel count does not match the dimensions");
        var data = new DataOutputStream(out);
        data.writeInt(IMAGES_MAGIC);
        data.writeInt(count);
        data.writeInt(rows);
        data.writeInt(cols);
        data.write(pixels);
        data.flush();
    }

    static void writeLabels(OutputStream out, byte[] labels) throws IOException {
        var data = new DataOutputStream(out);
        data.writeInt(LABELS_MAGIC);
        data.writeInt(labels.length);
        data.write(labels);
        data.flush();
    }

    private static InputStream decompressed(InputStream raw) throws IOException {
        var in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = b0 == 0x1F && b1 == 0x8B;
        return gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    private static ByteBuffer header(String name, InputStream in, int bytes) throws IOException {
        byte[] header = in.readNBytes(bytes);
        if (header.length < bytes) {
            throw new DataException(name + ": truncated: the IDX header needs " + bytes + " bytes, found " + header.length);
        }
        return ByteBuffer.wrap(header); // big-endian, as IDX is
    }

    private static void checkMagic(String name, int magic, int expected, String kind) {
        if (magic != expected) {
            throw new DataException(name + ": not an IDX " + kind + " file: magic number " + magic + ", expected " + expected);
        }
    }

    private static byte[] body(String name, InputStream in, int expected, String what) throws IOException {
        byte[] data = in.readNBytes(expected);
        if (data.length < expected) {
            throw new DataException(name + ": truncated: expected " + expected + " " + what + " after the header, found " + data.length);
        }
        // Trailing bytes mean the header does not describe the file: most likely the wrong file.
        if (in.read() != -1) {
            throw new DataException(name + ": more data than the header's " + expected + " " + what + "; the header does not match the file");
        }
        return data;
    }

    private static DataException unreadable(String name, IOException e) {
        if (e instanceof EOFException) return new DataException(name + ": truncated: the gzip stream ends early", e);
        if (e instanceof ZipException) return new DataException(name + ": corrupt gzip data (" + e.getMessage() + ")", e);
        return new DataException(name + ": cannot be read (" + e.getMessage() + ")", e);
    }
}
