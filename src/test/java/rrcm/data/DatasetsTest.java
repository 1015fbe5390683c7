package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static rrcm.data.Fixtures.assertDataError;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void embeddedSubsetIsBalanced() {
        ImageDataset train = Datasets.open("embedded", null, Split.TRAIN, 0);
        ImageDataset test = Datasets.open("embedded", null, Split.TEST, 28);
        assertEquals(2000, train.size());
        assertEquals(500, test.size());
        for (ImageDataset data : new ImageDataset[] {train, test}) {
            assertEquals(new ImageShape(1, 28, 28), data.shape());
            assertEquals(10, data.classes());
            int[] counts = new int[10];
            for (int i = 0; i < data.size(); i++) counts[data.label(i)]++;
            for (int c : counts) assertEquals(data.size() / 10, c);
        }
        // Real images, not blanks: Fashion-MNIST items cover a good part of the frame.
        float[] image = new float[784];
        train.image(0, image, 0);
        int lit = 0;
        for (float v : image) if (v > 0.1f) lit++;
        assertTrue(lit > 100, "first embedded image looks empty");
    }

    @Test
    void embeddedSubsetIsTheFirstOfEachClassOfTheFullSet() {
        Path full = FashionMnist.DEFAULT_DIR;
        assumeTrue(Files.isDirectory(full), "the full Fashion-MNIST is not installed here");
        ImageDataset test = EmbeddedFashionMnist.open(Split.TEST);
        ImageDataset original = FashionMnist.open(full, Split.TEST);
        int[] chosen = MakeEmbeddedSubset.firstOfEachClass(original, EmbeddedFashionMnist.TEST_PER_CLASS);
        float[] a = new float[784];
        float[] b = new float[784];
        for (int i = 0; i < chosen.length; i += 37) {
            test.image(i, a, 0);
            original.image(chosen[i], b, 0);
            assertArrayEquals(b, a);
            assertEquals(original.label(chosen[i]), test.label(i));
        }
    }

    @Test
    void fixedSizeDataSetsRejectAnotherSize() {
        assertDataError("embedded fashion-mnist train", "not the 32x32", () -> Datasets.open("embedded", null, Split.TRAIN, 32));
    }

    @Test
    void unknownKind() {
        var e = assertThrows(DataException.class, () -> Datasets.open("mnist", null, Split.TRAIN, 0));
        assertTrue(e.getMessage().contains("'mnist'") && e.getMessage().contains("cifar10"), e.getMessage());
    }

    @Test
    void directoryRules() {
        assertDataError(dir.toString(), "takes no directory", () -> Datasets.open("embedded", dir, Split.TRAIN, 0));
        assertDataError("cifar10", "needs a data directory", () -> Datasets.open("cifar10", null, Split.TRAIN, 0));
        assertDataError("imagenet-folder", "needs a data directory", () -> Datasets.open("imagenet-folder", null, Split.TRAIN, 0));
    }

    @Test
    void cifarThroughTheFactory() {
        Fixtures.write(dir.resolve("test_batch.bin"), Fixtures.cifarRecords(new byte[] {4}, new byte[3072]));
        ImageDataset data = Datasets.open("cifar10", dir, Split.TEST, 32);
        assertEquals(1, data.size());
        assertEquals(4, data.label(0));
    }

    @Test
    void imageFolderSplits() throws IOException {
        var image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (String f : new String[] {"train/a/1.png", "train/b/1.png", "val/a/1.png"}) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            ImageIO.write(image, "png", p.toFile());
        }
        ImageDataset train = Datasets.open("imagenet-folder", dir, Split.TRAIN, 0);
        assertEquals(2, train.size());
        assertEquals(224, train.height());
        ImageDataset val = Datasets.open("imagenet-folder", dir, Split.TEST, 32);
        assertEquals(1, val.size());
        assertEquals(32, val.width());
        Path other = dir.resolve("other");
        assertDataError(other.resolve("train").toString(), "not found", () -> {
            Files.createDirectories(other);
            Datasets.open("imagenet-folder", other, Split.TRAIN, 0);
        });
    }
}
