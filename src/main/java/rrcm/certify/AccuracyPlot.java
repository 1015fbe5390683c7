package rrcm.certify;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import rrcm.io.AtomicFile;

/**
 * Certified accuracy against radius, one curve per result file, as a PNG drawn by JFreeChart without a
 * display. Each curve is the exact step function: it falls at every radius some correct image reaches.
 */
public final class AccuracyPlot {
    static {
        // no window system: render in memory (must be set before AWT starts)
        System.setProperty("java.awt.headless", "true");
    }

    private static final int WIDTH = 900, HEIGHT = 600;

    /** One curve: its legend label and the outcomes of its images. */
    public record Curve(String label, List<Outcome> outcomes) {}

    private AccuracyPlot() {}

    /** Draws the curves, with a light vertical line at each report radius, and writes the PNG atomically. */
    public static void write(Path png, List<Curve> curves, String title, double[] reportRadii) {
        XYSeriesCollection data = new XYSeriesCollection();
        double right = 0;
        for (double r : reportRadii) right = Math.max(right, r);
        for (Curve c : curves) for (Outcome o : c.outcomes()) if (o.correct()) right = Math.max(right, o.radius());
        right = right == 0 ? 1 : right * 1.05;
        for (int i = 0; i < curves.size(); i++) data.addSeries(series(curves.get(i), i, right));
        JFreeChart chart = ChartFactory.createXYLineChart(title, "radius (l2)", "certified accuracy", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.getDomainAxis().setRange(0, right);
        plot.getRangeAxis().setRange(0, 1.0);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < curves.size(); i++) renderer.setSeriesStroke(i, new BasicStroke(2f));
        plot.setRenderer(renderer);
        for (double r : reportRadii) {
            ValueMarker m = new ValueMarker(r, new Color(0xBBBBBB), new BasicStroke(1f));
            plot.addDomainMarker(m);
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
            AtomicFile.write(png, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes.toByteArray())));
        } catch (IOException e) {
            throw new UncheckedIOException(png + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    // The step function acc(r) = #(correct and radius >= r) / n: at each radius a correct image reaches,
    // a vertical drop from the value at r to the value just beyond it.
    private static XYSeries series(Curve c, int i, double right) {
        // series keys must differ even when two files share a label
        XYSeries s = new XYSeries(c.label() + "\u200b".repeat(i), false, true);
        int n = c.outcomes().size();
        if (n == 0) return s;
        double[] radii = c.outcomes().stream().filter(Outcome::correct).mapToDouble(Outcome::radius).sorted().toArray();
        int m = radii.length;
        s.add(0, (double) m / n);
        for (int first = 0; first < m; ) {
            int last = first;
            while (last + 1 < m && radii[last + 1] == radii[first]) last++;
            s.add(radii[first], (double) (m - first) / n);
            s.add(radii[first], (double) (m - last - 1) / n);
            first = last + 1;
        }
        s.add(right, 0);
        return s;
    }
}
