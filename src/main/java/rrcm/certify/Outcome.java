package rrcm.certify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the analysis needs of one certified image: its radius and whether the prediction was right. */
public record Outcome(double radius, boolean correct) {
    /**
     * The outcomes of any file with Cohen's columns radius and correct (ours, or the result files of
     * Cohen's and others' code), so that curves of different tools can be overlaid.
     */
    public static List<Outcome> read(Path tsv) {
        TsvTable table = TsvTable.read(tsv);
        if (!table.header().contains("radius") || !table.header().contains("correct")) {
            throw new ResultFileException(tsv + ": not a certification result (no radius and correct columns in its header '"
                    + String.join(" ", table.header()) + "')");
        }
        List<Outcome> out = new ArrayList<>();
        for (TsvTable.Row r : table.rows()) {
            double radius = r.real("radius");
            r.require(radius >= 0, "negative radius");
            out.add(new Outcome(radius, r.flag("correct")));
        }
        return out;
    }

    static List<Outcome> of(List<CertifyRow> rows) {
        return rows.stream().map(r -> new Outcome(r.radiusValue(), r.correct())).toList();
    }

    /** Images certified correctly at radius r: correct with a radius of at least r. */
    public static int certified(List<Outcome> outcomes, double r) {
        int n = 0;
        for (Outcome o : outcomes) if (o.correct && o.radius >= r) n++;
        return n;
    }

    /** Certified accuracy at r: the fraction of all images (abstentions included) certified correctly at r. */
    public static double certifiedAccuracy(List<Outcome> outcomes, double r) {
        return outcomes.isEmpty() ? 0 : (double) certified(outcomes, r) / outcomes.size();
    }

    /** Average certified radius: mean over all images of correct · radius. */
    public static double acr(List<Outcome> outcomes) {
        double sum = 0;
        for (Outcome o : outcomes) if (o.correct) sum += o.radius;
        return outcomes.isEmpty() ? 0 : sum / outcomes.size();
    }
}
