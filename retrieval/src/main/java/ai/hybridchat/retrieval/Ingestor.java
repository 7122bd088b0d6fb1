package ai.hybridchat.retrieval;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Files and folders into the index: {@link FileDocumentLoader} then {@link ChunkIndex#upsertAll}, one commit. */
public final class Ingestor {
    private final FileDocumentLoader loader;
    private final ChunkIndex index;

    public Ingestor(ChunkIndex index) {
        this(new FileDocumentLoader(), index);
    }

    public Ingestor(FileDocumentLoader loader, ChunkIndex index) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.index = Objects.requireNonNull(index, "index");
    }

    public IngestReport ingest(Collection<Path> paths) {
        return ingest(paths, IndexProgress.NONE);
    }

    public IngestReport ingest(Path... paths) {
        return ingest(List.of(paths));
    }

    /**
     * A full reindex from files: the index then holds exactly the documents that load (see
     * {@link ChunkIndex#replaceAll}). When none loads, nothing is replaced.
     */
    public IngestReport rebuild(Collection<Path> paths, IndexProgress progress) {
        LoadedDocuments loaded = loader.load(paths);
        List<IndexUpdate> updates = loaded.documents().isEmpty() ? List.of() : index.replaceAll(loaded.documents(), progress);
        return new IngestReport(updates, loaded.skipped());
    }

    public IngestReport ingest(Collection<Path> paths, IndexProgress progress) {
        LoadedDocuments loaded = loader.load(paths);
        List<IndexUpdate> updates = loaded.documents().isEmpty() ? List.of()
                : index.upsertAll(loaded.documents(), progress);
        return new IngestReport(updates, loaded.skipped());
    }
}
