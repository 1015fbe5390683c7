package rrcm.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * An ImageNet-style directory: one sub-folder per class (classes numbered in sorted name order),
 * holding JPEG or PNG files (searched recursively, in sorted path order). Each image is decoded when
 * asked for, since the whole set does not fit in memory: shorter side resized to size * 256 / 224
 * (antialiased bilinear), then the central size x size square, as RGB. Reads are thread-safe: each
 * call decodes on its own.
 */
public final class ImageFolder implements ImageDataset {
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");

    private final Path root;
    private final int size;
    private final List<String> classNames;
    private final Path[] classDirs;
    // One entry per image: its path relative to its class folder (short strings: ImageNet has 1.28 M).
    private final String[] files;
    private final int[] labels;

    /** Scans {@code root}; fails if it has no class folders or a class folder has no images. */
    public ImageFolder(Path root, int size) {
        if (size <= 0) throw new IllegalArgumentException("image size must be positive, got " + size);
        this.root = Objects.requireNonNull(root);
        this.size = size;
        if (!Files.isDirectory(root)) throw new DataException(root + ": no such directory (expected one sub-folder of images per class)");
        List<Path> dirs = list(root).filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        if (dirs.isEmpty()) throw new DataException(root + ": no class folders (expected one sub-folder of images per class)");
        this.classDirs = dirs.toArray(Path[]::new);
        this.classNames = dirs.stream().map(p -> p.getFileName().toString()).toList();
        var names = new ArrayList<String>();
        var classes = new ArrayList<Integer>();
        for (int c = 0; c < classDirs.length; c++) {
            Path dir = classDirs[c];
            List<String> images = images(dir);
            if (images.isEmpty()) throw new DataException(dir + ": no .jpg, .jpeg or .png images in this class folder");
            for (String name : images) {
                names.add(name);
                classes.add(c);
            }
        }
        this.files = names.toArray(String[]::new);
        this.labels = classes.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String name() {
        return "image-folder " + root;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public int classes() {
        return classDirs.length;
    }

    /** Folder names, index = class label. */
    public List<String> classNames() {
        return classNames;
    }

    public Path file(int index) {
        return classDirs[labels[index]].resolve(files[index]);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void image(int index, float[] dst, int offset) {
        Path file = file(index);
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException(file + ": cannot be decoded (" + e.getMessage() + ")", e);
        }
        if (decoded == null) throw new DataException(file + ": not an image format this Java can decode");
        int h = decoded.getHeight();
        int w = decoded.getWidth();
        float[] rgb = rgbPlanes(decoded);
        // Shorter side to size * 256 / 224 (the evaluation resize of ImageNet), then the centre square;
        // both run as one resampling pass over the window of the resized image that the crop keeps.
        int shorter = size * 256 / 224;
        int rh = h <= w ? shorter : (int) ((long) shorter * h / w);
        int rw = h <= w ? (int) ((long) shorter * w / h) : shorter;
        var ys = Resample.axis(0, h, rh, CenterCrop.offset(rh, size), size);
        var xs = Resample.axis(0, w, rw, CenterCrop.offset(rw, size), size);
        float[] tmp = new float[Resample.scratchSize(3, ys, xs)];
        Resample.apply(rgb, 3, h, w, ys, xs, dst, offset, tmp);
    }

    /**
     * The image as three float planes in [0, 1]. Gray images are read from their raster: going
     * through getRGB would treat Java's linear gray colour space as needing a gamma change and
     * brighten them. Everything else converts to sRGB through getRGB (alpha is dropped).
     */
    static float[] rgbPlanes(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        float[] rgb = new float[3 * plane];
        var model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster raster = image.getRaster();
            float max = (float) ((1L << model.getComponentSize(0)) - 1);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    rgb[y * w + x] = v;
                    rgb[plane + y * w + x] = v;
                    rgb[2 * plane + y * w + x] = v;
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = row[x];
                    rgb[y * w + x] = ((p >> 16) & 0xFF) / 255f;
                    rgb[plane + y * w + x] = ((p >> 8) & 0xFF) / 255f;
                    rgb[2 * plane + y * w + x] = (p & 0xFF) / 255f;
                }
            }
        }
        return rgb;
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList().stream();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    /** Image files under a class folder, as sorted paths relative to it. */
    private static List<String> images(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !hidden(p) && isImage(p))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DataException(dir + ": cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) if (name.endsWith(ext)) return true;
        return false;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
