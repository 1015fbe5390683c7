package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The validation split: disjoint from what trains, the same images every time, every class in it. */
class HeldOutTest {
    private static final ImageDataset TRAIN = EmbeddedFashionMnist.open(Split.TRAIN);

    /** An image's bytes as a key, to find it in the base set. */
    private static String key(ImageDataset d, int i) {
        float[] px = new float[d.shape().size()];
        d.image(i, px, 0);
        return java.util.Arrays.toString(px) + "/" + d.label(i);
    }

    @Test
    void splitsIntoDisjointPartsThatCoverTheSet() {
        HeldOut.Parts p = HeldOut.split(TRAIN, 300);
        assertEquals(300, p.validation().size());
        assertEquals(TRAIN.size() - 300, p.fit().size());
        Set<String> fit = new HashSet<>(), all = new HashSet<>();
        for (int i = 0; i < p.fit().size(); i++) fit.add(key(p.fit(), i));
        for (int i = 0; i < TRAIN.size(); i++) all.add(key(TRAIN, i));
        for (int i = 0; i < p.validation().size(); i++) {
            String k = key(p.validation(), i);
            assertTrue(all.contains(k) && !fit.contains(k), "validation image " + i + " is also trained on");
        }
        assertEquals(TRAIN.shape(), p.fit().shape());
        assertEquals(TRAIN.classes(), p.validation().classes());
    }

    @Test
    void theSameImagesEveryTimeAndEveryClassHeldOut() {
        HeldOut.Parts a = HeldOut.split(TRAIN, 200), b = HeldOut.split(TRAIN, 200);
        int[] counts = new int[TRAIN.classes()];
        for (int i = 0; i < 200; i++) {
            assertEquals(key(a.validation(), i), key(b.validation(), i));
            counts[a.validation().label(i)]++;
        }
        // a seeded shuffle picks the images, so no class is left out whatever order a file keeps
        for (int c = 0; c < counts.length; c++) assertTrue(counts[c] >= 5, "class " + c + ": " + counts[c]);
    }

    @Test
    void noValidationKeepsTheWholeSetAndBadSizesAreRefused() {
        HeldOut.Parts none = HeldOut.split(TRAIN, 0);
        assertSame(TRAIN, none.fit());
        assertNull(none.validation());
        DataException e = assertThrows(DataException.class, () -> HeldOut.split(TRAIN, TRAIN.size()));
        assertTrue(e.getMessage().contains("data.validation must be between 0 and " + (TRAIN.size() - 1)), e.getMessage());
    }
}
