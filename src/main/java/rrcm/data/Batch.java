package rrcm.data;

import java.util.List;

/**
 * One batch from a {@link Loader}: its position (epoch, index within the epoch), the data set
 * indices of its samples, their labels, and one (B, C, H, W) float array per view, in the order of
 * the loader's views. The arrays are the batch's own; nothing else writes to them.
 */
public record Batch(int epoch, int index, int[] samples, int[] labels, List<float[]> views) {
    public Batch {
        views = List.copyOf(views);
    }

    /** B, the number of samples (smaller than the batch size only for a last, partial batch). */
    public int size() {
        return samples.length;
    }

    public float[] view(int v) {
        return views.get(v);
    }
}
