package rrcm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import rrcm.backend.Backends;
import rrcm.experiments.Reproduction;
import rrcm.experiments.Study;

/** reproduce: a whole comparison (training, certification, report) in one resumable command. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Regenerate a comparison: rRCM (one pre-training, fine-tuned at sigma 0.25 and 0.5) against Gaussian and "
                + "Consistency trained from scratch, and Consistency given rRCM's compute; each model certified on the same "
                + "images; the table, JSON and plot written under results/<study>.",
            "Resumable: run the same command again to continue a stopped study; finished stages are skipped."},
        footer = {"", "Examples:",
            "  reproduce fashion-mnist                         the whole study (about 2.5 hours on 2 cores)",
            "  reproduce fashion-mnist --plan                  time this machine and print the stages and their estimates",
            "  reproduce fashion-mnist --split validation      the same on 5,000 training images held out, to choose settings",
            "  reproduce fashion-mnist pretrain.steps=4000     with a configuration key changed (a new --runs directory)",
            "  reproduce fashion-mnist --quick                 a tiny model on the embedded subset, in a minute (what CI runs)",
            "  reproduce fashion-mnist-ablations               the ablations at sigma 0.25 on 5,000 held-out training images"})
final class ReproduceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "STUDY",
            description = "fashion-mnist (rRCM against the baselines) or fashion-mnist-ablations (what each part of rRCM "
                    + "contributes, on validation images)")
    String study;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of the study's configuration keys")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the data set lies (default: where its Debian package puts it)")
    Path dataDir;

    @Option(names = "--runs", paramLabel = "DIR", description = "The study's run directory (default: runs/reproduce/<study>)")
    Path runs;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: results/<study>)")
    Path out;

    @Option(names = "--split", paramLabel = "PART",
            description = "test: train on all training images, certify test images; validation: hold 5,000 training images "
                    + "out and certify those instead (default: test; the ablations are validation only)")
    String split;

    @Option(names = "--quick", description = "A tiny model, a few steps and a few images on the embedded subset: the same stages and files in about a minute")
    boolean quick;

    @Option(names = "--plan", description = "Time this machine, print the stages with their estimates, and stop")
    boolean plan;

    @Override
    public Integer call() {
        boolean ablations = study.endsWith("-ablations");
        boolean validation = SmoothingOptions.isValidation(split == null ? (ablations ? "validation" : "test") : split);
        if (ablations && !validation) {
            throw new IllegalArgumentException(study + " chooses between settings, so it runs on validation images only; "
                    + "drop --split test");
        }
        Study s = Study.named(study, quick, overrides, dataDir, validation);
        String name = s.resultName() + (quick ? "-quick" : "");
        Path runDir = runs != null ? runs : Path.of("runs", "reproduce", name);
        Path results = out != null ? out : Path.of("results", name);
        String command = System.getenv().getOrDefault("RRCM_COMMAND", "rrcm-engine " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        Reproduction.run(Backends.defaultBackend(), s, runDir, results, command, System.out, plan);
        return 0;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
}
