package rrcm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens a data set by the kind a run configuration names. */
public final class Datasets {
    public static final List<String> KINDS = List.of("fashion-mnist", "cifar10", "imagenet-folder", "embedded");
    /** Image side of imagenet-folder when the configuration gives none. */
    public static final int DEFAULT_FOLDER_SIZE = 224;

    private Datasets() {}

    /**
     * @param kind one of {@link #KINDS}
     * @param dirOrNull the data directory; null means the default for fashion-mnist (the Debian
     *     package's folder), and must be null for embedded. For imagenet-folder it is the folder
     *     holding train/ and val/ (or test/), each with one sub-folder per class.
     * @param imageSize the image side the run expects, or 0 for the data set's own. Fashion-MNIST
     *     (28) and CIFAR-10 (32) are not resized: a different size is an error, not a silent resize;
     *     the augmentation pipelines change sizes where the method asks for it.
     */
    public static ImageDataset open(String kind, Path dirOrNull, Split split, int imageSize) {
        if (imageSize < 0) throw new DataException("image size must be positive (or 0 for the data set's own), got " + imageSize);
        return switch (kind) {
            case "fashion-mnist" -> checkSize(FashionMnist.open(dirOrNull != null ? dirOrNull : FashionMnist.DEFAULT_DIR, split), imageSize);
            case "cifar10" -> checkSize(Cifar10.open(required(kind, dirOrNull), split), imageSize);
            case "imagenet-folder" -> new ImageFolder(splitFolder(required(kind, dirOrNull), split), imageSize > 0 ? imageSize : DEFAULT_FOLDER_SIZE);
            case "embedded" -> {
                if (dirOrNull != null) throw new DataException(dirOrNull + ": the embedded data set is inside the jar and takes no directory");
                yield checkSize(EmbeddedFashionMnist.open(split), imageSize);
            }
            case null, default -> throw new DataException("unknown data set kind '" + kind + "'; expected one of " + String.join(", ", KINDS));
        };
    }

    private static Path required(String kind, Path dir) {
        if (dir == null) throw new DataException("the " + kind + " data set needs a data directory");
        return dir;
    }

    private static ImageDataset checkSize(ImageDataset data, int imageSize) {
        if (imageSize > 0 && (data.height() != imageSize || data.width() != imageSize)) {
            throw new DataException(data.name() + ": images are " + data.height() + "x" + data.width() + ", not the " + imageSize + "x" + imageSize + " the run asks for");
        }
        return data;
    }

    /** train/ for training; val/ (ImageNet's name), else test/, for testing. */
    private static Path splitFolder(Path root, Split split) {
        if (!Files.isDirectory(root)) throw new DataException(root + ": no such directory (expected train/ and val/ folders of class folders)");
        if (split == Split.TRAIN) {
            Path train = root.resolve("train");
            if (!Files.isDirectory(train)) throw new DataException(train + ": not found (the training split of an image folder data set)");
            return train;
        }
        for (String name : List.of("val", "test")) {
            Path dir = root.resolve(name);
            if (Files.isDirectory(dir)) return dir;
        }
        throw new DataException(root.resolve("val") + ": not found (nor test/; the test split of an image folder data set)");
    }
}
