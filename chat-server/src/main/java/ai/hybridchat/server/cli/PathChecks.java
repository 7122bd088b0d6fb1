package ai.hybridchat.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on paths given on the command line, before anything slow happens. */
final class PathChecks {
    private PathChecks() {
    }

    static Path requireDir(Path dir, String option) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + ": no such folder: " + dir);
        }
        return dir;
    }

    static Path requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + ": no such file: " + file);
        }
        return file;
    }

    static Path requireExists(Path path, String option) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(option + ": no such file or folder: " + path);
        }
        return path;
    }
}
