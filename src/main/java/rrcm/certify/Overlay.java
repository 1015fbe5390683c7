package rrcm.certify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Several certification results in one plot: one curve per result file, ours or Cohen's format. */
public final class Overlay {
    private Overlay() {}

    /**
     * @param inputs result directories (their certify.tsv) or TSV files with radius and correct columns
     * @param labels one legend label per input, or empty: the directory name, with sigma where known
     * @param radiiOrNull the radii marked; null: those the first result of ours recorded (a sequential run's
     *                    table radii, else its data set's), or CIFAR-10's for files of others
     */
    public static void plot(List<Path> inputs, List<String> labels, Path png, double[] radiiOrNull, String title) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("name at least one result file to plot");
        if (!labels.isEmpty() && labels.size() != inputs.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + inputs.size() + " result files; give one per file or none");
        }
        List<AccuracyPlot.Curve> curves = new ArrayList<>();
        double[] radii = radiiOrNull;
        for (int i = 0; i < inputs.size(); i++) {
            Path in = inputs.get(i);
            Path tsv = Files.isDirectory(in) ? in.resolve(SmoothingJob.Kind.CERTIFY.tsv()) : in;
            Path dir = tsv.toAbsolutePath().normalize().getParent();
            if (radii == null && Files.isRegularFile(dir.resolve(SmoothingParams.FILE))) {
                radii = SmoothingJob.defaultRadii(SmoothingParams.read(dir));
            }
            if (!Files.isRegularFile(tsv)) throw new IllegalArgumentException(tsv + ": no such result file");
            curves.add(new AccuracyPlot.Curve(labels.isEmpty() ? defaultLabel(tsv) : labels.get(i), Outcome.read(tsv)));
        }
        AccuracyPlot.write(png, curves, title, radii != null ? radii : CertifySummary.CIFAR_RADII);
    }

    // ours: from params.json beside the file; others: the file's directory and name
    private static String defaultLabel(Path tsv) {
        Path dir = tsv.toAbsolutePath().normalize().getParent();
        if (Files.isRegularFile(dir.resolve(SmoothingParams.FILE))) return Reports.curveLabel(SmoothingParams.read(dir));
        return (dir.getFileName() == null ? "" : dir.getFileName() + "/") + tsv.getFileName();
    }
}
