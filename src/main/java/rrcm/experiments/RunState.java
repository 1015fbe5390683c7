package rrcm.experiments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import rrcm.io.AtomicFile;
import rrcm.io.Json;
import rrcm.io.JsonParser;

/**
 * reproduce.json in a study's run directory: the settings' fingerprint (a run directory continues only the
 * study it was made for), this machine's timings, and per stage the seconds spent and whether it finished.
 * Written atomically after every change, from the shutdown hook too, so an interrupted stage keeps its time.
 */
final class RunState {
    static final String FILE = "reproduce.json";

    /** Seconds per pre-training step, per fine-tuning step (consistency) and per certification sample. */
    record Calibration(double pretrainStep, double finetuneStep, double secondsPerSample) {}

    record Entry(double seconds, boolean finished) {}

    private final Path file;
    private final String study;
    private final String identity;
    private Calibration calibration;
    private final Map<String, Entry> stages = new LinkedHashMap<>();

    private RunState(Path file, String study, String identity) {
        this.file = file;
        this.study = study;
        this.identity = identity;
    }

    /** The state in file, or a new one; refuses a file made for other settings. */
    static RunState open(Path file, String study, String identity) {
        RunState s = new RunState(file, study, identity);
        if (!Files.exists(file)) {
            s.save();
            return s;
        }
        Map<String, Object> m = Report.readJson(file);
        if (!identity.equals(m.get("identity")) || !study.equals(m.get("study"))) {
            throw new IllegalArgumentException(file.getParent() + " holds a reproduction made with other settings (another "
                    + "study, configuration, overrides or certification); continue it with the command that made it, or choose "
                    + "another --runs directory");
        }
        if (m.get("calibration") instanceof Map<?, ?> c) {
            s.calibration = new Calibration(number(c, "pretrain_step_s"), number(c, "finetune_step_s"), number(c, "sample_s"));
        }
        if (m.get("stages") instanceof Map<?, ?> st) {
            for (Map.Entry<?, ?> e : st.entrySet()) {
                Map<?, ?> v = (Map<?, ?>) e.getValue();
                s.stages.put((String) e.getKey(), new Entry(number(v, "seconds"), Boolean.TRUE.equals(v.get("finished"))));
            }
        }
        return s;
    }

    private static double number(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) throw new IllegalArgumentException(FILE + ": '" + key + "' is missing or not a number");
        return n.doubleValue();
    }

    Calibration calibration() {
        return calibration;
    }

    synchronized void calibrate(Calibration c) {
        calibration = c;
        save();
    }

    synchronized Entry entry(String stage) {
        return stages.get(stage);
    }

    /** Adds time spent on a stage and records whether it has finished. */
    synchronized void addSeconds(String stage, double seconds, boolean finished) {
        Entry e = stages.get(stage);
        stages.put(stage, new Entry((e == null ? 0 : e.seconds()) + seconds, finished));
        save();
    }

    private void save() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("study", study);
        m.put("identity", identity);
        if (calibration != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("pretrain_step_s", calibration.pretrainStep());
            c.put("finetune_step_s", calibration.finetuneStep());
            c.put("sample_s", calibration.secondsPerSample());
            m.put("calibration", c);
        }
        Map<String, Object> st = new LinkedHashMap<>();
        stages.forEach((k, v) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("seconds", v.seconds());
            e.put("finished", v.finished());
            st.put(k, e);
        });
        m.put("stages", st);
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.writeString(file, Json.writePretty(m));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }
}
