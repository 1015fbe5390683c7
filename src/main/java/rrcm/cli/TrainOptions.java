package rrcm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import rrcm.backend.Backends;
import rrcm.io.ConfigLoader;
import rrcm.io.ConfigNode;
import rrcm.workflows.TrainConfig;
import rrcm.workflows.TrainRun;

/** The options train and finetune share, and the run they start. */
final class TrainOptions {
    static final String DEFAULT_CONFIG = "configs/quickstart.yaml";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration (default: the built-in " + DEFAULT_CONFIG + ")")
    Path config;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory (default: run.dir, else runs/<run.name>)")
    Path runDir;

    @Option(names = "--resume", description = "Continue the run in the run directory from its last checkpoint, with its saved configuration")
    boolean resume;

    @Option(names = "--stop-at-step", paramLabel = "N",
            description = "Checkpoint and stop after N steps of the current stage (continue later with --resume)")
    long stopAt;

    @Parameters(paramLabel = "KEY=VALUE", description = "Overrides of configuration keys, e.g. pretrain.steps=500")
    List<String> overrides = new ArrayList<>();

    /** Runs training; encoderFile makes it a fine-tuning-only run from that pre-training checkpoint. */
    int run(Path encoderFile) {
        if (stopAt < 0) throw new IllegalArgumentException("--stop-at-step must be positive, got " + stopAt);
        ConfigNode node = null;
        Path dir = runDir;
        if (resume) {
            if (config != null || !overrides.isEmpty()) {
                throw new IllegalArgumentException("--resume continues with the run's saved configuration; drop --config and the overrides");
            }
            if (dir == null) dir = Path.of("runs", "quickstart");
        } else {
            List<String> all = new ArrayList<>(overrides);
            if (encoderFile != null) {
                all.add("run.stages=finetune");
                all.add("finetune.encoder=" + encoderFile.toAbsolutePath().normalize());
            }
            node = config != null ? ConfigLoader.load(config, all) : ConfigLoader.loadResource(DEFAULT_CONFIG, all);
            if (dir == null) dir = TrainConfig.from(node).run().dir();
        }
        TrainRun.inDirectory(Backends.defaultBackend(), node, dir, resume, System.out, stopAt);
        return 0;
    }
}
