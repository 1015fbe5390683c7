package rrcm.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Checkpoints in the safetensors format (Hugging Face's spec): an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 * PyTorch's {@code safetensors.torch.load_file} reads what {@link #write} writes when the metadata
 * carries {"format": "pt"}.
 *
 * <p>Writes are atomic ({@link AtomicFile}); reads check the whole header first and fail with one
 * sentence naming the file ({@link CheckpointException}).
 */
public final class Safetensors {
    /** The metadata PyTorch's loader expects to find in a file it reads. */
    public static final Map<String, String> PYTORCH_METADATA = Map.of("format", "pt");

    private Safetensors() {}

    /**
     * Writes the tensors, in the order given, and the metadata (sorted by key) to the file,
     * replacing it atomically: on any failure the old file is as it was.
     */
    public static void write(Path file, SequencedMap<String, ? extends HostArray> tensors, Map<String, String> metadata) {
        for (String name : tensors.keySet()) {
            if (name.equals(HeaderParser.METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": " + HeaderParser.METADATA_KEY + " cannot name a tensor");
            }
        }
        byte[] header = HeaderLayout.build(tensors, metadata);
        try {
            AtomicFile.write(file, ch -> {
                ByteBuffer chunk = ByteBuffer.allocateDirect(ArrayBytes.CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                chunk.putLong(header.length).flip();
                while (chunk.hasRemaining()) ch.write(chunk);
                ByteBuffer h = ByteBuffer.wrap(header);
                while (h.hasRemaining()) ch.write(h);
                for (HostArray a : tensors.values()) ArrayBytes.write(ch, a, chunk);
            });
        } catch (IOException e) {
            throw new CheckpointException(file + ": could not write the checkpoint: " + IoErrors.describe(e, file), e);
        }
    }

    /** Reads and checks the whole file. */
    public static SafetensorsFile read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            SafetensorsHeader header = HeaderParser.read(file, ch);
            // Mapped, not read into a buffer: the only full-size copy made is the arrays themselves.
            MemorySegment data = header.dataLength() == 0 ? MemorySegment.NULL
                    : ch.map(FileChannel.MapMode.READ_ONLY, header.dataStart(), header.dataLength(), arena);
            SequencedMap<String, HostArray> tensors = new LinkedHashMap<>();
            for (TensorEntry t : header.tensors()) tensors.put(t.name(), ArrayBytes.read(data, t));
            return new SafetensorsFile(file, tensors, header.metadata());
        } catch (IOException e) {
            throw new CheckpointException(file + ": could not read the checkpoint: " + IoErrors.describe(e, file), e);
        }
    }

    /** Reads and checks the header only: names, types, shapes and metadata, without the data. */
    public static SafetensorsHeader readHeader(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return HeaderParser.read(file, ch);
        } catch (IOException e) {
            throw new CheckpointException(file + ": could not read the checkpoint: " + IoErrors.describe(e, file), e);
        }
    }
}
