package rrcm.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

/**
 * Moves array elements between Java arrays and the little-endian bytes of a file. Reads copy straight
 * out of a mapped file; writes go through one reused buffer; neither makes a second full-size copy.
 */
final class ArrayBytes {
    // safetensors data is little-endian, and its tensors need not be aligned to their element size.
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int CHUNK_BYTES = 1 << 20;

    private ArrayBytes() {}

    /** The tensor's elements, read from the data buffer it lies in. */
    static HostArray read(MemorySegment data, TensorEntry t) {
        int n = t.size();
        long at = t.begin();
        return switch (t.dtype()) {
            case F32 -> {
                float[] a = new float[n];
                MemorySegment.copy(data, F32, at, a, 0, n);
                yield HostArray.of(a, t.shape());
            }
            case I32 -> {
                int[] a = new int[n];
                MemorySegment.copy(data, I32, at, a, 0, n);
                yield HostArray.of(a, t.shape());
            }
            case I64 -> {
                long[] a = new long[n];
                MemorySegment.copy(data, I64, at, a, 0, n);
                yield HostArray.of(a, t.shape());
            }
        };
    }

    /** Writes the elements; {@code chunk} is a little-endian scratch buffer whose capacity is a multiple of 8. */
    static void write(WritableByteChannel ch, HostArray array, ByteBuffer chunk) throws IOException {
        int per = chunk.capacity() / array.dtype().bytes();
        for (int off = 0; off < array.size(); off += per) {
            int n = Math.min(per, array.size() - off);
            chunk.clear();
            switch (array.dtype()) {
                case F32 -> chunk.asFloatBuffer().put(array.floats(), off, n);
                case I32 -> chunk.asIntBuffer().put(array.ints(), off, n);
                case I64 -> chunk.asLongBuffer().put(array.longs(), off, n);
            }
            chunk.limit(n * array.dtype().bytes());
            while (chunk.hasRemaining()) ch.write(chunk);
        }
    }
}
