package rrcm.experiments;

import java.util.ArrayList;
import java.util.List;
import rrcm.certify.Formats;
import rrcm.workflows.TrainConfig;

/**
 * The stages of a study, in the order they run: its pre-trainings (and denoiser), then for each sigma each
 * arm's fine-tuning followed by its certification, so that a stopped study has whole rows to show. An arm
 * behind a denoiser is fine-tuned once, at the first sigma, and certified at each.
 */
public final class Plan {
    /** Configuration keys the plan sets per stage; a study's overrides may not set them. */
    static final List<String> PLANNED_KEYS = List.of("run.stages", "run.name", "run.dir", "finetune.method", "finetune.sigma",
            "finetune.encoder", "data.validation", "data.dir");

    private Plan() {}

    /**
     * @param base the study's configuration, resolved
     * @param trainImages the images fine-tuning sees per epoch
     */
    public static List<Stage> of(Study study, TrainConfig base, int trainImages) {
        List<Stage> stages = new ArrayList<>();
        for (Stage.Pretraining p : study.pretrainings()) {
            List<String> o = new ArrayList<>(List.of("run.stages=" + (p.denoiser() ? "denoise" : "pretrain"), "run.name=" + p.name()));
            o.addAll(p.overrides());
            stages.add(new Stage.Train(p.name(), null, 0, List.copyOf(o), null, 0, p.what(), p.denoiser()));
        }
        int epochs = base.finetune().epochs();
        java.util.Map<Stage.Arm, Stage.Train> once = new java.util.HashMap<>();
        for (double sigma : study.sigmas()) {
            for (Stage.Arm arm : study.arms()) {
                if (arm.firstSigmaOnly() && sigma != study.sigmas().getFirst()) continue;
                String certified = arm.key() + "-sigma" + Formats.shortest(sigma);
                if (arm.trainedOnce()) {
                    Stage.Train train = once.get(arm);
                    if (train == null) {
                        List<String> o = new ArrayList<>(List.of("run.stages=finetune", "run.name=" + arm.key(),
                                "finetune.method=" + arm.method(), "finetune.sigma=" + sigma));
                        o.addAll(arm.overrides());
                        train = new Stage.Train(arm.key(), arm, sigma, List.copyOf(o), arm.from(), epochs, null, false);
                        once.put(arm, train);
                        stages.add(train);
                    }
                    stages.add(new Stage.Certify("certify-" + certified, train, sigma, arm.denoiser()));
                    continue;
                }
                String name = certified;
                List<String> o = new ArrayList<>(List.of("run.stages=finetune", "run.name=" + name, "finetune.method=" + arm.method(),
                        "finetune.sigma=" + sigma));
                o.addAll(arm.overrides());
                int e = arm.matched() ? epochs + extraEpochs(base, trainImages) : epochs;
                if (arm.matched()) o.add("finetune.epochs=" + e);
                Stage.Train train = new Stage.Train(name, arm, sigma, List.copyOf(o), arm.from(), e, null, false);
                stages.add(train);
                stages.add(new Stage.Certify("certify-" + name, train, sigma, null));
            }
        }
        return List.copyOf(stages);
    }

    /**
     * The epochs of consistency fine-tuning that cost what rRCM's pre-training costs, counted in encoder passes
     * of one image with a backward pass, a forward pass alone counting a third: a pre-training step passes 3 B
     * images with a backward pass (the online network's two views and the consistency query) and 3 B without
     * (the EMA target's two views and the consistency key), 4 B in all; a fine-tuning epoch passes each
     * training image's noisy copies once. Rounded up.
     */
    public static int extraEpochs(TrainConfig base, int trainImages) {
        double pretraining = 4.0 * base.pretrain().batchSize() * base.pretrain().steps();
        double epoch = (double) base.finetune().copies() * trainImages;
        return (int) Math.ceil(pretraining / epoch);
    }
}
