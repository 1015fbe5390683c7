package rrcm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import rrcm.io.JsonParser;

/**
 * The table of {@code tools/bench --quick}: for each ISA it ran under, each of our benchmarks beside its
 * libtorch peer from the same run, the ratio (above 1 means ours is faster) and, where the benchmark
 * counts floating-point work, the achieved GFLOP/s as a share of the FMA peak measured in that run.
 *
 * <p>Arguments: a line describing the machine, then {@code isa=dir} pairs, each directory holding the
 * JMH JSON files ({@code *.json}) of one ISA's runs.
 */
public final class QuickTable {
    /** Our benchmark method, its libtorch peer, and the row's label. */
    private record Pair(String ours, String peer, String label) {}

    private static final List<Pair> PAIRS = List.of(
            new Pair("GemmBench.rrcm", "GemmBench.libtorch", "GEMM"),
            new Pair("AttentionBench.oursForward", "AttentionBench.torchForward", "attention forward"),
            new Pair("AttentionBench.oursForwardBackward", "AttentionBench.torchForwardBackward", "attention fwd+bwd"),
            new Pair("PretrainStepBench.ours", "PretrainStepBench.libtorch", "pre-training step"),
            new Pair("CertifyBench.certifyBatch", "CertifyBench.torchCertifyBatch", "certification batch"),
            new Pair("CertifyBench.forward", "CertifyBench.torchForwardOnly", "certification forward"));

    /** One JMH result: score, error, unit, GFLOP/s (NaN where not counted), parameters. */
    private record Result(double score, double error, String unit, double gflops, String params) {}

    private QuickTable() {}

    public static void main(String[] args) throws IOException {
        System.out.println("tools/bench --quick: " + args[0]);
        System.out.println("ratio = ours / libtorch in throughput (libtorch / ours in time): above 1.00x ours is faster");
        System.out.println();
        System.out.printf(Locale.ROOT, "| ISA | benchmark | params | ours | libtorch | ratio | ours GFLOP/s (%% of FMA peak) |%n");
        System.out.println("| --- | --- | --- | ---: | ---: | ---: | ---: |");
        for (int i = 1; i < args.length; i++) {
            String isa = args[i].substring(0, args[i].indexOf('='));
            Map<String, Result> results = read(Path.of(args[i].substring(args[i].indexOf('=') + 1)));
            double peak = peak(results);
            for (Pair p : PAIRS) {
                for (Map.Entry<String, Result> e : results.entrySet()) {
                    if (!e.getKey().startsWith(p.ours() + "|")) continue;
                    String params = e.getKey().substring(e.getKey().indexOf('|') + 1);
                    Result ours = e.getValue(), peer = results.get(p.peer() + "|" + params);
                    if (peer == null) continue;
                    boolean time = ours.unit().endsWith("/op");
                    double ratio = time ? peer.score() / ours.score() : ours.score() / peer.score();
                    String flops = Double.isNaN(ours.gflops()) ? ""
                            : Double.isNaN(peak) ? String.format(Locale.ROOT, "%.0f", ours.gflops())
                            : String.format(Locale.ROOT, "%.0f (%.0f%%)", ours.gflops(), 100 * ours.gflops() / peak);
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2fx | %s |%n", isa, p.label(), params,
                            value(ours), value(peer), ratio, flops);
                }
            }
            if (!Double.isNaN(peak)) {
                System.out.printf(Locale.ROOT, "| %s | FMA peak, %s | | %.0f GFLOP/s | | | |%n", isa,
                        results.containsKey("PeakFlopsBench.fma512|") ? "512-bit" : "256-bit", peak);
            }
        }
    }

    private static String value(Result r) {
        return String.format(Locale.ROOT, "%.4g ± %.2g %s", r.score(), r.error(), r.unit());
    }

    /** The ISA's peak: the widest FMA benchmark that ran (the 512-bit one only runs where it is native). */
    private static double peak(Map<String, Result> results) {
        for (String key : List.of("PeakFlopsBench.fma512|", "PeakFlopsBench.fma256|")) {
            Result r = results.get(key);
            if (r != null) return r.gflops();
        }
        return Double.NaN;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Result> read(Path dir) throws IOException {
        Map<String, Result> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        for (Path f : files) {
            for (Object o : (List<Object>) JsonParser.parse(Files.readString(f))) {
                Map<String, Object> run = (Map<String, Object>) o;
                String name = ((String) run.get("benchmark")).replaceFirst("^rrcm\\.bench\\.", "");
                Map<String, Object> params = (Map<String, Object>) run.getOrDefault("params", Map.of());
                StringBuilder p = new StringBuilder();
                params.forEach((k, v) -> p.append(p.isEmpty() ? "" : ", ").append(k).append('=').append(v));
                Map<String, Object> primary = (Map<String, Object>) run.get("primaryMetric");
                Map<String, Object> secondary = (Map<String, Object>) run.getOrDefault("secondaryMetrics", Map.of());
                Map<String, Object> gflop = (Map<String, Object>) secondary.get("gflop");
                out.put(name + "|" + p, new Result(number(primary.get("score")), number(primary.get("scoreError")),
                        (String) primary.get("scoreUnit"), gflop == null ? Double.NaN : number(gflop.get("score")),
                        p.toString()));
            }
        }
        return out;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN; // JMH writes "NaN" as a string
    }
}
