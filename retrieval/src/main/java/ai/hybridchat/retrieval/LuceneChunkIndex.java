package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The embedded {@link ChunkIndex}: a Lucene directory on the local disk, Lucene documents laid out by {@link ChunkSchema}, BM25 over the
 * {@code EnglishAnalyzer}-analysed text and an HNSW graph over the chunk embeddings.
 *
 * <p>Writes go through one {@link IndexWriter}; searches through a near-real-time
 * {@link SearcherManager}, refreshed after every write, so a search sees a document as soon as
 * the call that added it returns. Every public write ends with a commit: a crash loses at most
 * the write in progress and the index reopens at the last commit.
 *
 * <p>Updating is by document id: all chunks of the document are replaced atomically
 * ({@link IndexWriter#updateDocuments}). A document whose title, source and chunk hashes equal
 * the indexed ones is {@link IndexUpdate.Outcome#UNCHANGED} and not rewritten; in a changed
 * document, a chunk whose text hash matches an indexed chunk of that document reuses its stored
 * vector instead of being embedded again.
 *
 * <p>The embedding model is optional. Without one the index is lexical-only: BM25 works, dense
 * search does not. The model's name and dimension are recorded in the commit data, and opening
 * with a model of a different dimension is refused rather than left to fail on the first write.
 *
 * <p>One writer may hold a directory at a time (Lucene's write lock). Other processes can
 * {@link #openReadOnly read} it meanwhile; they see each new commit.
 */
public final class LuceneChunkIndex implements ChunkIndex {
    private static final String META_MODEL = "embedding.model";
    private static final String META_DIMENSION = "embedding.dimension";
    private static final String META_CHUNKER = "chunker";

    private final Path path;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Chunker chunker;
    private final Analyzer analyzer;
    private volatile int storedDimension;
    /** Everything that depends on the embedding model, swapped as one by a re-embedding rebuild. */
    private volatile Embedding embedding;
    /** The index's vectors were made by another model than the attached one: only a full rebuild may write. */
    private volatile boolean embeddingModelChanged;

    private LuceneChunkIndex(Path path, Directory directory, IndexWriter writer, SearcherManager searchers,
                       Chunker chunker, BatchEmbedder embedder, Analyzer analyzer, int storedDimension,
                       boolean embeddingModelChanged) {
        this.embeddingModelChanged = embeddingModelChanged;
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.chunker = chunker;
        this.analyzer = analyzer;
        this.storedDimension = storedDimension;
        this.embedding = Embedding.of(path, chunker, analyzer, embedder);
    }

    /** The embedder and what writes with it: the chunk planner, the chunk writer, the staged rebuild. */
    private record Embedding(BatchEmbedder embedder, ChunkPlanner planner, ChunkWriter chunkWriter, StagedRebuild rebuild) {
        static Embedding of(Path path, Chunker chunker, Analyzer analyzer, BatchEmbedder embedder) {
            ChunkPlanner planner = new ChunkPlanner(chunker, embedder);
            ChunkWriter writer = new ChunkWriter(planner, embedder);
            return new Embedding(embedder, planner, writer, new StagedRebuild(path, analyzer, writer));
        }
    }

    /** Opens (creating if needed) the index at {@code dir} for writing, with the default chunker. */
    public static LuceneChunkIndex open(Path dir, EmbeddingModel model) {
        return open(dir, model, Chunker.defaults());
    }

    /**
     * Opens (creating if needed) the index at {@code dir} for writing.
     *
     * @param model the embedding model, or null for a lexical-only index
     * @param chunker how documents are split on the way in
     */
    public static LuceneChunkIndex open(Path dir, EmbeddingModel model, Chunker chunker) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(chunker, "chunker");
        BatchEmbedder embedder = model == null ? null : new BatchEmbedder(model);
        Directory directory = null;
        IndexWriter writer = null;
        try {
            Files.createDirectories(dir);
            directory = FSDirectory.open(dir);
            int stored = storedDimension(directory);
            checkDimension(dir, stored, embedder);
            Analyzer analyzer = new EnglishAnalyzer();
            IndexWriterConfig config = new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            writer = new IndexWriter(directory, config);
            int dimension = embedder != null ? embedder.dimension() : stored;
            if (stored < 0) {
                setCommitData(writer, embedder, chunker);
                writer.commit();
            }
            SearcherManager searchers = new SearcherManager(writer, null);
            return new LuceneChunkIndex(dir, directory, writer, searchers, chunker, embedder, analyzer, dimension,
                    modelChanged(directory, embedder));
        } catch (IOException e) {
            closeQuietly(writer, directory);
            throw new UncheckedIOException("cannot open index at " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(writer, directory);
            throw e;
        }
    }

    /**
     * Opens an existing index for searching only, alongside a writer in another process.
     *
     * @param model the embedding model for dense queries, or null for BM25 only
     * @throws IllegalArgumentException when there is no index at {@code dir}
     */
    public static LuceneChunkIndex openReadOnly(Path dir, EmbeddingModel model) {
        Objects.requireNonNull(dir, "dir");
        BatchEmbedder embedder = model == null ? null : new BatchEmbedder(model);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no index at " + dir);
        }
        Directory directory = null;
        try {
            directory = FSDirectory.open(dir);
            int stored = storedDimension(directory);
            if (stored < 0) {
                throw new IllegalArgumentException("no index at " + dir);
            }
            checkDimension(dir, stored, embedder);
            if (modelChanged(directory, embedder)) {
                throw new IllegalStateException("index at " + dir + " holds vectors of the embedding model "
                        + storedModel(directory) + ", not of " + embedder.modelName()
                        + ": search it with the model it was built with (--embedding-model), or rebuild it (platform index --full)");
            }
            SearcherManager searchers = new SearcherManager(directory, null);
            return new LuceneChunkIndex(dir, directory, null, searchers, Chunker.defaults(), embedder,
                    new EnglishAnalyzer(), stored, false);
        } catch (IOException e) {
            closeQuietly(null, directory);
            throw new UncheckedIOException("cannot open index at " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(null, directory);
            throw e;
        }
    }

    /** The embedding dimension recorded in the last commit, 0 for lexical-only, -1 when there is no index. */
    private static int storedDimension(Directory directory) throws IOException {
        try {
            Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
            return Integer.parseInt(data.getOrDefault(META_DIMENSION, "0"));
        } catch (IndexNotFoundException e) {
            return -1;
        }
    }

    /** The embedding model recorded in the last commit, null when none is (lexical-only, or no index yet). */
    private static String storedModel(Directory directory) throws IOException {
        try {
            return SegmentInfos.readLatestCommit(directory).getUserData().get(META_MODEL);
        } catch (IndexNotFoundException e) {
            return null;
        }
    }

    private static boolean modelChanged(Directory directory, BatchEmbedder embedder) throws IOException {
        String stored = storedModel(directory);
        return embedder != null && stored != null && !stored.equals(embedder.modelName());
    }

    /**
     * True when the index was built with another embedding model than the one it was opened with:
     * its vectors and the queries' would live in different spaces, so dense and fused search are
     * wrong and adding documents is refused until a full rebuild ({@link #replaceAll}) re-embeds
     * every chunk with the new model.
     */
    @Override
    public boolean embeddingModelChanged() {
        return embeddingModelChanged;
    }

    @Override
    public String embeddingModelName() {
        BatchEmbedder embedder = embedding.embedder();
        return embedder == null ? null : embedder.modelName();
    }

    private static void checkDimension(Path dir, int stored, BatchEmbedder embedder) {
        if (embedder != null && stored > 0 && stored != embedder.dimension()) {
            throw new IllegalStateException("index at " + dir + " holds " + stored + "-dimensional vectors of another model but "
                    + embedder.modelName() + " makes " + embedder.dimension()
                    + "-dimensional ones; use the model it was built with (--embedding-model) or index into a new folder");
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String location() {
        return path.toString();
    }

    @Override
    public ChunkSearch searcher(SearchOptions options) {
        return new LuceneChunkSearcher(new LuceneSearchSource() {
            @Override
            public IndexSearcher acquire() {
                return LuceneChunkIndex.this.acquire();
            }

            @Override
            public void release(IndexSearcher searcher) {
                LuceneChunkIndex.this.release(searcher);
            }

            @Override
            public Analyzer analyzer() {
                return analyzer;
            }

            @Override
            public BatchEmbedder embedder() {
                return embedding.embedder();
            }

            @Override
            public String location() {
                return path.toString();
            }

            @Override
            public boolean embeddingModelChanged() {
                return embeddingModelChanged;
            }
        }, options);
    }

    @Override
    public boolean isReadOnly() {
        return writer == null;
    }

    /** True when dense search is possible: an embedding model is attached. */
    @Override
    public boolean hasEmbeddings() {
        return embedding.embedder() != null;
    }

    @Override
    public Chunker chunker() {
        return chunker;
    }

    /**
     * Indexes documents in one commit, embedding chunks in batches across documents. When two
     * documents share an id the last one wins. Returns one update per distinct id, in order.
     */
    @Override
    public synchronized List<IndexUpdate> upsertAll(Collection<Document> documents, IndexProgress progress) {
        requireWritable();
        BatchEmbedder embedder = embedding.embedder();
        if (embedder == null && storedDimension > 0) {
            throw new IllegalStateException("index at " + path + " stores vectors; open it with its embedding model to write");
        }
        if (embeddingModelChanged) {
            throw new IllegalStateException("index at " + path + " holds vectors of another embedding model than "
                    + embedder.modelName() + ": rebuild it first (platform index --full, or the admin reindex)");
        }
        List<IndexUpdate> updates;
        IndexSearcher searcher = acquire();
        try {
            updates = embedding.chunkWriter().writeAll(writer, searcher, documents, true, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("indexing into " + path + " failed: " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
        commit();
        return updates;
    }

    /**
     * A full reindex: afterwards the index holds exactly {@code documents}. The new index is built
     * beside the live one, in its own folder ({@code PATH.rebuild}), reusing the stored vector of
     * every chunk text that is already indexed; then, under the write lock, the live index drops
     * its segments and takes the new ones in a single commit. Searches hold the old point-in-time
     * reader until that commit and the new one after it, so they never fail and never see a
     * half-built index; a crash before the commit leaves the last committed index as it was.
     */
    @Override
    public synchronized List<IndexUpdate> replaceAll(Collection<Document> documents, IndexProgress progress) {
        requireWritable();
        List<IndexUpdate> updates;
        IndexSearcher live = acquire();
        try {
            boolean changed = embeddingModelChanged;
            updates = embedding.rebuild().buildAndSwap(writer, live, !changed, documents, progress);
            embeddingModelChanged = false; // every vector is the attached model's now: the commit records it
            try {
                commit();
            } catch (RuntimeException e) {
                embeddingModelChanged = changed;
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("full reindex of " + path + " failed (the index is unchanged): " + e.getMessage(), e);
        } finally {
            release(live);
        }
        return updates;
    }

    /**
     * A full reindex with another embedding model ({@code model}, of any dimension): every
     * chunk is embedded by it beside the live index and swapped in with one commit, as
     * {@link #replaceAll(Collection, IndexProgress)} does; from that commit on, queries and
     * additions use the new model and the commit records its name. A search that took the old
     * reader just before the swap may embed its query with the new model: one query's dense list
     * scored across models, never a failure.
     */
    @Override
    public synchronized List<IndexUpdate> replaceAll(Collection<Document> documents, IndexProgress progress, EmbeddingModel model) {
        requireWritable();
        Objects.requireNonNull(model, "model");
        BatchEmbedder next = new BatchEmbedder(model);
        Embedding previous = embedding;
        boolean changed = embeddingModelChanged;
        Embedding staged = Embedding.of(path, chunker, analyzer, next);
        List<IndexUpdate> updates;
        IndexSearcher live = acquire();
        try {
            updates = staged.rebuild().buildAndSwap(writer, live, false, documents, progress);
            int dimension = storedDimension;
            embedding = staged;
            embeddingModelChanged = false;
            storedDimension = next.dimension();
            try {
                commit();
            } catch (RuntimeException e) {
                embedding = previous;
                embeddingModelChanged = changed;
                storedDimension = dimension;
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("re-embedding " + path + " failed (the index is unchanged): " + e.getMessage(), e);
        } finally {
            release(live);
        }
        return updates;
    }

    /** Removes every chunk of a document and commits; false when it was not indexed. */
    @Override
    public synchronized boolean delete(String docId) {
        requireWritable();
        try {
            Term term = new Term(ChunkSchema.DOC_ID, docId);
            IndexSearcher searcher = acquire();
            int existing;
            try {
                existing = searcher.count(new TermQuery(term));
            } finally {
                release(searcher);
            }
            if (existing == 0) {
                return false;
            }
            writer.deleteDocuments(term);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting '" + docId + "' from " + path + " failed: " + e.getMessage(), e);
        }
        commit();
        return true;
    }

    /** Removes everything and commits (a reindex starts here). */
    @Override
    public synchronized void clear() {
        requireWritable();
        try {
            writer.deleteAll();
        } catch (IOException e) {
            throw new UncheckedIOException("clearing " + path + " failed: " + e.getMessage(), e);
        }
        commit();
    }

    /** Makes every write so far durable and visible to searches. Public writes already commit. */
    @Override
    public synchronized void commit() {
        requireWritable();
        try {
            setCommitData(writer, embeddingModelChanged ? null : embedding.embedder(), chunker);
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("commit to " + path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int documentCount() {
        return withSearcher(s -> new IndexListing(s, embedding.planner()).documentCount());
    }

    @Override
    public int chunkCount() {
        return withSearcher(s -> new IndexListing(s, embedding.planner()).chunkCount());
    }

    /** Every indexed document, ordered by id. */
    @Override
    public List<IndexedDocument> documents() {
        return withSearcher(s -> new IndexListing(s, embedding.planner()).documents());
    }

    /** The chunks of one document in order, empty when it is not indexed. */
    @Override
    public List<Chunk> chunks(String docId) {
        return withSearcher(s -> new IndexListing(s, embedding.planner()).chunks(docId));
    }

    @Override
    public synchronized void close() {
        try {
            searchers.close();
            if (writer != null) {
                setCommitData(writer, embeddingModelChanged ? null : embedding.embedder(), chunker);
                writer.close();
            }
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing index at " + path + " failed: " + e.getMessage(), e);
        }
    }

    // ---- for the searcher ----

    Analyzer analyzer() {
        return analyzer;
    }

    BatchEmbedder embedder() {
        return embedding.embedder();
    }

    /** A point-in-time searcher; hand it back with {@link #release}. */
    IndexSearcher acquire() {
        try {
            if (writer == null) {
                searchers.maybeRefresh();
            }
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + path + ": " + e.getMessage(), e);
        }
    }

    void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    <T> T withSearcher(SearcherFunction<T> function) {
        IndexSearcher searcher = acquire();
        try {
            return function.apply(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " failed: " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    // ---- writing ----

    private void requireWritable() {
        if (writer == null) {
            throw new IllegalStateException("index at " + path + " was opened read-only");
        }
    }

    /** {@code embedder} null keeps the recorded model (a lexical-only writer, or vectors not yet remade by a new model). */
    private static void setCommitData(IndexWriter writer, BatchEmbedder embedder, Chunker chunker) {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> previous = writer.getLiveCommitData();
        if (previous != null) {
            previous.forEach(e -> data.put(e.getKey(), e.getValue()));
        }
        if (embedder != null) {
            data.put(META_MODEL, embedder.modelName());
            data.put(META_DIMENSION, Integer.toString(embedder.dimension()));
        } else {
            data.putIfAbsent(META_DIMENSION, "0");
        }
        data.put(META_CHUNKER, chunker.toString());
        writer.setLiveCommitData(data.entrySet());
    }

    private static void closeQuietly(IndexWriter writer, Directory directory) {
        try {
            if (writer != null) {
                writer.rollback();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        try {
            if (directory != null) {
                directory.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
    }

    @Override
    public String toString() {
        return "LuceneChunkIndex[" + path + (writer == null ? ", read-only" : "") + "]";
    }

    /** Reads the last commit's documents without opening a writer (a quick look for tooling). */
    static int committedChunkCount(Path dir) throws IOException {
        try (Directory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
            return r.numDocs();
        }
    }
}
