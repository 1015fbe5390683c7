package rrcm.certify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tab-separated result file read by its header. A last line without its newline is a row that an
 * interrupted run was writing: it is left out of the rows, and {@link #completeBytes()} says where the
 * complete lines end, so that a resumed run can cut it off.
 */
final class TsvTable {
    private final Path file;
    private final List<String> header;
    private final List<Row> rows;
    private final long completeBytes;
    private final boolean torn;

    private TsvTable(Path file, List<String> header, List<Row> rows, long completeBytes, boolean torn) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.completeBytes = completeBytes;
        this.torn = torn;
    }

    /** One data line, its cells read by column name. */
    record Row(Path file, int line, Map<String, Integer> columns, String[] cells) {
        boolean has(String column) {
            return columns.containsKey(column);
        }

        String text(String column) {
            Integer i = columns.get(column);
            if (i == null) throw new ResultFileException(file + ": has no column '" + column + "'");
            return cells[i];
        }

        int integer(String column) {
            try {
                return Integer.parseInt(text(column));
            } catch (NumberFormatException e) {
                throw bad(column);
            }
        }

        long count(String column) {
            try {
                long v = Long.parseLong(text(column));
                if (v >= 0) return v;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(column);
        }

        double real(String column) {
            try {
                double v = Double.parseDouble(text(column));
                if (Double.isFinite(v)) return v;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(column);
        }

        boolean flag(String column) {
            return switch (text(column)) {
                case "1" -> true;
                case "0" -> false;
                default -> throw bad(column);
            };
        }

        void require(boolean condition, String problem) {
            if (!condition) throw new ResultFileException(file + ":" + line + ": " + problem);
        }

        private ResultFileException bad(String column) {
            return new ResultFileException(file + ":" + line + ": '" + text(column) + "' is not a valid " + column);
        }
    }

    static TsvTable read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ResultFileException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1; // the complete lines are text[0, end)
        String[] lines = text.substring(0, end).split("\n", -1);
        if (end == 0 || lines[0].isBlank()) throw new ResultFileException(file + ": empty, expected a header line");
        List<String> header = List.of(lines[0].strip().split("\t", -1));
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (columns.put(header.get(i), i) != null) {
                throw new ResultFileException(file + ": column '" + header.get(i) + "' appears twice in the header");
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.length - 1; i++) { // the last element follows the final newline: empty
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] cells = line.split("\t", -1);
            if (cells.length != header.size()) {
                throw new ResultFileException(file + ":" + (i + 1) + ": " + cells.length + " cells, the header has " + header.size());
            }
            rows.add(new Row(file, i + 1, columns, cells));
        }
        long complete = text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
        return new TsvTable(file, header, rows, complete, end < text.length());
    }

    Path file() {
        return file;
    }

    List<String> header() {
        return header;
    }

    List<Row> rows() {
        return rows;
    }

    long completeBytes() {
        return completeBytes;
    }

    boolean torn() {
        return torn;
    }

    /** Fails unless the header is exactly the given columns. */
    TsvTable expect(List<String> columns, String what) {
        if (!header.equals(columns)) {
            throw new ResultFileException(file + ": not a " + what + " file (its header is '" + String.join(" ", header)
                    + "', expected '" + String.join(" ", columns) + "')");
        }
        return this;
    }
}
