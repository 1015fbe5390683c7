package rrcm.certify;

import java.util.ArrayList;
import java.util.List;

/**
 * Which test images are certified: Cohen's protocol takes every k-th image (k = 20 on CIFAR-10's 10,000,
 * 100 on ImageNet's 50,000 validation images: 500 images each, docs/method.md 3). The default k keeps that
 * rule for any test set, k = max(1, size / 500), which gives exactly those two values, 20 on
 * Fashion-MNIST and 1 on the 500 images of the embedded subset.
 */
public final class ImageSelection {
    public static final int PROTOCOL_IMAGES = 500;

    private ImageSelection() {}

    public static int defaultSkip(int size) {
        return Math.max(1, size / PROTOCOL_IMAGES);
    }

    /** Indices 0, k, 2k, ... below size; the first {@code max} of them (0: all). */
    public static List<Integer> selected(int size, int skip, int max) {
        if (skip < 1) throw new IllegalArgumentException("--skip must be at least 1, got " + skip);
        if (max < 0) throw new IllegalArgumentException("--max must be positive (or 0 for no limit), got " + max);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < size && (max == 0 || out.size() < max); i += skip) out.add(i);
        return out;
    }

    /** The shard's part of a selection: positions p with p mod count = index. */
    public static List<Integer> part(List<Integer> selected, Shard shard) {
        List<Integer> out = new ArrayList<>();
        for (int p = shard.index(); p < selected.size(); p += shard.count()) out.add(selected.get(p));
        return out;
    }

    /** How many of {@code selected} images fall in the shard. */
    public static int partSize(int selected, Shard shard) {
        return selected <= shard.index() ? 0 : (selected - shard.index() + shard.count() - 1) / shard.count();
    }
}
