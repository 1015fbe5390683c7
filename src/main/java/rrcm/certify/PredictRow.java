package rrcm.certify;

import java.util.List;

/**
 * One line of predict.tsv: Cohen's columns (idx label predict correct time) and the evidence: the top two
 * counts c1 and c2 among N draws and the binomial test's p-value.
 */
public record PredictRow(int idx, int label, int predict, boolean correct, double seconds, long n, long c1, long c2,
                         String pValue) {
    public static final List<String> COLUMNS = List.of("idx", "label", "predict", "correct", "time", "N", "c1", "c2",
            "pvalue");

    public static PredictRow of(int idx, int label, Prediction p, double seconds, long n) {
        return new PredictRow(idx, label, p.predict(), p.predict() == label, seconds, n, p.c1(), p.c2(),
                Formats.pValue(p.pValue()));
    }

    public String line() {
        return String.join("\t", String.valueOf(idx), String.valueOf(label), String.valueOf(predict), correct ? "1" : "0",
                Formats.seconds(seconds), String.valueOf(n), String.valueOf(c1), String.valueOf(c2), pValue);
    }

    static PredictRow parse(TsvTable.Row r) {
        PredictRow row = new PredictRow(r.integer("idx"), r.integer("label"), r.integer("predict"), r.flag("correct"),
                r.real("time"), r.count("N"), r.count("c1"), r.count("c2"), r.text("pvalue"));
        r.require(row.c1 + row.c2 <= row.n, "c1 + c2 exceeds N");
        return row;
    }
}
