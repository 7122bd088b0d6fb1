package ai.hybridchat.retrieval;

import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
        return rebuild(paths, progress, () -> { });
    }

    /**
     * As above, running {@code afterLoad} between reading the files and swapping them in: the
     * window in which a change to the folder would be lost unless the caller serialises changes
     * with rebuilds (tests widen it to show that it does).
     */
    public IngestReport rebuild(Collection<Path> paths, IndexProgress progress, Runnable afterLoad) {
        LoadedDocuments loaded = loader.load(paths);
        afterLoad.run();
        List<IndexUpdate> updates = loaded.documents().isEmpty() ? List.of() : index.replaceAll(loaded.documents(), progress);
        return new IngestReport(updates, loaded.skipped());
    }

    /** As {@link #rebuild(Collection, IndexProgress)}, every vector made anew by {@code model}, which the index uses from then on. */
    public IngestReport rebuild(Collection<Path> paths, IndexProgress progress, EmbeddingModel model) {
        LoadedDocuments loaded = loader.load(paths);
        List<IndexUpdate> updates = index.replaceAll(loaded.documents(), progress, model);
        return new IngestReport(updates, loaded.skipped());
    }

    /**
     * Brings the index in line with a documents folder: files added or changed since are indexed
     * (by content hash, unchanged ones are not rewritten), and documents whose file is gone (or
     * no longer loads) are deleted. What {@code serve}, {@code eval} and {@code search} do with a
     * data folder before they answer, so answers never come from an old index.
     */
    public IngestReport sync(Path folder) {
        LoadedDocuments loaded = loader.load(List.of(folder));
        List<IndexUpdate> updates = loaded.documents().isEmpty() ? List.of()
                : index.upsertAll(loaded.documents(), IndexProgress.NONE);
        Set<String> present = new HashSet<>();
        loaded.documents().forEach(d -> present.add(d.id()));
        List<String> deleted = new ArrayList<>();
        for (IndexedDocument d : index.documents()) {
            if (!present.contains(d.docId()) && index.delete(d.docId())) {
                deleted.add(d.docId());
            }
        }
        return new IngestReport(updates, loaded.skipped(), deleted);
    }

    public IngestReport ingest(Collection<Path> paths, IndexProgress progress) {
        LoadedDocuments loaded = loader.load(paths);
        List<IndexUpdate> updates = loaded.documents().isEmpty() ? List.of()
                : index.upsertAll(loaded.documents(), progress);
        return new IngestReport(updates, loaded.skipped());
    }
}
