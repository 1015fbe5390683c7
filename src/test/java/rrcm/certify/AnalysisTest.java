package rrcm.certify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certified accuracy and ACR from result files, against published rows of docs/method.md 4: a fixture file
 * per row whose images reproduce those numbers (certified at radius r = correct with radius ≥ r, so
 * images sit exactly on the band edges too), and a wrong prediction with a large radius that must count
 * for nothing.
 */
class AnalysisTest {
    @TempDir
    Path tmp;

    record Fixture(List<String> lines, double acr) {}

    /**
     * 500 images: certified[i] of them correct with radius ≥ radii[i]; the rest wrong (some abstained,
     * some predicting another class with a large radius). Radii are spread over each band from its lower
     * edge up, written as certify writes them.
     */
    static Fixture fixture(double[] radii, int[] certified, int images, boolean ours) {
        List<String> lines = new ArrayList<>();
        lines.add(ours ? String.join("\t", CertifyRow.COLUMNS) : "idx\tlabel\tpredict\tradius\tcorrect\ttime");
        double radiusSum = 0;
        int idx = 0;
        for (int band = 0; band < radii.length; band++) {
            int count = certified[band] - (band + 1 < radii.length ? certified[band + 1] : 0);
            double low = radii[band], high = band + 1 < radii.length ? radii[band + 1] : radii[band] + 0.5;
            for (int j = 0; j < count; j++) {
                String r = Formats.radius(low + (high - low) * j / count);
                radiusSum += Double.parseDouble(r);
                lines.add(row(idx, idx % 10, idx % 10, r, true, ours));
                idx++;
            }
        }
        while (idx < images) {
            boolean abstain = idx % 2 == 0;
            lines.add(row(idx, idx % 10, abstain ? -1 : (idx + 1) % 10, abstain ? "0.0" : "2.5", false, ours));
            idx++;
        }
        return new Fixture(lines, radiusSum / images);
    }

    static String row(int idx, int label, int predict, String radius, boolean correct, boolean ours) {
        String cohen = idx + "\t" + label + "\t" + predict + "\t" + radius + "\t" + (correct ? 1 : 0) + "\t" + "0:00:16.123456";
        if (!ours) return cohen;
        return idx + "\t" + label + "\t" + predict + "\t" + radius + "\t" + (correct ? 1 : 0) + "\t16.1235\t100\t99990\t100000\t0.9991234567";
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, lines);
        return f;
    }

    static int[] counts(double[] percent, int images) {
        int[] c = new int[percent.length];
        for (int i = 0; i < c.length; i++) c[i] = (int) Math.round(percent[i] * images / 100);
        return c;
    }

    static String[] percents(List<Outcome> outcomes, double[] radii) {
        String[] s = new String[radii.length];
        for (int i = 0; i < radii.length; i++) s[i] = Formats.percent(Outcome.certified(outcomes, radii[i]), outcomes.size());
        return s;
    }

    @Test
    void theRrcmBCifar10Row() throws IOException {
        double[] radii = CertifySummary.CIFAR_RADII;
        int[] certified = counts(new double[] {83.6, 73.4, 61.4, 48.0, 39.2}, 500);
        assertArrayEquals(new int[] {418, 367, 307, 240, 196}, certified);
        Fixture fx = fixture(radii, certified, 500, false);
        List<Outcome> outcomes = Outcome.read(write("rrcm-b.tsv", fx.lines()));
        assertEquals(500, outcomes.size());
        assertArrayEquals(new String[] {"83.6", "73.4", "61.4", "48.0", "39.2"}, percents(outcomes, radii));
        assertEquals(fx.acr(), Outcome.acr(outcomes), 1e-12);
    }

    @Test
    void theGaussianCifar10RowAndTheRrcmBImageNetRow() throws IOException {
        double[] radii = CertifySummary.CIFAR_RADII;
        Fixture gaussian = fixture(radii, counts(new double[] {83.0, 61.0, 43.0, 32.0, 22.0}, 500), 500, false);
        assertArrayEquals(new String[] {"83.0", "61.0", "43.0", "32.0", "22.0"},
                percents(Outcome.read(write("gaussian.tsv", gaussian.lines())), radii));

        double[] imagenet = {0, 0.5, 1.0, 1.5, 2.0, 2.5};
        Fixture rrcm = fixture(imagenet, counts(new double[] {76.8, 63.0, 45.6, 34.8, 28.0, 22.6}, 500), 500, false);
        List<Outcome> outcomes = Outcome.read(write("imagenet.tsv", rrcm.lines()));
        assertArrayEquals(new String[] {"76.8", "63.0", "45.6", "34.8", "28.0", "22.6"}, percents(outcomes, imagenet));
        assertEquals(rrcm.acr(), Outcome.acr(outcomes), 1e-12);
    }

    /** Our own file format gives the same table through the summary, in Markdown and JSON. */
    @Test
    void theSummaryOfOurFormat() throws IOException {
        double[] radii = CertifySummary.CIFAR_RADII;
        Fixture fx = fixture(radii, new int[] {418, 367, 307, 240, 196}, 500, true);
        Path f = write("certify.tsv", fx.lines());
        List<CertifyRow> rows = SmoothingJob.readCertify(f);
        SmoothingParams p = new SmoothingParams("certify", "runs/c10/finetune/model.safetensors", "ab".repeat(32), "cifar10",
                "data/cifar10", 10_000, 0.25, 0.492707, 100, 100_000, 0.001, 0, 20, 0, 500, Shard.ALL, List.of(),
                SmoothingParams.TEST, "", "");
        CertifySummary s = CertifySummary.of(p, rows, radii);
        assertArrayEquals(new int[] {418, 367, 307, 240, 196}, s.certified());
        assertEquals(fx.acr(), s.acr(), 1e-12);
        assertEquals(41, s.abstained()); // the even indices among the 82 wrong rows
        assertEquals(500 * 16.1235, s.seconds(), 1e-6);
        assertEquals(500 * 100_100L, s.draws());
        String md = s.markdown();
        assertTrue(md.contains("| certified accuracy (%) | 83.6 | 73.4 | 61.4 | 48.0 | 39.2 |"), md);
        assertTrue(md.contains("| radius | 0 | 0.25 | 0.5 | 0.75 | 1 |"), md);
        String json = rrcm.io.Json.write(s.toJson());
        assertTrue(json.contains("\"certified_accuracy\":[0.836,0.734,0.614,0.48,0.392]"), json);
        assertTrue(s.table().contains("83.6    73.4    61.4    48.0    39.2"), s.table());
    }

    @Test
    void filesThatAreNotResultsAreRefusedWithTheirLine() throws IOException {
        Path noRadius = write("a.tsv", List.of("idx\tlabel\tpredict", "0\t1\t1"));
        assertTrue(assertThrows(ResultFileException.class, () -> Outcome.read(noRadius)).getMessage().contains("no radius"));
        Path badCell = write("b.tsv", List.of("idx\tlabel\tpredict\tradius\tcorrect\ttime", "0\t1\t1\tfar\t1\t0"));
        assertTrue(assertThrows(ResultFileException.class, () -> Outcome.read(badCell)).getMessage().contains("b.tsv:2"));
        Path shortRow = write("c.tsv", List.of("idx\tlabel\tpredict\tradius\tcorrect\ttime", "0\t1\t1\t0.5"));
        assertTrue(assertThrows(ResultFileException.class, () -> Outcome.read(shortRow)).getMessage().contains("4 cells"));
    }

    @Test
    void aTornLastLineIsLeftOut() throws IOException {
        Path f = tmp.resolve("torn.tsv");
        Files.writeString(f, "idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t0.5\t1\t0\n1\t2\t2\t0.");
        assertEquals(1, Outcome.read(f).size());
        TsvTable t = TsvTable.read(f);
        assertTrue(t.torn());
        assertEquals(Files.size(f) - "1\t2\t2\t0.".length(), t.completeBytes());
    }
}
