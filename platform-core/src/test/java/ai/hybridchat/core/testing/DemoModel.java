package ai.hybridchat.core.testing;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.ClasspathFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bundled demo model (platform-core's resources {@code demo/model}, the model {@code platform
 * serve} answers with) as a folder on disk, for any module's tests: copied once per test JVM,
 * deleted when it exits. Tests that change a model copy it into their own folder with {@link #copyTo}.
 */
public final class DemoModel {
    private static Path folder;

    private DemoModel() {
    }

    /** A shared read-only copy. */
    public static synchronized Path folder() {
        if (folder == null) {
            try {
                Path dir = Files.createTempDirectory("demo-model-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        AtomicFiles.deleteRecursively(dir);
                    } catch (IOException ignored) {
                        // a temporary folder
                    }
                }));
                folder = copyTo(dir.resolve("demo-model"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    /** A private copy in {@code dir}. */
    public static Path copyTo(Path dir) {
        if (new ClasspathFolder("demo/model").copyTo(dir) == 0) {
            throw new IllegalStateException("no demo model on the classpath (platform-core's resources demo/model)");
        }
        return dir;
    }
}
