package ai.hybridchat.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of resources on the classpath (in {@code target/classes} or inside a jar), copied to
 * disk for the loaders that need real paths (Lucene, the model and tokenizer readers).
 */
public final class ClasspathFolder {
    private final String folder;

    public ClasspathFolder(String folder) {
        this.folder = folder.replaceAll("^/+|/+$", "");
    }

    /** True when the folder exists on the classpath and holds at least one file. */
    public boolean exists() {
        try {
            return Boolean.TRUE.equals(withRoot(root -> {
                try (Stream<Path> files = Files.walk(root)) {
                    return files.anyMatch(Files::isRegularFile);
                }
            }));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Copies every file of the folder under {@code target}, keeping the layout. A file already
     * there with the same content is left alone, so a second start copies nothing (a retrained
     * model of the same size is still noticed); each file is written under a temporary name and
     * moved into place, so an interrupted copy is redone.
     *
     * @return the number of files written
     */
    public int copyTo(Path target) {
        try {
            Integer copied = withRoot(root -> {
                int n = 0;
                List<Path> files;
                try (Stream<Path> walk = Files.walk(root)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    Path dest = target.resolve(root.relativize(file).toString());
                    if (sameContent(file, dest)) {
                        continue;
                    }
                    Files.createDirectories(dest.getParent());
                    Path tmp = dest.resolveSibling(dest.getFileName() + ".part");
                    Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    n++;
                }
                return n;
            });
            if (copied == null) {
                throw new IllegalStateException("classpath folder " + folder + " not found");
            }
            return copied;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + folder + " to " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameContent(Path a, Path b) throws IOException {
        if (!Files.isRegularFile(b) || Files.size(a) != Files.size(b)) {
            return false;
        }
        try (InputStream x = Files.newInputStream(a); InputStream y = Files.newInputStream(b)) {
            byte[] bx = new byte[1 << 16];
            byte[] by = new byte[1 << 16];
            while (true) {
                int nx = x.readNBytes(bx, 0, bx.length);
                int ny = y.readNBytes(by, 0, by.length);
                if (nx != ny || !Arrays.equals(bx, 0, nx, by, 0, ny)) {
                    return false;
                }
                if (nx == 0) {
                    return true;
                }
            }
        }
    }

    private interface RootAction<T> {
        T apply(Path root) throws IOException;
    }

    /** Runs {@code action} on the folder as a {@link Path}; null when there is no such folder. */
    private <T> T withRoot(RootAction<T> action) throws IOException {
        URL url = ClasspathFolder.class.getClassLoader().getResource(folder);
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("bad resource URL " + url, e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem fs;
            boolean opened = false;
            try {
                fs = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            } catch (FileSystemAlreadyExistsException e) {
                fs = FileSystems.getFileSystem(uri);
            }
            try {
                return action.apply(fs.getPath(folder));
            } finally {
                if (opened) {
                    fs.close();
                }
            }
        }
        return action.apply(Path.of(uri));
    }
}
