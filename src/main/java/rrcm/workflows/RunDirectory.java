package rrcm.workflows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import rrcm.io.AtomicFile;
import rrcm.io.Json;
import rrcm.io.JsonLines;

/**
 * A run's directory: config.yaml (the resolved configuration), metrics.jsonl (one line per logged step
 * or evaluation), pretrain/ and finetune/ with model.safetensors (the weights, loadable by PyTorch by
 * name) and state.safetensors (optimizer, EMA target, counters: what resuming needs), summary.json.
 */
public final class RunDirectory implements AutoCloseable {
    private final Path root;
    private JsonLines metrics;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** A new run: the directory must not hold one already (nothing of an earlier run is overwritten). */
    public static RunDirectory create(Path root, String resolvedConfig) {
        if (Files.exists(root.resolve("config.yaml"))) {
            throw new IllegalArgumentException(root + " already holds a run; continue it with --resume or choose "
                    + "another directory with --run-dir");
        }
        try {
            Files.createDirectories(root);
            AtomicFile.writeString(root.resolve("config.yaml"), resolvedConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot create the run directory: " + e.getMessage(), e);
        }
        return new RunDirectory(root);
    }

    /** An existing run to resume; metrics logged after its last checkpoint are dropped so that none repeat. */
    public static RunDirectory resume(Path root) {
        if (!Files.isRegularFile(root.resolve("config.yaml"))) {
            throw new IllegalArgumentException(root + " holds no run to resume (no config.yaml)");
        }
        return new RunDirectory(root);
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve("config.yaml");
    }

    public Path stage(String name) {
        Path p = root.resolve(name);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": cannot create: " + e.getMessage(), e);
        }
        return p;
    }

    /** Keeps only the metric lines of stages before {@code stage} and of its steps below {@code step}. */
    public void truncateMetrics(String stage, long step, List<String> earlierStages) {
        Path file = root.resolve("metrics.jsonl");
        if (!Files.exists(file)) return;
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> line : JsonLines.read(file)) {
            Object s = line.get("stage");
            boolean earlier = earlierStages.contains(String.valueOf(s));
            boolean before = stage.equals(s) && line.get("step") instanceof Number n && n.longValue() < step;
            if (earlier || before) kept.add(line);
        }
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> line : kept) text.append(Json.write(line)).append('\n');
        try {
            AtomicFile.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot rewrite: " + e.getMessage(), e);
        }
    }

    public void log(Map<String, ?> record) {
        if (metrics == null) metrics = JsonLines.append(root.resolve("metrics.jsonl"));
        metrics.write(record);
    }

    public void writeSummary(Map<String, ?> summary) {
        try {
            AtomicFile.writeString(root.resolve("summary.json"), Json.writePretty(summary) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot write summary.json: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (metrics != null) metrics.close();
    }
}
