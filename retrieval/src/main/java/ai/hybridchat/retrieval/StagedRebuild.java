package ai.hybridchat.retrieval;

import ai.hybridchat.core.Document;
import ai.hybridchat.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SlowCodecReaderWrapper;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A full rebuild of a live Lucene index: the new index is written beside it, in its own folder
 * ({@code PATH.rebuild}), reusing the stored vector of every chunk text the live index holds;
 * then the live writer drops its segments and takes the new ones. Nothing here commits: the
 * caller's commit makes the swap visible, in one step, and a crash before it leaves the last
 * committed index as it was.
 */
final class StagedRebuild {
    private final Path staging;
    private final Analyzer analyzer;
    private final ChunkWriter chunks;

    StagedRebuild(Path live, Analyzer analyzer, ChunkWriter chunks) {
        this.staging = live.resolveSibling(live.getFileName() + ".rebuild");
        this.analyzer = analyzer;
        this.chunks = chunks;
    }

    /**
     * Builds {@code documents} beside the index and swaps them into {@code writer}; reuses the
     * vectors of {@code live} (what is put back if the swap fails) unless {@code reuseVectors} is
     * false (the embedding model changed).
     */
    List<IndexUpdate> buildAndSwap(IndexWriter writer, IndexSearcher live, boolean reuseVectors, Collection<Document> documents,
                                   IndexProgress progress) throws IOException {
        try {
            AtomicFiles.deleteRecursively(staging);
            List<IndexUpdate> updates;
            try (Directory stagingDir = FSDirectory.open(staging)) {
                try (IndexWriter builder = new IndexWriter(stagingDir, new IndexWriterConfig(analyzer)
                        .setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
                    updates = chunks.writeAll(builder, reuseVectors ? live : null, documents, false, progress);
                    builder.commit();
                }
                // the swap (addIndexes takes the staging folder's write lock, so the builder is closed first);
                // nothing below is visible to searches until the caller commits
                writer.deleteAll();
                try {
                    writer.addIndexes(stagingDir);
                } catch (IOException | RuntimeException e) {
                    restore(writer, live);
                    throw e;
                }
            }
            return updates;
        } finally {
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException ignored) {
                // a leftover staging folder is removed by the next rebuild
            }
        }
    }

    /** Puts back the documents of {@code snapshot} after a failed swap, before anything was committed. */
    private static void restore(IndexWriter writer, IndexSearcher snapshot) throws IOException {
        writer.deleteAll();
        List<CodecReader> readers = new ArrayList<>();
        for (LeafReaderContext leaf : snapshot.getIndexReader().leaves()) {
            readers.add(SlowCodecReaderWrapper.wrap(leaf.reader()));
        }
        writer.addIndexes(readers.toArray(CodecReader[]::new));
    }
}
