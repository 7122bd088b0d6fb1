package ai.hybridchat.server.app;

import ai.hybridchat.core.langchain.LocalChatModel;
import ai.hybridchat.core.langchain.PassagePointer;
import ai.hybridchat.core.langchain.RemoteChatModel;
import ai.hybridchat.core.local.LocalLanguageModel;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.reader.SentenceScorer;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.ChunkSearch;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.EnglishTerms;
import ai.hybridchat.retrieval.IndexProgress;
import ai.hybridchat.retrieval.IngestReport;
import ai.hybridchat.retrieval.Ingestor;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.retrieval.RerankingSearch;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SnippetStyle;
import ai.hybridchat.retrieval.SolrChunkIndex;
import ai.hybridchat.server.admin.EmbeddingModelChoice;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.chat.DocumentSubjects;
import ai.hybridchat.server.chat.SampleQuestion;
import ai.hybridchat.server.chat.TunedScope;
import ai.hybridchat.server.config.RemoteModel;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.demo.DemoBundle;
import ai.hybridchat.server.eval.CrossDocumentCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The answering side of the platform, assembled from a {@link ServerConfig}: documents into
 * the index, the model (and adapter) loaded, the {@link ChatService} over both. With the demo
 * configuration the bundled documents, model and adapter are copied under the data folder first.
 * {@code serve} puts HTTP in front of it; {@code eval} asks it an evaluation set.
 */
public final class Platform implements AutoCloseable {
    private final ChunkIndex index;
    /** The local base model (the adapters share its weights); null for a remote model. */
    private final LocalLanguageModel base;
    private final ChatService chat;
    private final List<SampleQuestion> sampleQuestions;

    /** How local models generate; null for a remote model. */
    private final GenerationConfig generation;
    /** The copy pointer local models read passages with; null when off or remote. */
    private final PassagePointer pointer;

    private Platform(ChunkIndex index, LocalLanguageModel base, ChatService chat, List<SampleQuestion> sampleQuestions,
                     GenerationConfig generation, PassagePointer pointer) {
        this.index = index;
        this.generation = generation;
        this.pointer = pointer;
        this.base = base;
        this.chat = chat;
        this.sampleQuestions = sampleQuestions;
    }

    /**
     * Opens everything. {@code log} receives a line per slow step (copying, indexing, loading).
     *
     * @throws IllegalArgumentException for a missing or unusable model, adapter or samples file
     */
    public static Platform open(ServerConfig config, Consumer<String> log) {
        if (config.remote() != null) {
            return openRemote(config, log, samples(config));
        }
        Path modelDir = config.modelDir();
        Path adapterDir = config.adapterDir();
        if (!config.demo() && !Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("modelDir: no such folder: " + modelDir);
        }
        if (adapterDir != null && !Files.isDirectory(adapterDir)) {
            throw new IllegalArgumentException("adapterDir: no such folder: " + adapterDir);
        }
        List<SampleQuestion> samples = samples(config);
        if (config.demo()) {
            if (!DemoBundle.hasModel()) {
                throw new IllegalArgumentException("this build has no demo model (platform-core/src/main/resources/demo/model "
                        + "is missing): set modelDir in a --config file");
            }
            int copied = DemoBundle.copyDocsIfEmpty(config.docsDir());
            if (copied > 0) {
                log.accept("copied " + copied + " demo documents to " + config.docsDir());
            }
            modelDir = DemoBundle.extractModel(config.demoDir());
            if (adapterDir == null && DemoBundle.hasAdapter()) {
                adapterDir = DemoBundle.extractAdapter(config.demoDir());
            }
        }
        LocalLanguageModel base = null;
        LocalLanguageModel tuned = null;
        ChunkIndex index = null;
        try {
            index = openIndex(config, log);
            log.accept("loading model " + modelDir);
            base = LocalLanguageModel.load(modelDir, config.weights());
            GenerationConfig generation = GenerationConfig.greedy(config.maxNewTokens());
            PassagePointer pointer = config.copyWeight() == 0 ? null
                    : new PassagePointer(Embeddings.allMiniLmL6V2(), config.copyWeight(),
                            SentenceScorer.bundled(), new EnglishTerms());
            ChatService.Builder builder = ChatService.builder()
                    .retriever(retriever(config, index))
                    .subjects(new DocumentSubjects(index))
                    .baseModel(new LocalChatModel(base, generation, pointer), base.name())
                    .passages(config.retrievalK());
            if (adapterDir != null) {
                log.accept("loading adapter " + adapterDir);
                tuned = base.withAdapter(adapterDir);
                // the chat service closes it once it is replaced and no request uses it
                builder.tunedModel(new LocalChatModel(tuned, generation, pointer), tuned.adapterName(), scope(adapterDir, log),
                        retiring(tuned));
            }
            return new Platform(index, base, builder.build(), samples, generation, pointer);
        } catch (RuntimeException | IOException e) {
            if (tuned != null) {
                tuned.close(); // before the base it shares weights with
            }
            if (base != null) {
                base.close();
            }
            if (index != null) {
                index.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Retrieval here, generation on a remote OpenAI-compatible server. */
    private static Platform openRemote(ServerConfig config, Consumer<String> log, List<SampleQuestion> samples) {
        RemoteModel remote = config.remote();
        Duration timeout = Duration.ofMinutes(5);
        ChunkIndex index = openIndex(config, log);
        log.accept("generating on " + remote.baseUrl() + " (model " + remote.model()
                + (remote.tunedModel() == null ? "" : ", tuned model " + remote.tunedModel()) + ")");
        ChatService.Builder builder = ChatService.builder()
                .retriever(retriever(config, index))
                .baseModel(new RemoteChatModel(remote.baseUrl(), remote.effectiveApiKey(), remote.model(),
                        config.maxNewTokens(), timeout), remote.model())
                .passages(config.retrievalK());
        if (remote.tunedModel() != null) {
            builder.tunedModel(new RemoteChatModel(remote.baseUrl(), remote.effectiveApiKey(), remote.tunedModel(),
                    config.maxNewTokens(), timeout), remote.tunedModel());
        }
        return new Platform(index, null, builder.build(), samples, null, null);
    }

    private static LuceneRetriever retriever(ServerConfig config, ChunkIndex index) {
        ChunkSearch search = index.searcher(config.search().withSnippets(SearchOptions.DEFAULT_SNIPPET_CHARS, SnippetStyle.PLAIN));
        if (config.retrieval().reranker() != null) {
            search = new RerankingSearch(search, Embeddings.reranker(config.retrieval().reranker()), config.retrieval().rerankDepth());
        }
        return new LuceneRetriever(search, config.retrievalMode());
    }

    /** The embedding model the index embeds with: the config's, else the one the admin switched to, else the bundled one. */
    static EmbeddingModelChoice embeddingModel(ServerConfig config) {
        return EmbeddingModelChoice.resolve(config.retrieval().embeddingModel(), config.dataDir());
    }

    private static ChunkIndex openIndex(ServerConfig config, Consumer<String> log) {
        EmbeddingModelChoice model = embeddingModel(config);
        if (model.folder() != null && !model.fixedByConfig()) {
            log.accept("embedding model: " + model.name() + " (chosen in the admin room)");
        }
        SolrChunkIndex.Settings solr = config.retrieval().solr();
        ChunkIndex index = solr != null ? SolrChunkIndex.open(solr, Embeddings.retriever(model.folder()), Chunker.defaults())
                : LuceneChunkIndex.open(config.indexDir(), Embeddings.retriever(model.folder()));
        if (solr != null) {
            log.accept("retrieval engine: " + index.location());
        }
        try {
            if (index.embeddingModelChanged() && Files.isDirectory(config.docsDir())) {
                // retrieval.embeddingModel changed: every vector is made anew before anything is answered
                log.accept("the index was built with another embedding model: rebuilding it from " + config.docsDir());
                IngestReport report = new Ingestor(index).rebuild(List.of(config.docsDir()), IndexProgress.NONE);
                log.accept("index rebuilt: " + report.summary());
            } else if (index.embeddingModelChanged()) {
                throw new IllegalStateException("the index at " + config.indexDir() + " was built with another embedding model "
                        + "and there is no documents folder (" + config.docsDir() + ") to rebuild it from");
            } else if (Files.isDirectory(config.docsDir())) {
                // answers never come from an old index: the folder's changes are applied first
                log.accept("syncing the index with " + config.docsDir());
                IngestReport report = new Ingestor(index).sync(config.docsDir());
                log.accept("index synced: " + report.summary());
                report.skipped().forEach(skipped -> log.accept("skipped " + skipped));
            }
            return index;
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    private static List<SampleQuestion> samples(ServerConfig config) {
        if (config.samples() == null) {
            return config.demo() ? DemoBundle.samples() : List.of();
        }
        try (InputStream in = Files.newInputStream(config.samples())) {
            return SampleQuestion.read(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("samples file " + config.samples()
                    + " is not a JSON array of strings or {\"question\", \"split\"} objects: " + e.getMessage());
        }
    }

    /**
     * Loads the adapter in {@code adapterDir} on the base model and makes it the one tuned and
     * hybrid answer with. The adapter it replaces is closed (its native memory released) once the
     * requests still generating with it are done. Returns the adapter's name.
     */
    public synchronized String activateAdapter(Path adapterDir) throws IOException {
        if (base == null) {
            throw new IllegalStateException("this server generates remotely: adapters are activated on the model server");
        }
        LocalLanguageModel tuned = base.withAdapter(adapterDir);
        try {
            chat.activateAdapter(new LocalChatModel(tuned, generation, pointer), tuned.adapterName(), scope(adapterDir, s -> { }),
                    retiring(tuned));
        } catch (IOException | RuntimeException e) {
            tuned.close();
            throw e;
        }
        return tuned.adapterName();
    }

    /**
     * How a retired adapter is let go: its tensors closed, then a collection. DJL backs each tensor
     * read from a file with a direct buffer that only a garbage collection frees, and the heap of a
     * server is small and rarely collected, so without it the buffers of retired adapters pile up
     * (measured: 1,500 activations of the demo adapter raised RSS from 471 MB to about 1 GB and
     * left it there; with the collection it stayed at 493 MB). Activations are rare operator
     * actions, so one collection each costs nothing a user sees.
     */
    private static AutoCloseable retiring(LocalLanguageModel tuned) {
        return () -> {
            tuned.close();
            System.gc();
        };
    }

    /** The questions the adapter was tuned on, which bound what the tuned mode answers (null: no bound). */
    private static TunedScope scope(Path adapterDir, Consumer<String> log)
            throws IOException {
        TunedScope scope = TunedScope.of(adapterDir,
                Embeddings.allMiniLmL6V2(), TunedScope.DEFAULT_MIN_SIMILARITY);
        log.accept(scope == null ? "adapter keeps no training questions: the tuned mode answers every question"
                : "tuned mode answers questions near its " + scope.size() + " training questions, abstains on others");
        return scope;
    }

    /** The base model's folder, or null for a remote model. */
    public Path baseModelDir() {
        return base == null ? null : base.modelDir();
    }

    public ChatService chat() {
        return chat;
    }

    /** The cross-document check of evaluations over this platform's documents (their indexed text). */
    public CrossDocumentCheck crossDocumentCheck() {
        return CrossDocumentCheck.of(index);
    }

    public ChunkIndex index() {
        return index;
    }

    public List<SampleQuestion> sampleQuestions() {
        return sampleQuestions;
    }

    @Override
    public void close() {
        chat.close(); // the adapter, before the base it shares weights with (requests still running keep it)
        if (base != null) {
            base.close();
        }
        index.close();
    }
}
