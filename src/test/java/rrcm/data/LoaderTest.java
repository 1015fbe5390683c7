package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LoaderTest {
    private static final ImageShape SHAPE = new ImageShape(3, 16, 16);
    private static final List<Transform> VIEWS = List.of(Augment.viewA(16), Augment.viewB(12), Augment.weak(16));

    private static List<Batch> take(Loader loader, int count) {
        var out = new ArrayList<Batch>();
        for (int i = 0; i < count; i++) out.add(loader.next());
        return out;
    }

    private static void assertSameBatch(Batch expected, Batch actual) {
        assertEquals(expected.epoch(), actual.epoch());
        assertEquals(expected.index(), actual.index());
        assertArrayEquals(expected.samples(), actual.samples());
        assertArrayEquals(expected.labels(), actual.labels());
        assertEquals(expected.views().size(), actual.views().size());
        for (int v = 0; v < expected.views().size(); v++) assertArrayEquals(expected.view(v), actual.view(v));
    }

    @Test
    void sameBatchesForOneAndFourWorkers() {
        ImageDataset data = Fixtures.synthetic(50, SHAPE);
        List<Batch> one;
        List<Batch> four;
        try (var loader = new Loader(data, 8, true, 7, true, VIEWS, 1, 1)) {
            one = take(loader, 14); // crosses two epoch boundaries (6 batches per epoch)
        }
        try (var loader = new Loader(data, 8, true, 7, true, VIEWS, 4, 3)) {
            four = take(loader, 14);
        }
        for (int i = 0; i < one.size(); i++) assertSameBatch(one.get(i), four.get(i));
        assertEquals(2, one.get(13).epoch());
        assertEquals(1, one.get(13).index());
        // Shapes are (B, C, H, W) per view.
        assertEquals(8 * 3 * 12 * 12, one.get(0).view(1).length);
    }

    @Test
    void resumeGivesTheUninterruptedSequence() {
        ImageDataset data = Fixtures.synthetic(45, SHAPE);
        List<Batch> full;
        try (var loader = new Loader(data, 7, true, 99, false, VIEWS, 2, 2)) {
            assertEquals(7, loader.batchesPerEpoch());
            full = take(loader, 7 + 3 + 9);
        }
        try (var loader = new Loader(data, 7, true, 99, false, VIEWS, 3, 2)) {
            loader.startAt(1, 3);
            List<Batch> resumed = take(loader, 9);
            for (int i = 0; i < resumed.size(); i++) assertSameBatch(full.get(7 + 3 + i), resumed.get(i));
        }
    }

    @Test
    void everySampleOncePerEpochWithShuffle() {
        ImageDataset data = Fixtures.synthetic(103, new ImageShape(1, 4, 4));
        try (var loader = new Loader(data, 10, true, 5, false, List.of(Augment.none()), 2, 2)) {
            loader.endBefore(2);
            assertEquals(11, loader.batchesPerEpoch());
            int[][] seen = new int[2][103];
            int[] firstOrder = null;
            Batch b;
            int batches = 0;
            while ((b = loader.next()) != null) {
                batches++;
                assertEquals(b.index() == 10 ? 3 : 10, b.size());
                for (int i = 0; i < b.size(); i++) {
                    seen[b.epoch()][b.samples()[i]]++;
                    assertEquals(b.samples()[i] % 10, b.labels()[i]);
                    float[] expected = new float[16];
                    data.image(b.samples()[i], expected, 0);
                    assertArrayEquals(expected, Arrays.copyOfRange(b.view(0), i * 16, (i + 1) * 16));
                }
                if (b.epoch() == 0 && b.index() == 0) firstOrder = b.samples();
                if (b.epoch() == 1 && b.index() == 0) assertFalse(Arrays.equals(firstOrder, b.samples()), "epochs should be shuffled differently");
            }
            assertEquals(22, batches);
            for (int[] epoch : seen) for (int count : epoch) assertEquals(1, count);
            assertNull(loader.next());
        }
    }

    @Test
    void withoutShuffleTheOrderIsTheDataSetOrder() {
        ImageDataset data = Fixtures.synthetic(10, new ImageShape(1, 2, 2));
        try (var loader = new Loader(data, 4, false, 1, false, List.of(Augment.none()), 1, 1)) {
            loader.endBefore(1);
            assertArrayEquals(new int[] {0, 1, 2, 3}, loader.next().samples());
            assertArrayEquals(new int[] {4, 5, 6, 7}, loader.next().samples());
            assertArrayEquals(new int[] {8, 9}, loader.next().samples());
            assertNull(loader.next());
        }
    }

    @Test
    void dropLastDropsThePartialBatch() {
        ImageDataset data = Fixtures.synthetic(10, new ImageShape(1, 2, 2));
        try (var loader = new Loader(data, 4, false, 1, true, List.of(Augment.none()), 2, 2)) {
            assertEquals(2, loader.batchesPerEpoch());
            Batch b0 = loader.next();
            Batch b1 = loader.next();
            Batch b2 = loader.next();
            assertEquals(4, b1.size());
            assertEquals(1, b2.epoch());
            assertEquals(0, b2.index());
            assertArrayEquals(b0.samples(), b2.samples()); // no shuffle: the same order every epoch
        }
        assertThrows(DataException.class, () -> new Loader(data, 11, false, 1, true, List.of(Augment.none()), 1, 1));
    }

    @Test
    void viewThatCannotTakeTheImagesIsReportedUpFront() {
        ImageDataset data = Fixtures.synthetic(10, new ImageShape(1, 8, 8));
        var e = assertThrows(DataException.class, () -> new Loader(data, 2, false, 1, false, List.of(Augment.weak(16)), 1, 1));
        assertTrue(e.getMessage().contains("synthetic") && e.getMessage().contains("center crop 16"), e.getMessage());
    }

    @Test
    void workerExceptionSurfacesInTheConsumer() {
        ImageDataset good = Fixtures.synthetic(40, SHAPE);
        ImageDataset bad = new Delegate(good) {
            @Override
            public void image(int index, float[] dst, int offset) {
                if (index == 17) throw new DataException("photo-17.jpg: cannot be decoded (bad Huffman code)");
                super.image(index, dst, offset);
            }
        };
        try (var loader = new Loader(bad, 5, false, 1, true, VIEWS, 3, 2)) {
            assertNotNull(loader.next()); // 0..4
            assertNotNull(loader.next()); // 5..9
            assertNotNull(loader.next()); // 10..14
            var e = assertThrows(DataException.class, loader::next); // 15..19 holds 17
            assertEquals("photo-17.jpg: cannot be decoded (bad Huffman code)", e.getMessage());
            assertThrows(DataException.class, loader::next); // it stays failed
        }
        ImageDataset buggy = new Delegate(good) {
            @Override
            public int label(int index) {
                throw new ArithmeticException("label table broken");
            }
        };
        try (var loader = new Loader(buggy, 5, false, 1, true, VIEWS, 2, 2)) {
            var e = assertThrows(IllegalStateException.class, loader::next);
            assertEquals("label table broken", e.getMessage());
        }
    }

    @Test
    void closeStopsTheWorkersPromptly() throws Exception {
        var reads = new AtomicInteger();
        ImageDataset slow = new Delegate(Fixtures.synthetic(10_000, SHAPE)) {
            @Override
            public void image(int index, float[] dst, int offset) {
                reads.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.image(index, dst, offset);
            }
        };
        var loader = new Loader(slow, 64, true, 1, true, VIEWS, 4, 2);
        assertNotNull(loader.next());
        long start = System.nanoTime();
        loader.close();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 1000, "close took " + millis + " ms");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("rrcm-data-synthetic")),
                "worker threads still alive after close");
        int after = reads.get();
        Thread.sleep(100);
        assertEquals(after, reads.get(), "workers kept reading after close");
        // Far fewer reads than the data set: prefetch bounds the work ahead of the consumer.
        assertTrue(after <= 3 * 64, "read " + after + " images for one batch");
        assertThrows(IllegalStateException.class, loader::next);
        loader.close(); // twice is fine
    }

    @Test
    void rangeIsFixedOnceStarted() {
        ImageDataset data = Fixtures.synthetic(10, new ImageShape(1, 2, 2));
        try (var loader = new Loader(data, 4, false, 1, false, List.of(Augment.none()), 1, 1)) {
            assertThrows(IllegalArgumentException.class, () -> loader.startAt(0, 3));
            loader.next();
            assertThrows(IllegalStateException.class, () -> loader.startAt(0, 1));
        }
    }

    @Test
    void seedsSeparateTheirCoordinates() {
        assertTrue(Seeds.augmentation(1, 0, 1, 0) != Seeds.augmentation(1, 0, 0, 1));
        assertTrue(Seeds.augmentation(1, 1, 0, 0) != Seeds.augmentation(1, 0, 1, 0));
        assertTrue(Seeds.permutation(1, 0) != Seeds.permutation(2, 0));
        assertEquals(Seeds.augmentation(5, 2, 3, 1), Seeds.augmentation(5, 2, 3, 1));
    }

    /** Forwards everything to another data set; tests override one method. */
    private static class Delegate implements ImageDataset {
        private final ImageDataset inner;

        Delegate(ImageDataset inner) {
            this.inner = inner;
        }

        @Override public String name() { return inner.name(); }
        @Override public int size() { return inner.size(); }
        @Override public int channels() { return inner.channels(); }
        @Override public int height() { return inner.height(); }
        @Override public int width() { return inner.width(); }
        @Override public int classes() { return inner.classes(); }
        @Override public void image(int index, float[] dst, int offset) { inner.image(index, dst, offset); }
        @Override public int label(int index) { return inner.label(index); }
    }
}
