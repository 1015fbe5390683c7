package rrcm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import rrcm.certify.Overlay;

/** plot: certified accuracy against radius for several results in one PNG. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Plot certified accuracy against radius for several results.",
            "One curve per result: certify result directories, or TSV files with Cohen's columns radius and correct."},
        footer = {"", "Example:", "  plot --out sigmas.png runs/a/certify-sigma0.25 runs/b/certify-sigma0.5"})
final class PlotCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESULT", arity = "1..*", description = "Result directories or TSV files (columns radius and correct)")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "The PNG file to write")
    Path out;

    @Option(names = "--label", paramLabel = "TEXT", description = "Legend label, once per result in order (default: run name and sigma)")
    List<String> labels = new ArrayList<>();

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "Certified accuracy", description = "Title (default: ${DEFAULT-VALUE})")
    String title;

    @Option(names = "--radii", paramLabel = "R", split = ",",
            description = "Radii marked on the x axis (default: the table radii the first result recorded, else 0,0.25,0.5,0.75,1)")
    double[] radii;

    @Override
    public Integer call() {
        Overlay.plot(inputs, labels, out, radii, title);
        System.out.println("wrote " + out);
        return 0;
    }
}
