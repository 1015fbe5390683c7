package rrcm.certify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import rrcm.io.AtomicFile;
import rrcm.io.Json;
import rrcm.io.JsonParser;

/**
 * Everything that decides a result file's rows, kept in params.json beside it: the model (by the
 * SHA-256 of its checkpoint), the data, σ and t, the draws, α, the seed, which images, the shard, and
 * the sequential rule, and the denoiser in front of the classifier when there is one (by its checkpoint's
 * SHA-256 too; empty strings when there is none). A resumed run must match it exactly; shards to merge must match it except for
 * the shard. Paths are recorded for people and are not compared (a run may be resumed from elsewhere).
 */
public record SmoothingParams(String command, String checkpoint, String checkpointSha256, String dataKind, String dataDir,
                              int dataSize, double sigma, double time, int n0, long n, double alpha, long seed, int skip,
                              int max, int images, Shard shard, List<Double> sequentialRadii, String split,
                              String denoiser, String denoiserSha256) {
    public static final String FILE = "params.json";
    public static final String CERTIFY = "certify", PREDICT = "predict";
    /** The images certified: the data set's test images, or the validation images held out of its training set. */
    public static final String TEST = "test", VALIDATION = "validation";

    public boolean sequential() {
        return !sequentialRadii.isEmpty();
    }

    /** What must agree for rows to belong to one run: all but the paths and the shard. */
    public SmoothingParams identity() {
        return new SmoothingParams(command, "", checkpointSha256, dataKind, "", dataSize, sigma, time, n0, n, alpha, seed,
                skip, max, images, Shard.ALL, sequentialRadii, split, "", denoiserSha256);
    }

    public SmoothingParams withShard(Shard s) {
        return new SmoothingParams(command, checkpoint, checkpointSha256, dataKind, dataDir, dataSize, sigma, time, n0, n,
                alpha, seed, skip, max, images, s, sequentialRadii, split, denoiser, denoiserSha256);
    }

    /** The number of images of the selection that fall in this run's shard. */
    public int shardImages() {
        return ImageSelection.partSize(images, shard);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command", command);
        m.put("checkpoint", checkpoint);
        m.put("checkpoint_sha256", checkpointSha256);
        if (!denoiser.isEmpty()) {
            m.put("denoiser", denoiser);
            m.put("denoiser_sha256", denoiserSha256);
        }
        m.put("data_kind", dataKind);
        m.put("data_dir", dataDir);
        m.put("data_size", dataSize);
        m.put("split", split);
        m.put("sigma", sigma);
        m.put("time", time);
        if (command.equals(CERTIFY)) m.put("n0", n0);
        m.put("N", n);
        m.put("alpha", alpha);
        m.put("seed", seed);
        m.put("skip", skip);
        m.put("max", max);
        m.put("images", images);
        m.put("shard", shard.toString());
        if (command.equals(CERTIFY)) m.put("sequential_radii", sequentialRadii);
        return m;
    }

    public void write(Path dir) {
        try {
            AtomicFile.writeString(dir.resolve(FILE), Json.writePretty(toJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(FILE) + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    public static SmoothingParams read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new ResultFileException(file + ": missing (it records how the results beside it were made)");
        try {
            if (!(JsonParser.parse(Files.readString(file)) instanceof Map<?, ?> m)) {
                throw new ResultFileException(file + ": not a JSON object");
            }
            String command = text(m, "command", file);
            boolean certify = command.equals(CERTIFY);
            if (!certify && !command.equals(PREDICT)) throw new ResultFileException(file + ": unknown command '" + command + "'");
            List<Double> radii = List.of();
            if (certify) {
                if (!(m.get("sequential_radii") instanceof List<?> list)) throw missing(file, "sequential_radii");
                radii = list.stream().map(v -> v instanceof Number x ? x.doubleValue() : Double.NaN).toList();
            }
            return new SmoothingParams(command, text(m, "checkpoint", file), text(m, "checkpoint_sha256", file),
                    text(m, "data_kind", file), m.get("data_dir") instanceof String s ? s : null,
                    (int) number(m, "data_size", file), real(m, "sigma", file), real(m, "time", file),
                    certify ? (int) number(m, "n0", file) : 0, number(m, "N", file), real(m, "alpha", file),
                    number(m, "seed", file), (int) number(m, "skip", file), (int) number(m, "max", file),
                    (int) number(m, "images", file), Shard.parse(text(m, "shard", file)), radii,
                    m.get("split") instanceof String sp ? sp : TEST, // files from before the split was recorded
                    m.containsKey("denoiser") ? text(m, "denoiser", file) : "",
                    m.containsKey("denoiser") ? text(m, "denoiser_sha256", file) : "");
        } catch (IOException e) {
            throw new ResultFileException(file + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            if (e instanceof ResultFileException) throw e;
            throw new ResultFileException(file + ": " + e.getMessage(), e);
        }
    }

    private static ResultFileException missing(Path file, String key) {
        return new ResultFileException(file + ": no valid '" + key + "'");
    }

    private static String text(Map<?, ?> m, String key, Path file) {
        if (m.get(key) instanceof String s) return s;
        throw missing(file, key);
    }

    private static long number(Map<?, ?> m, String key, Path file) {
        if (m.get(key) instanceof Long v) return v;
        throw missing(file, key);
    }

    private static double real(Map<?, ?> m, String key, Path file) {
        if (m.get(key) instanceof Number v) return v.doubleValue();
        throw missing(file, key);
    }
}
