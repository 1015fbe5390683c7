package rrcm.certify;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedRangeXYPlot;
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
    /** Ten colours that stay apart on white (those of matplotlib's tab10). */
    private static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xD62728), new Color(0x2CA02C), new Color(0xFF7F0E),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF)};

    /** One curve: its legend label and the outcomes of its images. */
    public record Curve(String label, List<Outcome> outcomes) {}

    private AccuracyPlot() {}

    /** One panel of several: its title and curves. */
    public record Panel(String title, List<Curve> curves) {}

    /** Draws the curves, with a light vertical line at each report radius, and writes the PNG atomically. */
    public static void write(Path png, List<Curve> curves, String title, double[] reportRadii) {
        XYPlot plot = plot(curves, reportRadii);
        save(png, chart(title, plot, List.of(plot), List.of(curves), false), WIDTH, HEIGHT);
    }

    /**
     * Panels side by side sharing the accuracy axis (one per noise level, say), each with its own radius
     * axis, and one legend: a label has the same colour in every panel.
     */
    public static void writePanels(Path png, List<Panel> panels, String title, double[] reportRadii) {
        CombinedRangeXYPlot combined = new CombinedRangeXYPlot(new NumberAxis("certified accuracy"));
        combined.setGap(16);
        List<XYPlot> plots = new ArrayList<>();
        List<List<Curve>> curves = new ArrayList<>();
        for (Panel p : panels) {
            XYPlot plot = plot(p.curves(), reportRadii);
            plot.getDomainAxis().setLabel(p.title() + ": radius (l2)");
            combined.add(plot, 1);
            plots.add(plot);
            curves.add(p.curves());
        }
        JFreeChart chart = chart(title, combined, plots, curves, true);
        combined.getRangeAxis().setRange(0, 1.0);
        save(png, chart, Math.max(WIDTH, 560 * panels.size()), HEIGHT);
    }

    /**
     * JFreeChart's theme first (fonts, legend), then white plots with light grid lines and 2-pixel curves
     * in a fixed palette: by label when byLabel (one colour and one legend entry per label across the
     * panels), else one colour per curve.
     */
    private static JFreeChart chart(String title, org.jfree.chart.plot.Plot root, List<XYPlot> plots, List<List<Curve>> curves,
                                    boolean byLabel) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, root, true);
        ChartUtils.applyCurrentTheme(chart);
        Map<String, Integer> colours = new HashMap<>();
        for (int p = 0; p < plots.size(); p++) {
            XYPlot plot = plots.get(p);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xDDDDDD));
            plot.setRangeGridlinePaint(new Color(0xDDDDDD));
            XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
            List<Curve> cs = curves.get(p);
            for (int i = 0; i < cs.size(); i++) {
                String key = byLabel ? cs.get(i).label() : cs.get(i).label() + "\u0000" + i;
                boolean first = !colours.containsKey(key);
                int colour = colours.computeIfAbsent(key, k -> colours.size());
                renderer.setSeriesPaint(i, PALETTE[colour % PALETTE.length]);
                renderer.setSeriesStroke(i, new BasicStroke(2f));
                renderer.setSeriesVisibleInLegend(i, first);
            }
        }
        return chart;
    }

    private static XYPlot plot(List<Curve> curves, double[] reportRadii) {
        XYSeriesCollection data = new XYSeriesCollection();
        double right = 0;
        for (double r : reportRadii) right = Math.max(right, r);
        for (Curve c : curves) for (Outcome o : c.outcomes()) if (o.correct()) right = Math.max(right, o.radius());
        right = right == 0 ? 1 : right * 1.05;
        for (int i = 0; i < curves.size(); i++) data.addSeries(series(curves.get(i), i, right));
        NumberAxis x = new NumberAxis("radius (l2)"), y = new NumberAxis("certified accuracy");
        x.setRange(0, right);
        y.setRange(0, 1.0);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        for (double r : reportRadii) plot.addDomainMarker(new ValueMarker(r, new Color(0xBBBBBB), new BasicStroke(1f)));
        return plot;
    }

    private static void save(Path png, JFreeChart chart, int width, int height) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(bytes, chart, width, height);
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
