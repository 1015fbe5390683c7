package rrcm.data;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A pipeline of transforms run one after another, and the pipelines of the method (docs/method.md 2.3):
 * two strong views for the contrastive term, a weak view for the consistency term, and the
 * evaluation view. Steps pass the image through two scratch buffers in turn, so a pipeline makes
 * no allocation per image once warm.
 */
public final class Augment implements Transform {
    private final List<Transform> steps;
    private final String name;
    // Identity keys of the two ping-pong buffers in a Scratch.
    private final Object ping = new Object();
    private final Object pong = new Object();

    private Augment(String name, List<Transform> steps) {
        this.name = name;
        this.steps = List.copyOf(steps);
    }

    public static Augment of(String name, Transform... steps) {
        return new Augment(name, List.of(steps));
    }

    /**
     * Strong view A: random resized crop (scale 0.08-1), colour jitter (0.4, 0.4, 0.2, 0.1) with
     * p 0.8, grayscale with p 0.2, Gaussian blur (σ in [0.1, 2]) always, horizontal flip with p 0.5.
     */
    public static Augment viewA(int size) {
        return new Augment("viewA(" + size + ")", List.of(
                new RandomResizedCrop(size),
                new RandomApply(0.8, new ColorJitter(0.4, 0.4, 0.2, 0.1)),
                new RandomApply(0.2, new Grayscale()),
                new RandomApply(1.0, GaussianBlur.forImageSize(size)),
                new RandomApply(0.5, new HorizontalFlip())));
    }

    /** Strong view B: view A with blur at p 0.1 and solarize (threshold 0.5) at p 0.2 before the flip. */
    public static Augment viewB(int size) {
        return new Augment("viewB(" + size + ")", List.of(
                new RandomResizedCrop(size),
                new RandomApply(0.8, new ColorJitter(0.4, 0.4, 0.2, 0.1)),
                new RandomApply(0.2, new Grayscale()),
                new RandomApply(0.1, GaussianBlur.forImageSize(size)),
                new RandomApply(0.2, new Solarize(0.5f)),
                new RandomApply(0.5, new HorizontalFlip())));
    }

    /** The weak view x0 of the consistency term: centre crop (identity at native size) and horizontal flip with p 0.5. */
    public static Augment weak(int size) {
        return new Augment("weak(" + size + ")", List.of(new CenterCrop(size), new RandomApply(0.5, new HorizontalFlip())));
    }

    /** Evaluation: shorter side resized to {@code size}, then the centre square (identity at native size). */
    public static Augment eval(int size) {
        return new Augment("eval(" + size + ")", List.of(new Resize(size), new CenterCrop(size)));
    }

    /** The image as it is. */
    public static Augment none() {
        return new Augment("none", List.of());
    }

    public List<Transform> steps() {
        return steps;
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
        ImageShape shape = in;
        for (Transform step : steps) shape = step.outputShape(shape);
        return shape;
    }

    @Override
    public void apply(float[] src, ImageShape in, float[] dst, RandomGenerator rng, Scratch scratch) {
        int last = steps.size() - 1;
        if (last < 0) {
            System.arraycopy(src, 0, dst, 0, in.size());
            return;
        }
        int largest = 0;
        ImageShape shape = in;
        for (int i = 0; i < last; i++) {
            shape = steps.get(i).outputShape(shape);
            largest = Math.max(largest, shape.size());
        }
        float[] a = last > 0 ? scratch.floats(ping, largest) : null;
        float[] b = last > 1 ? scratch.floats(pong, largest) : null;
        float[] current = src;
        shape = in;
        for (int i = 0; i <= last; i++) {
            Transform step = steps.get(i);
            float[] target = i == last ? dst : (i % 2 == 0 ? a : b);
            step.apply(current, shape, target, rng, scratch);
            shape = step.outputShape(shape);
            current = target;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
