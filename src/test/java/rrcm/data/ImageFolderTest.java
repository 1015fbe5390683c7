package rrcm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rrcm.data.Fixtures.assertDataError;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    /** Left half one colour, right half another. */
    private static BufferedImage halves(int w, int h, int left, int right) {
        var image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) image.setRGB(x, y, x < w / 2 ? left : right);
        return image;
    }

    private static void save(BufferedImage image, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + format);
    }

    private void twoClasses() throws IOException {
        save(halves(40, 30, 0xFF0000, 0x0000FF), "png", dir.resolve("cat/b.png"));
        save(halves(30, 30, 0x00FF00, 0x00FF00), "png", dir.resolve("cat/a.PNG"));
        save(halves(48, 64, 0x808080, 0x808080), "jpg", dir.resolve("dog/x.jpg"));
        Files.writeString(dir.resolve("dog/notes.txt"), "not an image");
        Files.writeString(dir.resolve("README"), "top-level files are not classes");
    }

    @Test
    void classesAreSortedFoldersAndImagesSortedFiles() throws IOException {
        twoClasses();
        var data = new ImageFolder(dir, 16);
        assertEquals(List.of("cat", "dog"), data.classNames());
        assertEquals(2, data.classes());
        assertEquals(3, data.size());
        assertEquals(new ImageShape(3, 16, 16), data.shape());
        assertEquals(dir.resolve("cat/a.PNG"), data.file(0));
        assertEquals(dir.resolve("cat/b.png"), data.file(1));
        assertEquals(dir.resolve("dog/x.jpg"), data.file(2));
        assertArrayEquals(new int[] {0, 0, 1}, IntStream.range(0, 3).map(data::label).toArray());
    }

    @Test
    void decodesResizesAndCropsToRgb() throws IOException {
        twoClasses();
        var data = new ImageFolder(dir, 16);
        float[] image = new float[3 * 256];
        data.image(0, image, 0); // plain green
        for (int p = 0; p < 256; p++) {
            assertEquals(0f, image[p], 1e-6f);
            assertEquals(1f, image[256 + p], 1e-6f);
            assertEquals(0f, image[512 + p], 1e-6f);
        }
        // 40x30 red|blue: shorter side 30 -> 18, width 24, centre 16x16 keeps red on the left, blue on the right.
        data.image(1, image, 0);
        assertEquals(1f, image[0], 1e-6f); // red, top-left
        assertEquals(0f, image[512], 1e-6f);
        assertEquals(0f, image[15], 1e-6f); // top-right is blue
        assertEquals(1f, image[512 + 15], 1e-6f);
        // JPEG gray 128 stays near 128 / 255 in every channel.
        data.image(2, image, 0);
        for (int p = 0; p < 3 * 256; p++) assertEquals(128 / 255f, image[p], 3 / 255f);
    }

    @Test
    void grayscaleImagesBecomeRgbWithoutGammaShift() throws IOException {
        var gray = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 20; x++) gray.getRaster().setSample(x, y, 0, 128);
        save(gray, "png", dir.resolve("only/g.png"));
        var data = new ImageFolder(dir, 8);
        float[] image = new float[3 * 64];
        data.image(0, image, 0);
        for (float v : image) assertEquals(128 / 255f, v, 1e-6f);
    }

    @Test
    void writesAtAnOffsetAndIsThreadSafe() throws IOException {
        twoClasses();
        var data = new ImageFolder(dir, 16);
        int n = 3 * 256;
        float[] expected = new float[3 * n];
        for (int i = 0; i < 3; i++) data.image(i, expected, i * n);
        float[][] got = new float[24][];
        IntStream.range(0, 24).parallel().forEach(k -> {
            float[] all = new float[3 * n];
            for (int i = 0; i < 3; i++) data.image((i + k) % 3, all, ((i + k) % 3) * n);
            got[k] = all;
        });
        for (float[] all : got) assertArrayEquals(expected, all);
    }

    @Test
    void noClassFolders() throws IOException {
        Files.writeString(dir.resolve("a.png"), "x");
        assertDataError(dir.toString(), "no class folders", () -> new ImageFolder(dir, 16));
    }

    @Test
    void classFolderWithoutImages() throws IOException {
        twoClasses();
        Files.createDirectories(dir.resolve("empty"));
        assertDataError(dir.resolve("empty").toString(), "no .jpg, .jpeg or .png images", () -> new ImageFolder(dir, 16));
    }

    @Test
    void corruptImageNamesTheFile() throws IOException {
        twoClasses();
        Files.write(dir.resolve("dog/y.jpg"), new byte[] {1, 2, 3, 4});
        var data = new ImageFolder(dir, 16);
        assertDataError("y.jpg", "", () -> data.image(3, new float[3 * 256], 0));
    }

    @Test
    void missingRoot() {
        assertDataError(dir.resolve("none").toString(), "no such directory", () -> new ImageFolder(dir.resolve("none"), 16));
    }
}
