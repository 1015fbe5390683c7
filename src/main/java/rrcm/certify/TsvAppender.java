package rrcm.certify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends rows to a result file, one flushed line per image, so that a run stopped at any moment keeps
 * every image it finished. Resuming cuts off a last line that the stopped run had not finished.
 */
final class TsvAppender implements AutoCloseable {
    private final Path file;
    private final Writer out;

    private TsvAppender(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** A new file with its header line, or (table non-null) the existing one, cut after its last complete line. */
    static TsvAppender open(Path file, List<String> header, TsvTable existing) {
        try {
            FileChannel ch;
            if (existing == null) {
                ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                ch = FileChannel.open(file, StandardOpenOption.WRITE);
                ch.truncate(existing.completeBytes());
                ch.position(existing.completeBytes());
            }
            TsvAppender a = new TsvAppender(file, Channels.newWriter(ch, StandardCharsets.UTF_8));
            if (existing == null) a.append(String.join("\t", header));
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be opened for writing (" + e.getMessage() + ")", e);
        }
    }

    void append(String line) {
        try {
            out.write(line + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be closed (" + e.getMessage() + ")", e);
        }
    }
}
