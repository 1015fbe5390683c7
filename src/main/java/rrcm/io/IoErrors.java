package rrcm.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Turns an IOException into the end of a sentence for the user. Many of them carry only a path as
 * their message ("NoSuchFileException: x"), which says nothing when printed after the file's name.
 */
final class IoErrors {
    private IoErrors() {}

    /** Describes the failure of an operation on {@code subject}, the file the sentence already names. */
    static String describe(IOException e, Path subject) {
        return switch (e) {
            case NoSuchFileException n -> "no such file or directory" + other(n, subject);
            case AccessDeniedException a -> "permission denied" + other(a, subject);
            case DirectoryNotEmptyException d -> "a non-empty directory is in the way" + other(d, subject);
            case NotDirectoryException n -> "not a directory" + other(n, subject);
            case CharacterCodingException c -> "the text is not valid UTF-8";
            case FileSystemException f when f.getReason() != null -> f.getReason() + other(f, subject);
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }

    // Names the path the system complained about when it is not the subject: a directory on the way
    // or a temporary file.
    private static String other(FileSystemException f, Path subject) {
        String path = f.getFile();
        return path == null || path.equals(subject.toString()) ? "" : " (" + path + ")";
    }
}
