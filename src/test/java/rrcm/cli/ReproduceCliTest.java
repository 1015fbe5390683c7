package rrcm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rrcm.io.JsonParser;

/**
 * The reproduction as CI runs it (the shortened study: every stage, file and table of the full one with a
 * tiny model on the embedded subset), then again to see that a finished study is skipped and its report
 * rebuilt the same, and the inputs a user can get wrong.
 */
class ReproduceCliTest {
    private static final int STAGES = 19, ROWS = 9;
    private static final List<String> METHODS = List.of("rRCM", "Consistency", "Gaussian", "Consistency, rRCM's compute",
            "Denoise-then-classify (DDS)");

    @TempDir
    Path tmp;

    private TrainCliTest.Run reproduce(String... more) {
        List<String> args = new ArrayList<>(List.of("reproduce", "fashion-mnist", "--quick", "--runs", tmp.resolve("runs").toString(),
                "--out", tmp.resolve("results").toString()));
        args.addAll(List.of(more));
        return TrainCliTest.run(args);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws IOException {
        return (Map<String, Object>) JsonParser.parse(Files.readString(file));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theShortenedStudyWritesEveryFileAndAFinishedOneIsNotRunAgain() throws IOException {
        TrainCliTest.Run first = reproduce();
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("estimated:"), "the plan with its estimates comes first: " + first.out());
        for (int i = 1; i <= STAGES; i++) assertTrue(first.out().contains("== stage " + i + "/" + STAGES + " "), "stage " + i);
        assertTrue(first.out().contains("estimate"), first.out());

        Path results = tmp.resolve("results");
        Map<String, Object> report = json(results.resolve("results.json"));
        assertEquals("fashion-mnist", report.get("study"));
        assertEquals("test", report.get("split"));
        assertTrue(((String) report.get("command")).contains("reproduce fashion-mnist --quick"), (String) report.get("command"));
        assertFalse(((String) report.get("machine")).isBlank());
        // the commit the engine was built from (the build writes it into the classes), not the checkout's HEAD
        java.util.Properties built = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/rrcm/engine-commit.properties")) {
            assertNotNull(in, "the build writes rrcm/engine-commit.properties");
            built.load(in);
        }
        String commit = (String) report.get("commit");
        assertTrue(commit.startsWith(built.getProperty("git.commit.id.abbrev")) && commit.matches("[0-9a-f]{12}(-dirty)?"), commit);
        Map<String, Object> cert = (Map<String, Object>) report.get("certification");
        assertEquals(8L, ((Number) cert.get("images")).longValue());
        List<Object> rows = (List<Object>) report.get("rows");
        assertEquals(ROWS, rows.size());
        for (Object o : rows) {
            Map<String, Object> r = (Map<String, Object>) o;
            List<Object> acc = (List<Object>) r.get("certified_accuracy");
            assertEquals(5, acc.size());
            double previous = 1;
            for (Object a : acc) {
                double v = ((Number) a).doubleValue();
                assertTrue(v >= 0 && v <= previous, "certified accuracy falls with the radius: " + acc);
                previous = v;
            }
            double clean = ((Number) r.get("clean_accuracy")).doubleValue();
            assertTrue(clean >= 0 && clean <= 1, "clean " + clean);
            assertTrue(((Number) r.get("acr")).doubleValue() >= 0);
            assertTrue(((Number) r.get("train_seconds")).doubleValue() > 0);
            assertEquals(8L, ((Number) r.get("certified_images")).longValue());
            // rRCM's rows carry the pre-training they share, the denoise-then-classify rows their denoiser's training
            assertEquals(List.of("rrcm", "dds").contains(r.get("method")), ((Number) r.get("pretrain_seconds")).doubleValue() > 0,
                    r.toString());
        }
        assertEquals(METHODS.size(), ((List<Object>) report.get("best_over_sigma")).size());
        assertEquals(STAGES, ((List<Object>) report.get("stages")).size());

        String md = Files.readString(results.resolve("results.md"));
        assertTrue(md.contains("## sigma = 0.25") && md.contains("## sigma = 0.5") && md.contains("## Best over sigma"), md);
        for (String m : METHODS) assertTrue(md.contains("| " + m + " |"), m);
        assertTrue(md.contains("| 0 | 0.25 | 0.5 | 0.75 | 1 | ACR | clean |"), md);

        BufferedImage png = ImageIO.read(results.resolve("certified-accuracy.png").toFile());
        assertNotNull(png, "a readable PNG");
        assertTrue(png.getWidth() >= 2 * 560, "one panel per sigma: " + png.getWidth());

        Map<String, Object> state = json(tmp.resolve("runs").resolve("reproduce.json"));
        Map<String, Object> stages = (Map<String, Object>) state.get("stages");
        assertEquals(STAGES, stages.size());
        for (Object s : stages.values()) assertEquals(true, ((Map<String, Object>) s).get("finished"));
        assertFalse(Files.exists(tmp.resolve("runs").resolve("calibration")), "the timing runs are removed");

        // again: nothing runs, the same numbers come out
        TrainCliTest.Run second = reproduce();
        assertEquals(0, second.code(), second.out() + second.err());
        assertFalse(second.out().contains("== stage"), second.out());
        assertFalse(second.out().contains("timing"), "the machine is timed once: " + second.out());
        assertEquals(rows, json(results.resolve("results.json")).get("rows"));
    }

    @Test
    void aStoppedCertificationContinuesWhereItStopped() throws IOException {
        assertEquals(0, reproduce().code());
        Path runs = tmp.resolve("runs");
        Path tsv = runs.resolve("dds").resolve("certify-sigma0.5-denoised").resolve("certify.tsv");
        List<String> lines = Files.readAllLines(tsv);
        List<Map<String, Object>> before = numbers(tmp.resolve("results").resolve("results.json"));
        // as if the last stage had been stopped after three images
        Files.write(tsv, lines.subList(0, 4));
        Path state = runs.resolve("reproduce.json");
        Files.writeString(state, Files.readString(state).replaceFirst(
                "(\"certify-dds-sigma0\\.5\": \\{\\s*\"seconds\": [0-9.Ee-]+,\\s*\"finished\": )true", "$1false"));
        TrainCliTest.Run again = reproduce();
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("== stage 19/19 certify-dds-sigma0.5"), again.out());
        assertTrue(again.out().contains("resumed: 3 done before"), again.out());
        assertEquals(1, again.out().split("== stage ", -1).length - 1, "only the stopped stage runs: " + again.out());
        assertEquals(lines.size(), Files.readAllLines(tsv).size());
        assertEquals(before, numbers(tmp.resolve("results").resolve("results.json")), "the same certificates");
    }

    @Test
    void aStoppedTrainingStageContinuesItsRun() throws IOException {
        assertEquals(0, reproduce().code());
        Path runs = tmp.resolve("runs");
        List<Map<String, Object>> before = numbers(tmp.resolve("results").resolve("results.json"));
        // as if the process had died inside the fine-tuning: its run directory is there, the stage not finished
        // (the saved config.yaml lists its keys in the order the trainer read them, not in the study file's)
        Path state = runs.resolve("reproduce.json");
        Files.writeString(state, Files.readString(state).replaceFirst(
                "(\"rrcm-sigma0\\.5\": \\{\\s*\"seconds\": [0-9.Ee-]+,\\s*\"finished\": )true", "$1false"));
        TrainCliTest.Run again = reproduce();
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("== stage 13/19 rrcm-sigma0.5") && again.out().contains(", continuing"), again.out());
        assertTrue(again.out().contains("resuming run " + runs.resolve("rrcm-sigma0.5")), again.out());
        assertEquals(1, again.out().split("== stage ", -1).length - 1, "only the stopped stage runs: " + again.out());
        assertEquals(before, numbers(tmp.resolve("results").resolve("results.json")), "the same model and certificates");

        // a stage's directory made with other settings is refused, not continued
        Path config = runs.resolve("rrcm-sigma0.5").resolve("config.yaml");
        String yaml = Files.readString(config);
        assertTrue(yaml.contains("lambda: 20.0"), yaml);
        Files.writeString(config, yaml.replace("lambda: 20.0", "lambda: 21.0"));
        Files.writeString(state, Files.readString(state).replaceFirst(
                "(\"rrcm-sigma0\\.5\": \\{\\s*\"seconds\": [0-9.Ee-]+,\\s*\"finished\": )true", "$1false"));
        TrainCliTest.Run other = reproduce();
        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("holds a run with another configuration than this stage's"), other.err());
    }

    /** The rows of a report without their times. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> numbers(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : (List<Object>) json(file).get("rows")) {
            Map<String, Object> r = new java.util.TreeMap<>((Map<String, Object>) o);
            r.keySet().removeIf(k -> k.endsWith("seconds") || k.endsWith("seconds_per_image"));
            out.add(r);
        }
        return out;
    }

    /** The ablations: three pre-trainings, five rows at sigma 0.25, judged on held-out training images only. */
    @Test
    @SuppressWarnings("unchecked")
    void theAblationsRunOnValidationImages() throws IOException {
        List<String> args = List.of("reproduce", "fashion-mnist-ablations", "--quick", "--runs", tmp.resolve("ab").toString(),
                "--out", tmp.resolve("ab-results").toString());
        TrainCliTest.Run r = TrainCliTest.run(args);
        assertEquals(0, r.code(), r.out() + r.err());
        Map<String, Object> report = json(tmp.resolve("ab-results").resolve("results.json"));
        assertEquals("validation", report.get("split"));
        List<Object> rows = (List<Object>) report.get("rows");
        assertEquals(List.of("rrcm", "rrcm-linear-probe", "rrcm-no-consistency", "rrcm-fixed-time", "no-pretraining"),
                rows.stream().map(o -> ((Map<String, Object>) o).get("method")).toList());
        for (String stage : List.of("pretrain", "pretrain-no-consistency", "pretrain-fixed-time")) {
            assertTrue(Files.exists(tmp.resolve("ab").resolve(stage).resolve("pretrain/model.safetensors")), stage);
        }
        String config = Files.readString(tmp.resolve("ab").resolve("rrcm-fixed-time-sigma0.25").resolve("config.yaml"));
        assertTrue(config.contains("fixed_time: 0.4927"), config);
        assertTrue(Files.readString(tmp.resolve("ab-results").resolve("results.md")).contains("| rRCM, linear probe |"));

        TrainCliTest.Run onTest = TrainCliTest.run(List.of("reproduce", "fashion-mnist-ablations", "--quick", "--split", "test",
                "--runs", tmp.resolve("ab2").toString()));
        assertNotEquals(0, onTest.code());
        assertTrue(onTest.err().contains("runs on validation images only"), onTest.err());
    }

    @Test
    void badInputsEndWithAMessage() {
        TrainCliTest.Run unknown = TrainCliTest.run(List.of("reproduce", "cifar100"));
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("no study named 'cifar100'"), unknown.err());

        TrainCliTest.Run planned = reproduce("finetune.sigma=0.3");
        assertNotEquals(0, planned.code());
        assertTrue(planned.err().contains("finetune.sigma is set by the reproduction"), planned.err());

        TrainCliTest.Run split = reproduce("--split", "train");
        assertNotEquals(0, split.code());
        assertTrue(split.err().contains("--split must be test or validation"), split.err());

        // the full study on a machine without the data set: the command that installs it
        TrainCliTest.Run missing = TrainCliTest.run(List.of("reproduce", "fashion-mnist", "--data-dir", tmp.resolve("none").toString(),
                "--runs", tmp.resolve("r").toString()));
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("sudo apt-get install dataset-fashion-mnist"), missing.err());
        assertFalse(Files.exists(tmp.resolve("r")), "nothing is written before the data is found");
    }

    @Test
    void aRunDirectoryIsContinuedOnlyWithTheSettingsThatMadeIt() {
        assertEquals(0, reproduce("--plan").code());
        TrainCliTest.Run other = reproduce("pretrain.steps=7", "--plan");
        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("holds a reproduction made with other settings"), other.err());
    }
}
