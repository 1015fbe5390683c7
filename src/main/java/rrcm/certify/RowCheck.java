package rrcm.certify;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a row of a result file must satisfy before merge or a resumed run trusts it: its image is one of
 * its shard's images, its draws are the run's (n0, and N, or for the sequential rule one of its looks),
 * and its pA, radius, prediction and correctness are the ones its nA, N, alpha and sigma give, to the
 * digits the file keeps. A row that fails names the file, the line and the field.
 */
final class RowCheck {
    private final SmoothingParams params;
    private final Set<Integer> images;
    private final SequentialRule rule;

    RowCheck(SmoothingParams params) {
        this.params = params;
        List<Integer> selected = ImageSelection.selected(params.dataSize(), params.skip(), params.max());
        this.images = new HashSet<>(ImageSelection.part(selected, params.shard()));
        double[] radii = params.sequentialRadii().stream().mapToDouble(Double::doubleValue).toArray();
        this.rule = params.sequential() ? new SequentialRule(params.n(), params.alpha(), params.sigma(), radii) : null;
    }

    void check(TsvTable.Row r) {
        int idx = r.integer("idx");
        r.require(images.contains(idx), "image " + idx + " (idx) is not one of the images of shard " + params.shard());
        if (params.command().equals(SmoothingParams.PREDICT)) {
            PredictRow row = PredictRow.parse(r);
            r.require(row.n() == params.n(), "N is " + row.n() + ", the run draws " + params.n());
            r.require(row.correct() == (row.predict() == row.label()), "correct is " + (row.correct() ? 1 : 0) + " for predict "
                    + row.predict() + " and label " + row.label());
            return;
        }
        CertifyRow row = CertifyRow.parse(r);
        r.require(row.n0() == params.n0(), "n0 is " + row.n0() + ", the run draws " + params.n0());
        double alpha = params.alpha();
        if (rule == null) {
            r.require(row.n() == params.n(), "N is " + row.n() + ", the run draws " + params.n());
        } else {
            long[] looks = rule.looks();
            int look = -1;
            for (int i = 0; i < looks.length; i++) if (looks[i] == row.n()) look = i;
            r.require(look >= 0, "N is " + row.n() + ", not one of the sequential rule's looks " + java.util.Arrays.toString(looks));
            alpha = rule.alphas()[look];
        }
        Certificate c = Certificate.decide(Math.max(row.predict(), 0), row.nA(), row.n(), alpha, params.sigma());
        CertifyRow expected = CertifyRow.of(idx, row.label(), c, 0, row.n0());
        r.require(expected.pA().equals(row.pA()), String.format(Locale.ROOT, "pA is %s; nA %d of N %d at alpha %s give %s", row.pA(),
                row.nA(), row.n(), Formats.shortest(alpha), expected.pA()));
        r.require(c.abstained() == (row.predict() == Certificate.ABSTAIN), "predict is " + row.predict() + ", but pA "
                + expected.pA() + (c.abstained() ? " abstains" : " certifies"));
        r.require(expected.radius().equals(row.radius()), "radius is " + row.radius() + "; pA " + expected.pA() + " at sigma "
                + Formats.shortest(params.sigma()) + " gives " + expected.radius());
        r.require(row.correct() == (row.predict() == row.label()), "correct is " + (row.correct() ? 1 : 0) + " for predict "
                + row.predict() + " and label " + row.label());
    }
}
