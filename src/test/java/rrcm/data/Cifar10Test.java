package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static rrcm.data.Fixtures.assertDataError;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {
    @TempDir
    Path dir;

    @Test
    void readsTwoRecordsAsChw() {
        byte[] pixels = Fixtures.randomBytes(7, 2 * 3072);
        Fixtures.write(dir.resolve("test_batch.bin"), Fixtures.cifarRecords(new byte[] {6, 9}, pixels));
        ImageDataset data = Cifar10.open(dir, Split.TEST);
        assertEquals(2, data.size());
        assertEquals(new ImageShape(3, 32, 32), data.shape());
        assertEquals(6, data.label(0));
        assertEquals(9, data.label(1));
        float[] image = new float[3072];
        for (int r = 0; r < 2; r++) {
            data.image(r, image, 0);
            // The file's R plane, G plane, B plane order is already CHW.
            for (int p = 0; p < 3072; p++) assertEquals((pixels[r * 3072 + p] & 0xFF) / 255f, image[p], 0f);
        }
    }

    @Test
    void readsFiveTrainingBatchesInOrderFromTheArchiveFolder() {
        Path sub = dir.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) {
            byte[] pixels = new byte[3072 * b];
            Arrays.fill(pixels, (byte) (10 * b));
            byte[] labels = new byte[b];
            Arrays.fill(labels, (byte) b);
            Fixtures.write(sub.resolve("data_batch_" + b + ".bin"), Fixtures.cifarRecords(labels, pixels));
        }
        ImageDataset data = Cifar10.open(dir, Split.TRAIN);
        assertEquals(1 + 2 + 3 + 4 + 5, data.size());
        float[] image = new float[3072];
        int i = 0;
        for (int b = 1; b <= 5; b++) {
            for (int r = 0; r < b; r++, i++) {
                assertEquals(b, data.label(i));
                data.image(i, image, 0);
                assertEquals(10 * b / 255f, image[3071], 0f);
            }
        }
    }

    @Test
    void sizeNotAMultipleOfARecord() {
        Fixtures.write(dir.resolve("test_batch.bin"), new byte[3073 + 5]);
        assertDataError("test_batch.bin", "size 3078 bytes is not a positive multiple of 3073", () -> Cifar10.open(dir, Split.TEST));
    }

    @Test
    void emptyFile() {
        Fixtures.write(dir.resolve("test_batch.bin"), new byte[0]);
        assertDataError("test_batch.bin", "not a positive multiple", () -> Cifar10.open(dir, Split.TEST));
    }

    @Test
    void labelAboveNine() {
        Fixtures.write(dir.resolve("test_batch.bin"), Fixtures.cifarRecords(new byte[] {3, 10}, new byte[2 * 3072]));
        assertDataError("test_batch.bin", "label 10 of record 1 is outside 0..9", () -> Cifar10.open(dir, Split.TEST));
    }

    @Test
    void missingBatch() {
        for (int b : new int[] {1, 2, 4, 5}) {
            Fixtures.write(dir.resolve("data_batch_" + b + ".bin"), Fixtures.cifarRecords(new byte[] {1}, new byte[3072]));
        }
        assertDataError("data_batch_3.bin", "not found", () -> Cifar10.open(dir, Split.TRAIN));
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("nope");
        assertDataError(missing.toString(), "no such directory", () -> Cifar10.open(missing, Split.TEST));
    }
}
