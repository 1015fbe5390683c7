package rrcm.certify;

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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rrcm.cli.Main;

/**
 * certify, predict, merge and plot as a user runs them, on a tiny model trained through the CLI: the
 * files, shards merged into the single run, resume, reproducibility, and every bad input ending with one
 * sentence and nothing written.
 */
class CertifyCliTest {
    /** A model small enough for CI, on the embedded subset (as the training CLI tests train it). */
    static final List<String> TINY = List.of("model.dim=32", "model.depth=1", "model.heads=2", "pretrain.batch_size=32",
            "pretrain.steps=6", "pretrain.warmup_steps=2", "pretrain.projector_hidden=64", "pretrain.projector_out=32",
            "finetune.batch_size=100", "finetune.epochs=1", "eval.max_images=100", "run.workers=2");
    static final List<String> SMALL = List.of("--n0", "10", "-N", "100", "--batch", "64");

    @TempDir
    static Path shared;
    static Path runDir;

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

    static List<String> args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** certify on the tiny run with small N (unless the arguments give their own), the arguments after. */
    static Run certify(String... more) {
        List<String> all = new ArrayList<>(List.of("certify", "--run-dir", runDir.toString()));
        for (int i = 0; i < SMALL.size(); i += 2) {
            if (!List.of(more).contains(SMALL.get(i))) all.addAll(SMALL.subList(i, i + 2));
        }
        all.addAll(List.of(more));
        return run(all);
    }

    @BeforeAll
    static void trainATinyModel() {
        runDir = shared.resolve("tiny");
        Run r = run(args(List.of("train", "--run-dir", runDir.toString()), TINY.toArray(new String[0])));
        assertEquals(0, r.code(), r.err());
    }

    static List<String> lines(Path f) throws IOException {
        return Files.readAllLines(f);
    }

    /** The lines with the time column blanked: what must repeat exactly. */
    static List<String> withoutTime(Path tsv) throws IOException {
        List<String> all = lines(tsv), out = new ArrayList<>();
        int time = List.of(all.getFirst().split("\t")).indexOf("time");
        for (String line : all) {
            String[] cells = line.split("\t", -1);
            if (out.size() > 0) cells[time] = "";
            out.add(String.join("\t", cells));
        }
        return out;
    }

    @Test
    void certifyWritesTheTsvTheSummaryAndThePlot() throws IOException {
        Run r = certify("--max", "6");
        assertEquals(0, r.code(), r.err());
        Path dir = runDir.resolve("certify-sigma0.25");
        List<String> tsv = lines(dir.resolve("certify.tsv"));
        assertEquals("idx\tlabel\tpredict\tradius\tcorrect\ttime\tn0\tnA\tN\tpA", tsv.getFirst());
        assertEquals(7, tsv.size());
        for (String line : tsv.subList(1, tsv.size())) {
            String[] c = line.split("\t");
            assertEquals(10, c.length, line);
            assertEquals("10", c[6]);
            assertEquals("100", c[8]);
            // anyone can recompute the radius from nA, N, alpha and sigma
            int predict = Integer.parseInt(c[2]);
            Certificate again = Certificate.decide(predict == -1 ? 0 : predict, Long.parseLong(c[7]), 100, 0.001, 0.25);
            assertEquals(Formats.radius(again.radius()), c[3], line);
            assertEquals(again.abstained(), predict == -1, line);
            assertEquals(Formats.lowerBound(again.pA()), c[9], line);
            assertEquals(c[1].equals(c[2]) ? "1" : "0", c[4]);
        }
        assertTrue(r.out().contains("certified accuracy on 6 images"), r.out());
        assertTrue(r.out().contains("ACR"), r.out());
        assertTrue(r.err().contains("certify [") && r.err().contains("6/6"), "a progress bar: " + r.err());
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("| certified accuracy (%) |"));
        assertTrue(Files.readString(dir.resolve("summary.json")).contains("\"samples_per_second\""));
        byte[] png = Files.readAllBytes(dir.resolve("certified-accuracy.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        SmoothingParams p = SmoothingParams.read(dir);
        assertEquals(0.25, p.sigma());
        assertEquals(500, p.dataSize());
        assertEquals(1, p.skip()); // 500 test images: every image is one of Cohen's 500
        assertEquals(6, p.images());
    }

    @Test
    void theSameRunTwiceGivesTheSameCounts() throws IOException {
        assertEquals(0, certify("--max", "4", "--out", tmp.resolve("a").toString()).code());
        assertEquals(0, certify("--max", "4", "--batch", "30", "--out", tmp.resolve("b").toString()).code());
        assertEquals(withoutTime(tmp.resolve("a/certify.tsv")), withoutTime(tmp.resolve("b/certify.tsv")));
        // (that another seed draws other noise is SmoothedClassifierTest's: this tiny model votes almost constantly)
    }

    @Test
    void shardsMergeIntoTheSingleRun() throws IOException {
        assertEquals(0, certify("--max", "7", "--skip", "3", "--out", tmp.resolve("one").toString()).code());
        Path merged = tmp.resolve("sharded");
        for (int i = 0; i < 2; i++) {
            Run r = certify("--max", "7", "--skip", "3", "--shard", i + "/2", "--out", merged.resolve("part" + i).toString());
            assertEquals(0, r.code(), r.err());
        }
        assertEquals(5, lines(merged.resolve("part0/certify.tsv")).size()); // positions 0, 2, 4, 6 of 7
        assertEquals(4, lines(merged.resolve("part1/certify.tsv")).size());
        assertFails(run(List.of("merge", merged.resolve("part0").toString())), "shard 1/2 is missing");
        assertFails(run(List.of("merge", merged.resolve("part0").toString(), merged.resolve("part0").toString())), "named twice");
        assertFalse(Files.exists(merged.resolve("certify.tsv")));

        Run m = run(List.of("merge", merged.resolve("part1").toString(), merged.resolve("part0/certify.tsv").toString()));
        assertEquals(0, m.code(), m.err());
        assertEquals(withoutTime(tmp.resolve("one/certify.tsv")), withoutTime(merged.resolve("certify.tsv")));
        assertTrue(lines(merged.resolve("certify.tsv")).get(2).startsWith("3\t"));
        assertEquals(Shard.ALL, SmoothingParams.read(merged).shard());
        assertTrue(Files.exists(merged.resolve("summary.md")) && Files.exists(merged.resolve("certified-accuracy.png")));
        assertTrue(m.out().contains("certified accuracy on 7 images"), m.out());
        assertFails(run(List.of("merge", merged.resolve("part1").toString(), merged.resolve("part0").toString())), "already exists");
    }

    /**
     * Two processes started as a Slurm job array would start them (--shard auto reads the array's variables),
     * merged: the same file as one process.
     */
    @Test
    void aSlurmJobArrayCertifiesInShardsThatMergeIntoTheSingleRun() throws Exception {
        assertEquals(0, certify("--max", "5", "--skip", "4", "--out", tmp.resolve("single").toString()).code());
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path array = tmp.resolve("array");
        for (int task = 7; task <= 8; task++) {
            List<String> cmd = new ArrayList<>(List.of(jvm, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), rrcm.cli.Main.class.getName(), "certify", "--run-dir", runDir.toString()));
            cmd.addAll(SMALL);
            cmd.addAll(List.of("--max", "5", "--skip", "4", "--shard", "auto", "--out", array.resolve("task" + task).toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(java.util.Map.of("SLURM_ARRAY_TASK_ID", String.valueOf(task), "SLURM_ARRAY_TASK_MIN", "7",
                    "SLURM_ARRAY_TASK_COUNT", "2"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("shard " + (task - 7) + "/2 from the Slurm job array"), out);
        }
        Run m = run(List.of("merge", array.resolve("task7").toString(), array.resolve("task8").toString()));
        assertEquals(0, m.code(), m.err());
        assertEquals(withoutTime(tmp.resolve("single/certify.tsv")), withoutTime(array.resolve("certify.tsv")));
    }

    /** A copy of a shard's result directory with one cell of one row (line 2 and on) changed. */
    private Path edited(Path shard, String name, int line, String column, String value) throws IOException {
        Path copy = tmp.resolve("edited").resolve(name);
        Files.createDirectories(copy);
        Files.copy(shard.resolve("params.json"), copy.resolve("params.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> all = new ArrayList<>(lines(shard.resolve("certify.tsv")));
        int c = List.of(all.getFirst().split("\t")).indexOf(column);
        String[] cells = all.get(line - 1).split("\t", -1);
        cells[c] = value;
        all.set(line - 1, String.join("\t", cells));
        Files.write(copy.resolve("certify.tsv"), all);
        return copy;
    }

    /** merge and --resume check each row against its shard and recompute pA, the radius and the verdict from nA. */
    @Test
    void mergeAndResumeCheckEveryRow() throws IOException {
        Path shards = tmp.resolve("checked");
        for (int i = 0; i < 2; i++) {
            assertEquals(0, certify("--max", "7", "--skip", "3", "--shard", i + "/2", "--out", shards.resolve("p" + i).toString()).code());
        }
        Path p0 = shards.resolve("p0"), p1 = shards.resolve("p1");
        String[] row = lines(p0.resolve("certify.tsv")).get(1).split("\t");
        String other = lines(p1.resolve("certify.tsv")).get(1).split("\t")[0];
        long nA = Long.parseLong(row[7]);
        assertFails(run(List.of("merge", edited(p0, "idx", 2, "idx", other).toString(), p1.toString(), "--out", tmp.resolve("m1").toString())),
                "certify.tsv:2", "(idx) is not one of the images of shard 0/2");
        assertFails(run(List.of("merge", edited(p0, "pA", 2, "pA", "0.1234567").toString(), p1.toString(), "--out", tmp.resolve("m2").toString())),
                "certify.tsv:2", "pA is 0.1234567");
        assertFails(run(List.of("merge", edited(p0, "nA", 2, "nA", String.valueOf(nA > 10 ? nA - 10 : nA + 10)).toString(), p1.toString(),
                "--out", tmp.resolve("m3").toString())), "certify.tsv:2", "pA is");
        assertFails(run(List.of("merge", edited(p0, "radius", 2, "radius", "9.99").toString(), p1.toString(), "--out", tmp.resolve("m4").toString())),
                "certify.tsv:2", "radius is 9.99");
        assertFails(run(List.of("merge", edited(p0, "N", 2, "N", "150").toString(), p1.toString(), "--out", tmp.resolve("m5").toString())),
                "certify.tsv:2", "N is 150");
        assertFails(run(List.of("merge", edited(p0, "correct", 2, "correct", row[4].equals("1") ? "0" : "1").toString(), p1.toString(),
                "--out", tmp.resolve("m6").toString())), "certify.tsv:2", "correct is");
        assertFalse(Files.exists(tmp.resolve("m1")) || Files.exists(tmp.resolve("m6")), "a refused merge writes nothing");
        assertEquals(0, run(List.of("merge", p0.toString(), p1.toString(), "--out", tmp.resolve("m0").toString())).code());

        // --resume trusts the rows it keeps no more than merge does
        Path resumed = edited(p0, "resume", 3, "pA", "0.5");
        assertFails(certify("--max", "7", "--skip", "3", "--shard", "0/2", "--out", resumed.toString(), "--resume"), "certify.tsv:3", "pA is 0.5");

        // the rows of the sequential rule stop at its looks, each with its share of alpha; the merged summary
        // reports the radii the run stopped on, and says where its radii come from
        Path seq = tmp.resolve("seq-shards");
        for (int i = 0; i < 2; i++) {
            assertEquals(0, certify("--max", "3", "-N", "1600", "--sequential", "--radii", "0,0.5", "--shard", i + "/2", "--out",
                    seq.resolve("s" + i).toString()).code());
        }
        Run m = run(List.of("merge", seq.resolve("s0").toString(), seq.resolve("s1").toString()));
        assertEquals(0, m.code(), m.err());
        String summary = Files.readString(seq.resolve("summary.json"));
        assertTrue(summary.replaceAll("\\s", "").contains("\"radii\":[0.0,0.5]"), summary);
        assertTrue(summary.contains("not comparable with fixed-N numbers"), summary);
        assertTrue(m.out().contains("not comparable with fixed-N numbers"), m.out());
    }

    @Test
    void anInterruptedRunResumesWhereItStopped() throws IOException {
        Path whole = tmp.resolve("whole"), parts = tmp.resolve("parts");
        assertEquals(0, certify("--max", "6", "--out", whole.toString()).code());
        assertEquals(0, certify("--max", "6", "--out", parts.toString()).code());
        // as if killed while writing the fourth image: three complete rows and a torn one
        List<String> done = lines(parts.resolve("certify.tsv")).subList(0, 4);
        Files.writeString(parts.resolve("certify.tsv"), String.join("\n", done) + "\n3\t1\t5\t0.3");
        byte[] partial = Files.readAllBytes(parts.resolve("certify.tsv"));

        assertFails(certify("--max", "6", "--out", parts.toString()), "already exists", "--resume");
        assertArrayEquals(partial, Files.readAllBytes(parts.resolve("certify.tsv")));
        assertFails(certify("--max", "6", "--alpha", "0.01", "--out", parts.toString(), "--resume"), "other settings");
        assertArrayEquals(partial, Files.readAllBytes(parts.resolve("certify.tsv")));

        Run r = certify("--max", "6", "--out", parts.toString(), "--resume");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("certify 3 images") && r.out().contains("3 done before"), r.out());
        assertEquals(withoutTime(whole.resolve("certify.tsv")), withoutTime(parts.resolve("certify.tsv")));
        // nothing left: resuming again only rewrites the summary
        Run again = certify("--max", "6", "--out", parts.toString(), "--resume");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("certify 0 images"), again.out());
        assertEquals(withoutTime(whole.resolve("certify.tsv")), withoutTime(parts.resolve("certify.tsv")));
    }

    @Test
    void predictWritesItsTsvAndSummary() throws IOException {
        Path out = tmp.resolve("predict");
        Run r = run(List.of("predict", "--run-dir", runDir.toString(), "-N", "100", "--max", "5", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> tsv = lines(out.resolve("predict.tsv"));
        assertEquals("idx\tlabel\tpredict\tcorrect\ttime\tN\tc1\tc2\tpvalue", tsv.getFirst());
        assertEquals(6, tsv.size());
        for (String line : tsv.subList(1, tsv.size())) {
            String[] c = line.split("\t");
            long c1 = Long.parseLong(c[6]), c2 = Long.parseLong(c[7]);
            assertTrue(c1 >= c2 && c1 + c2 <= 100, line);
            assertEquals(BinomialTest.twoSidedHalf(c1, c2) > 0.001, c[2].equals("-1"), line);
        }
        assertTrue(r.out().contains("smoothed accuracy on 5 images"), r.out());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("PREDICT"));
        assertFalse(Files.exists(out.resolve("certified-accuracy.png")));

        // shards of predict merge too
        Path sharded = tmp.resolve("predict-shards");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, run(List.of("predict", "--run-dir", runDir.toString(), "-N", "100", "--max", "5", "--shard", i + "/3",
                    "--out", sharded.resolve("s" + i).toString())).code());
        }
        Run m = run(List.of("merge", sharded.resolve("s0").toString(), sharded.resolve("s1").toString(), sharded.resolve("s2").toString()));
        assertEquals(0, m.code(), m.err());
        assertEquals(withoutTime(out.resolve("predict.tsv")), withoutTime(sharded.resolve("predict.tsv")));
    }

    @Test
    void anotherSigmaConditionsOnItsOwnTime() throws IOException {
        Run r = certify("--max", "1", "--sigma", "0.5");
        assertEquals(0, r.code(), r.err());
        SmoothingParams p = SmoothingParams.read(runDir.resolve("certify-sigma0.5"));
        assertEquals(0.5, p.sigma());
        assertEquals(0.965417, p.time(), 1e-6); // docs/method.md 2.4: grid index 48
    }

    @Test
    void theSequentialModeStopsEarlyAndSaysWhatItSaved() throws IOException {
        Path out = tmp.resolve("seq");
        Run r = certify("--max", "3", "-N", "1600", "--sequential", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String line : lines(out.resolve("certify.tsv")).subList(1, 4)) {
            long n = Long.parseLong(line.split("\t")[8]);
            assertTrue(n == 100 || n == 400 || n == 1600, line); // the looks at N/16, N/4, N
        }
        assertTrue(r.out().contains("estimation draws") && r.out().contains("saved"), r.out());
        assertEquals(List.of(0.0, 0.25, 0.5, 0.75, 1.0), SmoothingParams.read(out).sequentialRadii());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("looks after 100, 400, 1,600"));
    }

    @Test
    void plotOverlaysSeveralResults() throws IOException {
        assertEquals(0, certify("--max", "3", "--out", tmp.resolve("r1").toString()).code());
        Path cohen = tmp.resolve("cohen.tsv");
        Files.writeString(cohen, "idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t3\t3\t0.52\t1\t0:00:01.5\n20\t8\t-1\t0.0\t0\t0:00:01.4\n");
        Path png = tmp.resolve("both.png");
        Run r = run(List.of("plot", "--out", png.toString(), tmp.resolve("r1").toString(), cohen.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(png) > 1000);
        assertFails(run(List.of("plot", "--out", tmp.resolve("x.png").toString(), "--label", "one", tmp.resolve("r1").toString(),
                cohen.toString())), "1 labels for 2");
        assertFails(run(List.of("plot", "--out", tmp.resolve("y.png").toString(), tmp.resolve("nothing.tsv").toString())), "nothing.tsv");
    }

    static void assertFails(Run r, String... parts) {
        assertNotEquals(0, r.code(), "should fail: " + r.out());
        for (String p : parts) assertTrue(r.err().contains(p), "error should mention '" + p + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for a user error: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one sentence: " + r.err());
    }

    @Test
    void badInputEndsWithOneSentenceAndWritesNothing() throws IOException {
        String[][] cases = {
            {"--sigma", "0"}, {"--sigma"}, {"--sigma", "-1"}, {"--sigma"}, {"-N", "0"}, {"-N"}, {"--n0", "0"}, {"--n0"},
            {"--alpha", "0"}, {"--alpha"}, {"--alpha", "1"}, {"--alpha"}, {"--alpha", "1.5"}, {"--alpha"},
            {"--shard", "2/2"}, {"shard 2/2"}, {"--shard", "a/b"}, {"--shard"}, {"--shard", "1"}, {"--shard"},
            {"--skip", "0"}, {"--skip"}, {"--max", "-1"}, {"--max"}, {"--batch", "0"}, {"--batch"},
            {"--radii", "0.5,0.25"}, {"--radii"}, {"--split", "train"}, {"--split"},
            {"--split", "validation"}, {"data.validation is 0"}, // the tiny run held nothing out
        };
        for (int i = 0; i < cases.length; i += 2) {
            Path out = tmp.resolve("bad" + i);
            assertFails(certify(args(List.of(cases[i]), "--out", out.toString()).toArray(new String[0])), cases[i + 1]);
            assertFalse(Files.exists(out), "nothing written for " + List.of(cases[i]));
        }
        Path out = tmp.resolve("bad-predict");
        assertFails(run(List.of("predict", "--run-dir", runDir.toString(), "-N", "0", "--out", out.toString())), "-N");
        Run sequential = run(List.of("predict", "--run-dir", runDir.toString(), "--sequential"));
        assertNotEquals(0, sequential.code());
        assertTrue(sequential.err().contains("--sequential"), sequential.err());
        assertFalse(Files.exists(out));
    }

    /** A run with a validation split certifies its held-out images apart from the test images. */
    @Test
    void theValidationSplitIsCertifiedApartFromTheTestImages() throws IOException {
        Path validated = shared.resolve("validated");
        Run t = run(args(List.of("train", "--run-dir", validated.toString()),
                args(TINY, "run.stages=finetune", "data.validation=150").toArray(new String[0])));
        assertEquals(0, t.code(), t.err());
        Run r = run(List.of("certify", "--run-dir", validated.toString(), "--split", "validation", "--max", "3",
                "-N", "100", "--n0", "10"));
        assertEquals(0, r.code(), r.err());
        Path dir = validated.resolve("certify-sigma0.25-validation");
        SmoothingParams p = SmoothingParams.read(dir);
        assertEquals(SmoothingParams.VALIDATION, p.split());
        assertEquals(150, p.dataSize());
        assertEquals(4, lines(dir.resolve("certify.tsv")).size());
        assertTrue(Files.readString(dir.resolve("summary.md")).contains("150 validation (held out of the training set) images"));
        assertFalse(Files.exists(validated.resolve("certify-sigma0.25")), "the test images stay unseen");
    }

    @Test
    void aMissingOrForeignModelIsNamed() throws IOException {
        Path out = tmp.resolve("never");
        assertFails(run(List.of("certify", "--run-dir", tmp.resolve("nothing").toString(), "--out", out.toString())),
                "nothing", "no such run directory");

        Path noModel = tmp.resolve("untrained");
        Files.createDirectories(noModel);
        Files.copy(runDir.resolve("config.yaml"), noModel.resolve("config.yaml"));
        assertFails(run(List.of("certify", "--run-dir", noModel.toString(), "--out", out.toString())), "no fine-tuned model");

        Path notARun = tmp.resolve("not-a-run");
        Files.createDirectories(notARun);
        assertFails(run(List.of("certify", "--run-dir", notARun.toString(), "--out", out.toString())), "not a run directory");

        // the configuration says dim 64, the checkpoint holds a dim-32 model
        Path other = tmp.resolve("other-shape");
        Files.createDirectories(other.resolve("finetune"));
        Files.writeString(other.resolve("config.yaml"), Files.readString(runDir.resolve("config.yaml")).replace("dim: 32", "dim: 64"));
        Files.copy(runDir.resolve("finetune/model.safetensors"), other.resolve("finetune/model.safetensors"));
        assertFails(run(List.of("certify", "--run-dir", other.toString(), "--out", out.toString())), "model.safetensors");
        assertFalse(Files.exists(out));
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("certify", "predict", "merge", "plot")) {
            Run r = run(List.of(command, "--help"));
            assertEquals(0, r.code(), command);
            assertTrue(r.out().contains("Usage: rrcm-engine " + command), r.out());
        }
        assertTrue(run(List.of("certify", "--help")).out().contains("--sequential"));
    }
}
