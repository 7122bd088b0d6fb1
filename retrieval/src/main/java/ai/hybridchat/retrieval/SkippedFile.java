package ai.hybridchat.retrieval;

import java.nio.file.Path;

/** A file that ingestion did not index, and why (unsupported type, unreadable, empty, ...). */
public record SkippedFile(Path path, String reason) {
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
