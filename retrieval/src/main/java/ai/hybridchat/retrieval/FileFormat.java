package ai.hybridchat.retrieval;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The file types ingestion understands, recognised by extension. */
public enum FileFormat {
    TEXT("txt"),
    MARKDOWN("md", "markdown"),
    HTML("html", "htm"),
    PDF("pdf");

    private final List<String> extensions;

    FileFormat(String... extensions) {
        this.extensions = List.of(extensions);
    }

    public List<String> extensions() {
        return extensions;
    }

    /** The format of {@code file} by its extension (case-insensitive), empty when unsupported. */
    public static Optional<FileFormat> of(Path file) {
        String ext = extension(file);
        return Arrays.stream(values()).filter(f -> f.extensions.contains(ext)).findFirst();
    }

    /** Every supported extension, for messages: {@code .txt, .md, ...}. */
    public static String supportedList() {
        return String.join(", ", Arrays.stream(values())
                .flatMap(f -> f.extensions.stream()).map(e -> "." + e).toList());
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The stable document id of a file: its name without the extension. */
    public static String documentId(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }
}
