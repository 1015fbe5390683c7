package rrcm.certify;

import java.util.List;

/**
 * One line of certify.tsv: Cohen's columns (idx label predict radius correct time, the radius to 3
 * significant digits, time in seconds) and the evidence behind the radius: n0 selection draws, nA of
 * N estimation draws on the selected class, and the lower bound pA, so the radius can be recomputed.
 */
public record CertifyRow(int idx, int label, int predict, String radius, boolean correct, double seconds, long n0,
                         long nA, long n, String pA) {
    public static final List<String> COLUMNS = List.of("idx", "label", "predict", "radius", "correct", "time", "n0",
            "nA", "N", "pA");

    public static CertifyRow of(int idx, int label, Certificate c, double seconds, long n0) {
        return new CertifyRow(idx, label, c.predict(), Formats.radius(c.radius()), c.predict() == label, seconds, n0,
                c.nA(), c.n(), Formats.lowerBound(c.pA()));
    }

    public double radiusValue() {
        return Double.parseDouble(radius);
    }

    /** Selection and estimation draws together. */
    public long draws() {
        return n0 + n;
    }

    public String line() {
        return String.join("\t", String.valueOf(idx), String.valueOf(label), String.valueOf(predict), radius,
                correct ? "1" : "0", Formats.seconds(seconds), String.valueOf(n0), String.valueOf(nA), String.valueOf(n), pA);
    }

    static CertifyRow parse(TsvTable.Row r) {
        CertifyRow row = new CertifyRow(r.integer("idx"), r.integer("label"), r.integer("predict"), r.text("radius"),
                r.flag("correct"), r.real("time"), r.count("n0"), r.count("nA"), r.count("N"), r.text("pA"));
        r.require(row.radiusValue() >= 0 && row.nA <= row.n && row.n >= 1, "radius, nA and N are inconsistent");
        return row;
    }
}
