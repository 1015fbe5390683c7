package rrcm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import rrcm.certify.Merge;

/** merge: the shards of one certify or predict run joined into one result. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Join the shards of one certify or predict run into one result.",
            "The result directories of every shard (--shard i/n) of one run, complete: their rows in image order, "
                + "with a summary (and for certify the plot)."},
        footer = {"", "Example:", "  merge runs/c10/certify-sigma0.25/shard-*", "      writes runs/c10/certify-sigma0.25/certify.tsv and its summary"})
final class MergeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SHARD", arity = "1..*", description = "Result directories of the shards (or their TSV files)")
    List<Path> shards = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Result directory (default: the directory that holds the shard directories)")
    Path out;

    @Option(names = "--radii", paramLabel = "R", split = ",", description = "Radii of the certified-accuracy table (default: as certify)")
    double[] radii;

    @Override
    public Integer call() {
        Merge.merge(shards, out, radii, System.out);
        return 0;
    }
}
