package rrcm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rrcm.io.JsonLines;
import rrcm.io.Safetensors;
import rrcm.io.SafetensorsFile;

/** train and finetune as a user runs them: outputs, exact resume, and every bad input ending cleanly. */
class TrainCliTest {
    /** A model and schedule small enough for CI, on the embedded subset. */
    static final List<String> TINY = List.of("model.patch_size=4", "model.dim=32", "model.depth=1", "model.heads=2", "pretrain.batch_size=32",
            "pretrain.steps=6", "pretrain.warmup_steps=2", "pretrain.projector_hidden=64", "pretrain.projector_out=32",
            "finetune.batch_size=100", "finetune.epochs=1", "eval.max_images=100", "run.log_every=1", "run.workers=2");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(List<String> args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args.toArray(new String[0]));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static List<String> args(String... head) {
        return List.of(head);
    }

    /** More overrides on top of a list of them. */
    static List<String> plus(List<String> overrides, String... more) {
        List<String> b = new ArrayList<>(overrides);
        b.addAll(List.of(more));
        return b;
    }

    /** A command line: the subcommand, the base overrides, then the rest (whose overrides win). */
    static List<String> cmd(List<String> overrides, String... command) {
        List<String> b = new ArrayList<>();
        b.add(command[0]);
        b.addAll(overrides);
        b.addAll(List.of(command).subList(1, command.length));
        return b;
    }

    private static List<Object> losses(Path dir, String stage) {
        List<Object> out = new ArrayList<>();
        for (Map<String, Object> line : JsonLines.read(dir.resolve("metrics.jsonl"))) {
            if (stage.equals(line.get("stage"))) out.add(line.get("step") + ":" + line.get("loss"));
        }
        return out;
    }

    @Test
    void theShortQuickstartPreTrainsFineTunesAndReportsAccuracy() throws IOException {
        Path dir = tmp.resolve("quick");
        Run r = run(cmd(TINY, "train", "--run-dir", dir.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy on 100 images"), r.out());
        for (String f : List.of("config.yaml", "metrics.jsonl", "summary.json", "pretrain/model.safetensors",
                "pretrain/state.safetensors", "finetune/model.safetensors", "finetune/state.safetensors")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        SafetensorsFile model = Safetensors.read(dir.resolve("finetune/model.safetensors"));
        assertEquals("pt", model.metadata().get("format"));
        assertArrayEquals(new int[] {10, 32}, model.tensor("head.weight").shape());
        assertArrayEquals(new int[] {32, 1, 4, 4}, model.tensor("patch_embed.proj.weight").shape());
        assertTrue(model.tensors().containsKey("blocks.0.attn.qkv.weight"));
        assertTrue(Safetensors.read(dir.resolve("pretrain/model.safetensors")).tensors()
                .containsKey("projector.1.num_batches_tracked"));
        assertEquals(6, losses(dir, "pretrain").size());
        String config = Files.readString(dir.resolve("config.yaml"));
        assertTrue(config.contains("dim: 32") && config.contains("sigma: 0.25"), config);
    }

    @Test
    void aValidationSplitJudgesTheRunAndLeavesTheTestImagesUnseen() throws IOException {
        Path dir = tmp.resolve("validated");
        Run r = run(cmd(plus(TINY, "run.stages=finetune", "data.validation=150"), "train", "--run-dir", dir.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("validation accuracy on 100 images of embedded fashion-mnist"), r.out());
        String summary = Files.readString(dir.resolve("summary.json"));
        assertTrue(summary.contains("\"split\": \"validation\"") || summary.contains("\"split\":\"validation\""), summary);
        assertTrue(summary.contains("validation_images") && summary.contains("150"), summary);
        Run bad = run(cmd(plus(TINY, "run.stages=finetune", "data.validation=99999"), "train", "--run-dir",
                tmp.resolve("bad").toString()));
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("data.validation must be between 0 and"), bad.err());
    }

    @Test
    void aPreTrainingStoppedAndResumedRepeatsTheUninterruptedRunExactly() throws IOException {
        List<String> cfg = plus(TINY, "run.stages=pretrain", "run.checkpoint_every=4");
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, run(cmd(cfg, "train", "--run-dir", whole.toString())).code());
        Run first = run(cmd(cfg, "train", "--run-dir", parts.toString(), "--stop-at-step", "3"));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("stopped at step 3"), first.out());
        Run second = run(args("train", "--run-dir", parts.toString(), "--resume"));
        assertEquals(0, second.code(), second.err());
        assertEquals(losses(whole, "pretrain"), losses(parts, "pretrain"));
        assertArrayEquals(Files.readAllBytes(whole.resolve("pretrain/model.safetensors")),
                Files.readAllBytes(parts.resolve("pretrain/model.safetensors")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("pretrain/state.safetensors")),
                Files.readAllBytes(parts.resolve("pretrain/state.safetensors")));
    }

    @Test
    void aDenoiserTrainingStoppedAndResumedRepeatsTheUninterruptedRunExactly() throws IOException {
        List<String> cfg = plus(TINY, "run.stages=denoise", "denoise.steps=9", "denoise.batch_size=32", "run.checkpoint_every=4",
                "run.log_every=1", "eval.max_images=50");
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, run(cmd(cfg, "train", "--run-dir", whole.toString())).code());
        Run first = run(cmd(cfg, "train", "--run-dir", parts.toString(), "--stop-at-step", "6"));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("denoise: stopped at step 6"), first.out());
        Run second = run(args("train", "--run-dir", parts.toString(), "--resume"));
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("denoise: resuming at step 6 of 9"), second.out());
        assertEquals(losses(whole, "denoise"), losses(parts, "denoise"));
        assertEquals(9, losses(parts, "denoise").size());
        assertArrayEquals(Files.readAllBytes(whole.resolve("denoise/model.safetensors")),
                Files.readAllBytes(parts.resolve("denoise/model.safetensors")));
        assertArrayEquals(Files.readAllBytes(whole.resolve("denoise/state.safetensors")),
                Files.readAllBytes(parts.resolve("denoise/state.safetensors")));
        assertEquals(Files.readString(whole.resolve("summary.json")).replace(whole.toString(), ""),
                Files.readString(parts.resolve("summary.json")).replace(parts.toString(), ""));
    }

    @Test
    void aFineTuningStoppedMidEpochAndResumedRepeatsTheUninterruptedRunExactly() throws IOException {
        List<String> cfg = plus(TINY, "run.stages=finetune", "finetune.method=consistency", "finetune.epochs=2",
                "finetune.batch_size=200", "run.log_every=1");
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, run(cmd(cfg, "train", "--run-dir", whole.toString())).code());
        assertEquals(0, run(cmd(cfg, "train", "--run-dir", parts.toString(), "--stop-at-step", "13")).code());
        Run resumed = run(args("train", "--run-dir", parts.toString(), "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(losses(whole, "finetune"), losses(parts, "finetune"));
        assertEquals(losses(whole, "eval"), losses(parts, "eval"));
        assertEquals(JsonLines.read(whole.resolve("metrics.jsonl")).getLast(), JsonLines.read(parts.resolve("metrics.jsonl")).getLast());
    }

    @Test
    void finetuneStartsFromAPreTrainingCheckpoint() {
        Path pre = tmp.resolve("pre"), fine = tmp.resolve("fine");
        assertEquals(0, run(cmd(TINY, "train", "run.stages=pretrain", "--run-dir", pre.toString())).code());
        Run r = run(cmd(TINY, "finetune", "--from", pre.resolve("pretrain/model.safetensors").toString(),
                "--run-dir", fine.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("encoder from"), r.out());
        assertTrue(Files.exists(fine.resolve("finetune/model.safetensors")));
        assertFalse(Files.exists(fine.resolve("pretrain")));
    }

    /**
     * A fine-tuning from a pre-trained encoder that stopped before its first checkpoint (killed in its first
     * epoch) resumes from that encoder, not from a random one: the configuration keeps the encoder's path.
     */
    @Test
    void aFineTuningStoppedBeforeItsFirstCheckpointResumesFromTheSameEncoder() throws IOException {
        Path pre = tmp.resolve("pre"), whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, run(cmd(TINY, "train", "run.stages=pretrain", "--run-dir", pre.toString())).code());
        String encoder = pre.resolve("pretrain/model.safetensors").toString();
        assertEquals(0, run(cmd(TINY, "finetune", "--from", encoder, "--run-dir", whole.toString())).code());
        assertEquals(0, run(cmd(TINY, "finetune", "--from", encoder, "--run-dir", parts.toString(), "--stop-at-step", "2")).code());
        // as if the process had been killed before it wrote a checkpoint
        Files.delete(parts.resolve("finetune/model.safetensors"));
        Files.delete(parts.resolve("finetune/state.safetensors"));
        Files.delete(parts.resolve("metrics.jsonl"));
        Run resumed = run(args("train", "--run-dir", parts.toString(), "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("encoder from " + pre.resolve("pretrain/model.safetensors").toAbsolutePath()), resumed.out());
        assertArrayEquals(Files.readAllBytes(whole.resolve("finetune/model.safetensors")),
                Files.readAllBytes(parts.resolve("finetune/model.safetensors")));
    }

    private void assertFails(Run r, String... parts) {
        assertNotEquals(0, r.code(), "should fail: " + r.out());
        for (String p : parts) assertTrue(r.err().contains(p), "error should mention '" + p + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for a user error: " + r.err());
    }

    @Test
    void configurationErrorsNameTheKey() {
        assertFails(run(cmd(TINY, "train", "--run-dir", tmp.resolve("a").toString(), "model.dimm=3")), "model.dimm");
        assertFails(run(cmd(TINY, "train", "--run-dir", tmp.resolve("b").toString(), "finetune.sigma=-1")), "finetune.sigma");
        assertFails(run(cmd(TINY, "train", "--run-dir", tmp.resolve("c").toString(), "pretrain.steps=many")), "pretrain.steps");
        assertFails(run(args("train", "-c", tmp.resolve("missing.yaml").toString())), "missing.yaml");
        assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")) || Files.exists(tmp.resolve("c")),
                "a rejected configuration creates no run directory");
    }

    @Test
    void anExistingRunIsNeverOverwritten() throws IOException {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(cmd(TINY, "train", "run.stages=pretrain", "pretrain.steps=2", "--run-dir", dir.toString())).code());
        byte[] model = Files.readAllBytes(dir.resolve("pretrain/model.safetensors"));
        assertFails(run(cmd(TINY, "train", "--run-dir", dir.toString())), "already holds a run", "--resume");
        assertArrayEquals(model, Files.readAllBytes(dir.resolve("pretrain/model.safetensors")));
        assertFails(run(args("train", "--run-dir", tmp.resolve("nothing").toString(), "--resume")), "no run to resume");
        assertFails(run(args("train", "--run-dir", dir.toString(), "--resume", "pretrain.steps=9")), "saved configuration");
    }

    @Test
    void badCheckpointsAreNamed() throws IOException {
        Path garbage = tmp.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a checkpoint at all");
        assertFails(run(cmd(TINY, "finetune", "--from", garbage.toString(), "--run-dir", tmp.resolve("g").toString())),
                "garbage.safetensors");
        assertFails(run(cmd(TINY, "finetune", "--from", tmp.resolve("none.safetensors").toString())), "none.safetensors");
        Path pre = tmp.resolve("pre");
        assertEquals(0, run(cmd(TINY, "train", "run.stages=pretrain", "pretrain.steps=2", "--run-dir", pre.toString())).code());
        assertFails(run(cmd(TINY, "finetune", "--from", pre.resolve("pretrain/model.safetensors").toString(),
                "--run-dir", tmp.resolve("other").toString(), "model.dim=64")), "another model");
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndKeepsItsLastCheckpoint() {
        Path dir = tmp.resolve("nan");
        Run r = run(cmd(TINY, "train", "run.stages=pretrain", "pretrain.lr=1e30", "pretrain.warmup_steps=0",
                "pretrain.clip_norm=0", "run.checkpoint_every=1", "--run-dir", dir.toString()));
        assertFails(r, "pretrain step", "intact");
        SafetensorsFile last = Safetensors.read(dir.resolve("pretrain/model.safetensors"));
        for (var t : last.tensors().values()) {
            if (t.dtype() == rrcm.io.ElementType.F32) for (float v : t.floats()) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void finetuneNeedsItsCheckpointOption() {
        Run r = run(args("finetune"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("--from"), r.err());
    }

}
