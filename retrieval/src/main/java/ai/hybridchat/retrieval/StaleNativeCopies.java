package ai.hybridchat.retrieval;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * ONNX Runtime's Java binding copies its native libraries (16 MB) into a fresh
 * {@code onnxruntime-java*} folder of the system temp folder at every start and removes only the
 * files on a clean exit, so every start leaves an empty folder and every {@code kill -9} the
 * whole copy. Before it loads, the copies of earlier runs are removed: empty folders, and full
 * ones untouched for {@link #STALE} (a process that is starting extracts and loads within
 * seconds; one that runs keeps its libraries mapped, which Linux allows to be unlinked).
 */
final class StaleNativeCopies {
    static final String PREFIX = "onnxruntime-java";
    static final Duration STALE = Duration.ofMinutes(10);

    private StaleNativeCopies() {
    }

    /** Removes stale copies in {@code tempDir}; returns how many folders went. Never throws. */
    static int removeIn(Path tempDir, Instant now) {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, PREFIX + "*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && stale(dir, now) && delete(dir)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // housekeeping only: a folder we cannot read is left alone
        }
        return removed;
    }

    static int removeInSystemTemp() {
        return removeIn(Path.of(System.getProperty("java.io.tmpdir")), Instant.now());
    }

    private static boolean stale(Path dir, Instant now) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            if (files.findAny().isEmpty()) {
                return true;
            }
        }
        FileTime modified = Files.getLastModifiedTime(dir);
        return modified.toInstant().isBefore(now.minus(STALE));
    }

    private static boolean delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
