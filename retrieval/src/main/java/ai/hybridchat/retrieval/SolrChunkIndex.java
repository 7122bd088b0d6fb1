package ai.hybridchat.retrieval;

import ai.hybridchat.core.Chunk;
import ai.hybridchat.core.Document;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudLegacySolrClient;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.util.ContentStreamBase;

/**
 * The chunk index on a SolrCloud cluster: the same chunks, fields and updates as the local
 * {@link LuceneChunkIndex}, in a sharded, replicated collection written and searched through
 * SolrJ ({@link SolrChunkSearcher}).
 *
 * <p>The configured name is a collection <em>alias</em>: the data lives in a generation
 * {@code NAME_<stamp>}. A full reindex builds the next generation beside the live one and moves the
 * alias in one call, so other clients never see a half-built collection; this client reads and
 * writes the generation it knows, so its writes are visible to its next search at once (an
 * alias is cached by clients for a few seconds). The generation before the live one is kept until
 * the next full reindex, for searches still in flight on it. A plain collection of the configured
 * name (created by an operator) is used as it is, and its full reindex replaces the documents in
 * one commit instead.
 *
 * <p>Every write ends with a hard commit that waits for the new searcher: durable and visible when
 * it returns. The embedding model and dimension are recorded in the collection itself (one
 * document without a {@code docId}), so a client with another model gets the local index's error.
 */
public final class SolrChunkIndex implements ChunkIndex {
    static final String META_ID = "_index";
    static final String META_MODEL = "indexModel";
    static final String META_DIMENSION = "indexDimension";
    /** Documents per update request. */
    static final int BATCH = 500;

    /**
     * Where the collection lives and how it is laid out when this client creates it: the cluster
     * by its Solr node URLs or by its ZooKeeper ensemble ({@code zk1:2181,zk2:2181/solr}, the
     * chroot after the first slash), one of the two.
     */
    public record Settings(List<String> solrUrls, String zkHost, String collection, int shards, int replicationFactor) {
        public Settings {
            solrUrls = solrUrls == null ? List.of() : List.copyOf(solrUrls);
            if (solrUrls.isEmpty() == (zkHost == null || zkHost.isBlank())) {
                throw new IllegalArgumentException("retrieval.solr: give the cluster's node URLs (urls: [http://host:8983/solr]) "
                        + "or its ZooKeeper ensemble (zkHosts: zk1:2181,zk2:2181/solr), one of the two");
            }
            if (collection == null || !collection.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("retrieval.solr.collection: letters, digits, '.', '_' and '-', got " + collection);
            }
            if (shards < 1 || replicationFactor < 1) {
                throw new IllegalArgumentException("retrieval.solr: shards and replicationFactor must be at least 1");
            }
        }

        /** By node URLs. */
        public Settings(List<String> solrUrls, String collection, int shards, int replicationFactor) {
            this(solrUrls, null, collection, shards, replicationFactor);
        }

        /** The client: over ZooKeeper (it watches the cluster's state) or over the nodes' HTTP API. */
        CloudSolrClient client() {
            if (solrUrls.isEmpty()) {
                int slash = zkHost.indexOf('/');
                List<String> hosts = List.of((slash < 0 ? zkHost : zkHost.substring(0, slash)).split(","));
                return new CloudLegacySolrClient.Builder(hosts, Optional.ofNullable(slash < 0 ? null : zkHost.substring(slash))).build();
            }
            return new CloudLegacySolrClient.Builder(solrUrls).build();
        }

        String where() {
            return solrUrls.isEmpty() ? "zk:" + zkHost : String.join(",", solrUrls);
        }
    }

    /** The embedder and the write loop that uses it, replaced as one when a rebuild changes the model. */
    private record Embedding(BatchEmbedder embedder, ChunkWriter chunkWriter) {
        static Embedding of(Chunker chunker, BatchEmbedder embedder) {
            return new Embedding(embedder, new ChunkWriter(new ChunkPlanner(chunker, embedder), embedder));
        }
    }

    private final Settings settings;
    private final CloudSolrClient client;
    private final Chunker chunker;
    private volatile Embedding embedding;
    /** The vector dimension of the live generation's schema, 0 for a lexical-only one. */
    private volatile int storedDimension;
    private final boolean aliased;
    private volatile String live;
    private volatile String previous;
    private volatile boolean embeddingModelChanged;

    private SolrChunkIndex(Settings settings, CloudSolrClient client, Chunker chunker, BatchEmbedder embedder, int storedDimension,
                           boolean aliased, String live, boolean modelChanged) {
        this.settings = settings;
        this.client = client;
        this.chunker = chunker;
        this.embedding = Embedding.of(chunker, embedder);
        this.storedDimension = storedDimension;
        this.aliased = aliased;
        this.live = live;
        this.embeddingModelChanged = modelChanged;
    }

    /**
     * Connects to the cluster and opens the collection (alias) of {@code settings}, creating its
     * configset, first generation and alias when the cluster has none of that name.
     *
     * @param model the embedding model, or null for a lexical-only collection
     */
    public static SolrChunkIndex open(Settings settings, EmbeddingModel model, Chunker chunker) {
        Objects.requireNonNull(chunker, "chunker");
        BatchEmbedder embedder = model == null ? null : new BatchEmbedder(model);
        CloudSolrClient client = settings.client();
        try {
            String name = settings.collection();
            Map<String, String> aliases = new CollectionAdminRequest.ListAliases().process(client).getAliases();
            List<String> collections = CollectionAdminRequest.listCollections(client);
            int dimension = embedder == null ? 0 : embedder.dimension();
            String live;
            boolean aliased;
            if (aliases.containsKey(name)) {
                live = aliases.get(name);
                aliased = true;
            } else if (collections.contains(name)) {
                live = name;
                aliased = false;
            } else {
                live = createGeneration(client, settings, dimension);
                writeRecord(client, live, embedder);
                CollectionAdminRequest.createAlias(name, live).process(client);
                aliased = true;
            }
            Map<String, Object> record = record(client, live);
            if (record == null && embedder != null && count(client, live, ChunkSchema.ORDINAL + ":[* TO *]") == 0) {
                // an empty collection an operator made from the configset: it records this client's model (a
                // BM25-only client records nothing, since it cannot tell whether the schema holds vectors)
                writeRecord(client, live, embedder);
                record = record(client, live);
            }
            int stored = record == null ? (dimension) : ((Number) record.getOrDefault(META_DIMENSION, 0)).intValue();
            String storedModel = record == null ? null : (String) record.get(META_MODEL);
            if (embedder != null && stored > 0 && stored != dimension) {
                throw new IllegalStateException("Solr collection " + name + " holds " + stored + "-dimensional vectors of another model but "
                        + embedder.modelName() + " makes " + dimension + "-dimensional ones; use the model it was built with "
                        + "(--embedding-model) or another collection");
            }
            // a lexical-only generation has no vector field: it takes vectors after a rebuild, as another model's would
            boolean changed = embedder != null && (stored == 0 || storedModel != null && !storedModel.equals(embedder.modelName()));
            return new SolrChunkIndex(settings, client, chunker, embedder, stored, aliased, live, changed);
        } catch (SolrServerException | IOException | RuntimeException e) {
            closeQuietly(client);
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot open Solr collection " + settings.collection() + " at " + settings.where()
                    + ": " + e.getMessage(), e);
        }
    }

    /** A new, empty generation of the collection, with its configset uploaded if the cluster lacks it. */
    private static String createGeneration(SolrClient client, Settings settings, int dimension) throws SolrServerException, IOException {
        String configset = SolrConfigset.name(dimension);
        if (!new ConfigSetAdminRequest.List().process(client).getConfigSets().contains(configset)) {
            ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload().setConfigSetName(configset);
            upload.setUploadStream(new ContentStreamBase.ByteArrayStream(SolrConfigset.zip(dimension), configset + ".zip",
                    "application/zip"));
            upload.process(client);
        }
        String name = settings.collection() + "_" + Long.toString(System.currentTimeMillis(), 36);
        CollectionAdminRequest.Create create = CollectionAdminRequest.createCollection(name, configset, settings.shards(),
                settings.replicationFactor());
        create.setWaitForFinalState(true);
        create.process(client);
        return name;
    }

    private static void writeRecord(SolrClient client, String collection, BatchEmbedder embedder) throws SolrServerException, IOException {
        SolrInputDocument doc = new SolrInputDocument();
        doc.addField(ChunkSchema.ID, META_ID);
        doc.addField(META_MODEL, embedder == null ? "" : embedder.modelName());
        doc.addField(META_DIMENSION, embedder == null ? 0 : embedder.dimension());
        UpdateRequest update = new UpdateRequest();
        update.add(doc);
        update.setAction(UpdateRequest.ACTION.COMMIT, true, true);
        update.process(client, collection);
    }

    private static Map<String, Object> record(SolrClient client, String collection) throws SolrServerException, IOException {
        SolrDocument doc = client.getById(collection, META_ID);
        if (doc == null) {
            return null;
        }
        Map<String, Object> out = new TreeMap<>();
        Object model = doc.getFirstValue(META_MODEL);
        out.put(META_MODEL, model == null || model.toString().isEmpty() ? null : model.toString());
        Object d = doc.getFirstValue(META_DIMENSION);
        out.put(META_DIMENSION, d == null ? 0 : ((Number) d).intValue());
        return out;
    }

    /** The generation this client reads and writes (the alias's target when it opened or rebuilt). */
    String liveCollection() {
        return live;
    }

    CloudSolrClient client() {
        return client;
    }

    BatchEmbedder embedder() {
        return embedding.embedder();
    }

    @Override
    public String location() {
        return "solr:" + settings.collection() + " (" + live + ") at " + settings.where();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public boolean hasEmbeddings() {
        return embedding.embedder() != null;
    }

    @Override
    public boolean embeddingModelChanged() {
        return embeddingModelChanged;
    }

    @Override
    public String embeddingModelName() {
        BatchEmbedder embedder = embedding.embedder();
        return embedder == null ? null : embedder.modelName();
    }

    @Override
    public Chunker chunker() {
        return chunker;
    }

    @Override
    public synchronized List<IndexUpdate> upsertAll(Collection<Document> documents, IndexProgress progress) {
        BatchEmbedder embedder = embedding.embedder();
        if (embedder == null && storedDimension > 0) {
            throw new IllegalStateException(location() + " stores vectors; open it with its embedding model to write");
        }
        if (embeddingModelChanged) {
            throw new IllegalStateException(location() + (storedDimension == 0 ? " holds no vectors (it was built without an embedding model)"
                    : " holds vectors of another embedding model than " + embedder.modelName())
                    + ": rebuild it first (platform index --full, or the admin reindex)");
        }
        String target = live;
        try {
            Batches batches = new Batches(target, true);
            List<IndexUpdate> updates = embedding.chunkWriter().writeAll(batches, holdings(target), documents, true, progress);
            batches.flush();
            commit(target);
            return updates;
        } catch (IOException | SolrServerException e) {
            throw new UncheckedIOException(new IOException("indexing into " + location() + " failed: " + e.getMessage(), e));
        }
    }

    /**
     * A full reindex: the next generation is built beside the live one (reusing the stored vector
     * of every chunk text the live one holds), then the alias moves to it in one call.
     */
    @Override
    public synchronized List<IndexUpdate> replaceAll(Collection<Document> documents, IndexProgress progress) {
        if (embedding.embedder() == null && storedDimension > 0) {
            throw new IllegalStateException(location() + " stores vectors; open it with its embedding model to write");
        }
        return rebuild(documents, progress, embedding, !embeddingModelChanged);
    }

    /**
     * A full reindex with another embedding model: every vector made anew by {@code model} into
     * the next generation (with the configset of its dimension), the alias moved, and from then on
     * queries and additions use it.
     */
    @Override
    public synchronized List<IndexUpdate> replaceAll(Collection<Document> documents, IndexProgress progress, EmbeddingModel model) {
        return rebuild(documents, progress, Embedding.of(chunker, new BatchEmbedder(Objects.requireNonNull(model, "model"))), false);
    }

    private List<IndexUpdate> rebuild(Collection<Document> documents, IndexProgress progress, Embedding with, boolean reuseVectors) {
        String from = live;
        BatchEmbedder embedder = with.embedder();
        try {
            int dimension = embedder == null ? 0 : embedder.dimension();
            ChunkPlanner.Holdings reuse = reuseVectors ? holdings(from) : ChunkPlanner.Holdings.NONE;
            if (!aliased && dimension != storedDimension) {
                throw new IllegalStateException(location() + " is a plain collection whose schema holds "
                        + (storedDimension == 0 ? "no vectors" : storedDimension + "-dimensional vectors") + ": create one with the "
                        + SolrConfigset.name(dimension) + " configset behind an alias (or let the platform create it)");
            }
            if (!aliased) {
                // an operator's plain collection: everything replaced, then the record's commit
                new UpdateRequest().deleteByQuery(ChunkSchema.ORDINAL + ":[* TO *]").process(client, from);
                Batches batches = new Batches(from, false);
                List<IndexUpdate> updates = with.chunkWriter().writeAll(batches, reuse, documents, false, progress);
                batches.flush();
                writeRecord(client, from, embedder);
                embedding = with;
                embeddingModelChanged = false;
                return updates;
            }
            String next = createGeneration(client, settings, dimension);
            List<IndexUpdate> updates;
            try {
                Batches batches = new Batches(next, false);
                updates = with.chunkWriter().writeAll(batches, reuse, documents, false, progress);
                batches.flush();
                writeRecord(client, next, embedder);
                CollectionAdminRequest.createAlias(settings.collection(), next).process(client);
            } catch (IOException | SolrServerException | RuntimeException e) {
                // the half-built generation was never searched: drop it, the live one is untouched
                try {
                    CollectionAdminRequest.deleteCollection(next).process(client);
                } catch (IOException | SolrServerException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            String older = previous;
            previous = from;
            live = next;
            storedDimension = dimension;
            embedding = with;
            embeddingModelChanged = false;
            if (older != null) {
                CollectionAdminRequest.deleteCollection(older).process(client);
            }
            return updates;
        } catch (IOException | SolrServerException e) {
            throw new UncheckedIOException(new IOException("full reindex of " + location() + " failed: " + e.getMessage(), e));
        }
    }

    /** What a generation holds of the documents being written, read a window at a time. */
    private ChunkPlanner.Holdings holdings(String collection) {
        return new SolrHoldings(client, collection, storedDimension > 0);
    }

    /**
     * Buffers chunk documents and sends them {@value #BATCH} at a time: first the deletes of the
     * documents they replace, then the adds, all before the one commit of the write.
     */
    private final class Batches implements ChunkWriter.Sink {
        private final String collection;
        private final boolean replacing;
        private final List<String> docIds = new ArrayList<>();
        private final List<SolrInputDocument> docs = new ArrayList<>();

        Batches(String collection, boolean replacing) {
            this.collection = collection;
            this.replacing = replacing;
        }

        @Override
        public void replace(String docId, List<Chunk> chunks, float[][] vectors) throws IOException {
            docIds.add(docId);
            for (int i = 0; i < chunks.size(); i++) {
                docs.add(SolrChunkSchema.toSolr(chunks.get(i), chunks.size(), vectors[i]));
            }
            if (docs.size() >= BATCH) {
                try {
                    flush();
                } catch (SolrServerException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        }

        void flush() throws SolrServerException, IOException {
            if (replacing && !docIds.isEmpty()) {
                new UpdateRequest().deleteByQuery(SolrChunkSchema.anyOf(ChunkSchema.DOC_ID, docIds)).process(client, collection);
            }
            if (!docs.isEmpty()) {
                UpdateRequest add = new UpdateRequest();
                add.add(docs);
                add.process(client, collection);
            }
            docIds.clear();
            docs.clear();
        }
    }

    @Override
    public synchronized boolean delete(String docId) {
        try {
            String target = live;
            if (count(target, SolrChunkSchema.anyOf(ChunkSchema.DOC_ID, List.of(docId))) == 0) {
                return false;
            }
            new UpdateRequest().deleteByQuery(SolrChunkSchema.anyOf(ChunkSchema.DOC_ID, List.of(docId))).process(client, target);
            commit(target);
            return true;
        } catch (SolrServerException | IOException e) {
            throw new UncheckedIOException(new IOException("delete from " + location() + " failed: " + e.getMessage(), e));
        }
    }

    @Override
    public synchronized void clear() {
        try {
            new UpdateRequest().deleteByQuery(ChunkSchema.ORDINAL + ":[* TO *]").process(client, live);
            commit(live);
        } catch (SolrServerException | IOException e) {
            throw new UncheckedIOException(new IOException("clearing " + location() + " failed: " + e.getMessage(), e));
        }
    }

    @Override
    public void commit() {
        try {
            commit(live);
        } catch (SolrServerException | IOException e) {
            throw new UncheckedIOException(new IOException("commit of " + location() + " failed: " + e.getMessage(), e));
        }
    }

    private void commit(String collection) throws SolrServerException, IOException {
        client.commit(collection, true, true);
    }

    @Override
    public int documentCount() {
        return (int) countOrThrow(ChunkSchema.ORDINAL + ":0");
    }

    @Override
    public int chunkCount() {
        return (int) countOrThrow(ChunkSchema.ORDINAL + ":[* TO *]");
    }

    private long countOrThrow(String query) {
        try {
            return count(live, query);
        } catch (SolrServerException | IOException e) {
            throw new UncheckedIOException(new IOException("counting in " + location() + " failed: " + e.getMessage(), e));
        }
    }

    private long count(String collection, String query) throws SolrServerException, IOException {
        return count(client, collection, query);
    }

    private static long count(SolrClient client, String collection, String query) throws SolrServerException, IOException {
        SolrQuery q = new SolrQuery(query);
        q.setRows(0);
        return client.query(collection, q).getResults().getNumFound();
    }

    /** Every document's first chunk, by id, read with a cursor so a large collection is paged. */
    @Override
    public List<IndexedDocument> documents() {
        List<IndexedDocument> out = new ArrayList<>();
        SolrQuery q = new SolrQuery(ChunkSchema.ORDINAL + ":0");
        q.setFields(ChunkSchema.ID, ChunkSchema.DOC_ID, ChunkSchema.TITLE, ChunkSchema.SOURCE, ChunkSchema.CHUNK_COUNT);
        q.setRows(1000);
        q.setSort(ChunkSchema.ID, SolrQuery.ORDER.asc);
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        try {
            while (true) {
                q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
                QueryResponse r = client.query(live, q);
                for (SolrDocument d : r.getResults()) {
                    out.add(new IndexedDocument((String) d.getFirstValue(ChunkSchema.DOC_ID), (String) d.getFirstValue(ChunkSchema.TITLE),
                            (String) d.getFirstValue(ChunkSchema.SOURCE), ((Number) d.getFirstValue(ChunkSchema.CHUNK_COUNT)).intValue()));
                }
                if (cursor.equals(r.getNextCursorMark())) {
                    break;
                }
                cursor = r.getNextCursorMark();
            }
        } catch (SolrServerException | IOException e) {
            throw new UncheckedIOException(new IOException("listing " + location() + " failed: " + e.getMessage(), e));
        }
        out.sort(Comparator.comparing(IndexedDocument::docId));
        return out;
    }

    @Override
    public List<Chunk> chunks(String docId) {
        try {
            return new SolrHoldings(client, live, false).of(docId, false).stream().map(ChunkPlanner.Indexed::chunk).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("reading " + docId + " from " + location() + " failed: " + e.getMessage(), e));
        }
    }

    @Override
    public ChunkSearch searcher(SearchOptions options) {
        return new SolrChunkSearcher(new SolrSearchSource() {
            @Override
            public SolrClient client() {
                return client;
            }

            @Override
            public String liveCollection() {
                return live;
            }

            @Override
            public BatchEmbedder embedder() {
                return embedding.embedder();
            }

            @Override
            public String location() {
                return SolrChunkIndex.this.location();
            }

            @Override
            public boolean embeddingModelChanged() {
                return embeddingModelChanged;
            }
        }, options);
    }

    @Override
    public synchronized void close() {
        closeQuietly(client);
    }

    private static void closeQuietly(SolrClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a client that could not connect
        }
    }

    @Override
    public String toString() {
        return location();
    }
}
