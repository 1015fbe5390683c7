package rrcm.certify;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Joins the result directories of the shards of one run (certify or predict) into one: the rows of all
 * shards in image order, the same file a single process would have written apart from the time column,
 * then its summary. Every shard must be there, complete, and made with the same settings.
 */
public final class Merge {
    private Merge() {}

    /** A result directory, or its TSV file: the directory holding it. */
    static Path directoryOf(Path input) {
        return Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    }

    /**
     * @param outOrNull where the merged result goes; null: the directory that holds all the shard
     *     directories (as certify's default shard-i-of-n directories are), which must be one
     */
    public static Path merge(List<Path> inputs, Path outOrNull, double[] radii, PrintStream log) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("name the shard result directories to merge");
        List<Path> dirs = new ArrayList<>();
        List<SmoothingParams> params = new ArrayList<>();
        for (Path in : inputs) {
            if (!Files.exists(in)) throw new IllegalArgumentException(in + ": no such file or directory");
            Path dir = directoryOf(in);
            dirs.add(dir);
            params.add(SmoothingParams.read(dir));
        }
        SmoothingParams first = params.getFirst();
        int count = first.shard().count();
        boolean[] seen = new boolean[count];
        SmoothingJob.Kind kind = first.command().equals(SmoothingParams.CERTIFY) ? SmoothingJob.Kind.CERTIFY : SmoothingJob.Kind.PREDICT;
        List<TsvTable.Row> rows = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            SmoothingParams p = params.get(i);
            Path dir = dirs.get(i);
            if (!p.identity().equals(first.identity())) {
                throw new IllegalArgumentException(dir + " was made with other settings than " + dirs.getFirst() + " (see their "
                        + SmoothingParams.FILE + "); only shards of one run merge");
            }
            if (p.shard().count() != count) {
                throw new IllegalArgumentException(dir + " is shard " + p.shard() + ", " + dirs.getFirst() + " is shard " + first.shard());
            }
            if (seen[p.shard().index()]) throw new IllegalArgumentException("shard " + p.shard() + " is named twice (" + dir + ")");
            seen[p.shard().index()] = true;
            Path tsv = dir.resolve(kind.tsv());
            if (!Files.isRegularFile(tsv)) throw new IllegalArgumentException(tsv + ": missing");
            List<TsvTable.Row> mine = TsvTable.read(tsv).expect(kind.columns(), kind.word).rows();
            RowCheck check = new RowCheck(p);
            for (TsvTable.Row r : mine) check.check(r);
            if (mine.size() != p.shardImages()) {
                throw new IllegalArgumentException(tsv + " holds " + mine.size() + " of the " + p.shardImages() + " images of shard "
                        + p.shard() + "; finish it with --resume first");
            }
            rows.addAll(mine);
        }
        for (int i = 0; i < count; i++) {
            if (!seen[i]) throw new IllegalArgumentException("shard " + i + "/" + count + " is missing");
        }
        rows.sort(Comparator.comparingInt(r -> r.integer("idx")));
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).integer("idx") == rows.get(i - 1).integer("idx")) {
                throw new IllegalArgumentException("image " + rows.get(i).integer("idx") + " is in two shards");
            }
        }
        Path out = outOrNull != null ? outOrNull : commonParent(dirs);
        Path tsv = out.resolve(kind.tsv());
        if (Files.exists(tsv)) throw new IllegalArgumentException(tsv + " already exists; choose another --out");

        StringBuilder text = new StringBuilder(String.join("\t", kind.columns())).append('\n');
        for (TsvTable.Row r : rows) text.append(String.join("\t", r.cells())).append('\n');
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot create the result directory (" + e.getMessage() + ")", e);
        }
        first.withShard(Shard.ALL).write(out);
        Reports.writeText(tsv, text.toString());
        log.printf("merged %d shards, %d images, into %s%n", count, rows.size(), tsv);
        log.print(SmoothingJob.summarize(out, radii));
        return out;
    }

    private static Path commonParent(List<Path> dirs) {
        Path parent = dirs.getFirst().toAbsolutePath().normalize().getParent();
        for (Path d : dirs) {
            if (!Objects.equals(d.toAbsolutePath().normalize().getParent(), parent)) {
                throw new IllegalArgumentException("the shard directories are in different places; say where the merged result goes with --out");
            }
        }
        return parent;
    }
}
