package rrcm.workflows;

import java.nio.file.Path;
import java.util.List;
import rrcm.io.ConfigException;
import rrcm.io.ConfigNode;
import rrcm.io.IntRange;
import rrcm.io.RealRange;
import rrcm.model.VitConfig;

/**
 * Everything a training run reads from its YAML configuration; each section reads its keys with
 * bounds, so a wrong value is reported with its dotted key, and {@link ConfigNode#finish()} reports
 * keys nothing read. The defaults are those of the quickstart; configs/ holds the real runs.
 */
public record TrainConfig(Run run, Data data, Model model, PretrainSpec pretrain, FinetuneSpec finetune, DenoiseSpec denoise,
                          Eval eval) {
    public static final List<String> STAGES = List.of("both", "pretrain", "finetune", "denoise");
    public static final List<String> METHODS = List.of("rrcm", "consistency", "gaussian", "clean");

    /**
     * Where and how the run goes. stages: both (pre-training, then fine-tuning), pretrain, finetune, or
     * denoise (the diffusion baseline's denoiser, a run of its own).
     */
    public record Run(String name, Path dir, long seed, String stages, int logEvery, int checkpointEvery, int workers) {
        public boolean pretrains() {
            return stages.equals("both") || stages.equals("pretrain");
        }

        public boolean finetunes() {
            return stages.equals("both") || stages.equals("finetune");
        }

        public boolean denoises() {
            return stages.equals("denoise");
        }
    }

    /** validation: images held out from the training set (HeldOut) for the end-of-run evaluation; 0: none, test set. */
    public record Data(String kind, Path dir, int imageSize, int validation) {}

    /** fixedTime: 0, or the one time every input is conditioned on (the time-token ablation; VitConfig). */
    public record Model(int patchSize, int dim, int depth, int heads, int mlpRatio, double fixedTime) {
        public VitConfig vit(int imageSize, int channels) {
            return new VitConfig(imageSize, channels, patchSize, dim, depth, heads, mlpRatio, fixedTime);
        }
    }

    /** Test-set evaluation after fine-tuning: clean accuracy and accuracy under noise sigma. */
    public record Eval(int batchSize, int maxImages) {}

    public static TrainConfig from(ConfigNode root) {
        ConfigNode r = root.section("run");
        String name = r.getString("name", "quickstart");
        Run run = new Run(name, r.getOptionalPath("dir").orElse(Path.of("runs", name)),
                r.getLong("seed", 0L), r.getChoice("stages", "both", STAGES),
                r.getInt("log_every", 10, IntRange.atLeast(1)), r.getInt("checkpoint_every", 100, IntRange.atLeast(1)),
                r.getInt("workers", Math.min(4, Runtime.getRuntime().availableProcessors()), IntRange.between(1, 64)));

        ConfigNode d = root.section("data");
        Data data = new Data(d.getChoice("kind", "embedded", rrcm.data.Datasets.KINDS),
                d.getOptionalPath("dir").orElse(null), d.getInt("image_size", 0, IntRange.between(0, 4096)),
                d.getInt("validation", 0, IntRange.atLeast(0)));

        ConfigNode m = root.section("model");
        Model model = new Model(m.getInt("patch_size", 4, IntRange.atLeast(1)), m.getInt("dim", 128, IntRange.atLeast(2)),
                m.getInt("depth", 4, IntRange.atLeast(1)), m.getInt("heads", 4, IntRange.atLeast(1)),
                m.getInt("mlp_ratio", 4, IntRange.atLeast(1)), m.getDouble("fixed_time", 0.0, RealRange.atLeast(0)));
        if (model.dim() % model.heads() != 0 || model.dim() % 2 != 0) {
            throw new ConfigException(m.origin() + ": model.dim " + model.dim() + " must be even and divisible by "
                    + "model.heads " + model.heads());
        }

        ConfigNode p = root.section("pretrain");
        long steps = p.getLong("steps", 200L, IntRange.atLeast(1));
        PretrainSpec pretrain = new PretrainSpec(steps, p.getInt("batch_size", 128, IntRange.atLeast(2)),
                (float) p.getDouble("lr", 5e-4, RealRange.greaterThan(0)),
                (float) p.getDouble("weight_decay", 0.0, RealRange.atLeast(0)),
                p.getLong("warmup_steps", Math.max(1, steps / 10), IntRange.atLeast(0)),
                (float) p.getDouble("clip_norm", 2.0, RealRange.atLeast(0)),
                (float) p.getDouble("tau", 0.2, RealRange.greaterThan(0)),
                p.getDouble("ema_start", 0.99, RealRange.closedOpen(0, 1)),
                p.getDouble("ema_end", 0.9999, RealRange.closedOpen(0, 1)),
                p.getLong("ema_steps", steps, IntRange.atLeast(1)),
                p.getDouble("ema_sharpness", 15.0, RealRange.greaterThan(0)),
                p.getInt("projector_hidden", 512, IntRange.atLeast(1)),
                p.getInt("projector_out", 256, IntRange.atLeast(1)),
                (float) p.getDouble("consistency_weight", 1.0, RealRange.atLeast(0)));

        ConfigNode f = root.section("finetune");
        double sigma = f.getDouble("sigma", 0.25, RealRange.greaterThan(0));
        FinetuneSpec finetune = new FinetuneSpec(f.getChoice("method", "rrcm", METHODS), sigma,
                f.getInt("epochs", 5, IntRange.atLeast(1)), f.getInt("batch_size", 128, IntRange.atLeast(1)),
                (float) f.getDouble("lr", 5e-4, RealRange.greaterThan(0)),
                (float) f.getDouble("layer_decay", 0.75, RealRange.between(0, 1)),
                (float) f.getDouble("weight_decay", 0.05, RealRange.atLeast(0)),
                f.getInt("warmup_epochs", 1, IntRange.atLeast(0)), f.getInt("copies", 2, IntRange.between(1, 64)),
                (float) f.getDouble("lambda", sigma <= 0.25 ? 10.0 : 20.0, RealRange.atLeast(0)),
                (float) f.getDouble("eta", 0.5, RealRange.atLeast(0)), f.getOptionalPath("encoder").orElse(null));

        ConfigNode dn = root.section("denoise");
        long denoiseSteps = dn.getLong("steps", 1000L, IntRange.atLeast(1));
        DenoiseSpec denoise = new DenoiseSpec(denoiseSteps, dn.getInt("batch_size", 128, IntRange.atLeast(1)),
                (float) dn.getDouble("lr", 5e-4, RealRange.greaterThan(0)),
                (float) dn.getDouble("weight_decay", 0.0, RealRange.atLeast(0)),
                dn.getLong("warmup_steps", Math.max(1, denoiseSteps / 20), IntRange.atLeast(0)),
                (float) dn.getDouble("clip_norm", 1.0, RealRange.atLeast(0)));

        ConfigNode e = root.section("eval");
        Eval eval = new Eval(e.getInt("batch_size", 250, IntRange.atLeast(1)), e.getInt("max_images", 0, IntRange.atLeast(0)));
        root.finish();

        if (!finetune.method().equals("rrcm") && run.pretrains()) {
            throw new ConfigException(root.origin() + ": finetune.method " + finetune.method() + " is a baseline trained "
                    + "from scratch; set run.stages: finetune");
        }
        if (finetune.encoder() != null && run.pretrains()) {
            throw new ConfigException(root.origin() + ": finetune.encoder names a pre-trained encoder to start from; "
                    + "a run that also pre-trains starts from its own (set run.stages: finetune, or drop finetune.encoder)");
        }
        return new TrainConfig(run, data, model, pretrain, finetune, denoise, eval);
    }
}
