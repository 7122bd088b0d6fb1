package ai.hybridchat.server.bench;

import ai.hybridchat.core.decode.VectorSupport;
import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Chunker;
import ai.hybridchat.retrieval.LuceneChunkIndex;
import ai.hybridchat.retrieval.SolrChunkIndex;
import ai.hybridchat.server.app.PlatformServer;
import ai.hybridchat.server.bench.GenerationBenchmark.ModelShape;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.demo.DemoBundle;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.javalin.Javalin;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform bench generation}: batch-1 prefill and decode speed of the runtime for the
 * demo, ~22M and ~135M shapes, against the machine's measured read bandwidth (cross-checked by
 * sysbench), against the same decode on libtorch and against PyTorch eager on the same shapes, all
 * in one run. Prints a Markdown table for BENCHMARKS.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Generation.class, BenchCommand.LoraTraining.class, BenchCommand.RetrievalScale.class, BenchCommand.Load.class, BenchCommand.Soak.class, EmbeddingTuningCommand.class, ClassificationCommand.class, EncoderTrainingCommand.class},
        description = "Benchmark programs; results are ratios against peers measured in the same run.")
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a benchmark: generation, lora-training, retrieval-scale, load or soak");
    }

    static final class WeightFormatConverter implements picocli.CommandLine.ITypeConverter<WeightFormat> {
        @Override
        public WeightFormat convert(String value) {
            try {
                return WeightFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The named model shapes, or a one-line error for an unknown name. */
    static List<ModelShape> selectShapes(List<String> names) {
        List<ModelShape> selected = new ArrayList<>();
        for (String name : names) {
            selected.add(ModelShape.DEFAULTS.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown shape '" + name + "': demo, 22m or 135m")));
        }
        return selected;
    }

    @Command(name = "generation", mixinStandardHelpOptions = true,
            description = "Prefill/decode tokens/s at batch 1 vs bandwidth, matmul peak and PyTorch eager.")
    static final class Generation implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--prompt-tokens", defaultValue = "128", description = "Prompt length (default: ${DEFAULT-VALUE}).")
        int promptTokens;

        @Option(names = "--new-tokens", defaultValue = "128", description = "Tokens decoded (default: ${DEFAULT-VALUE}).")
        int newTokens;

        @Option(names = "--shapes", split = ",", defaultValue = "demo,22m,135m",
                description = "Shapes to run: demo, 22m, 135m (default: ${DEFAULT-VALUE}).")
        List<String> shapes;

        @Option(names = "--python", defaultValue = "/usr/bin/python3",
                description = "Python with PyTorch for the peer, or 'none' (default: ${DEFAULT-VALUE}).")
        String python;

        @Option(names = "--llama-cpp", defaultValue = ".ci/artifacts/llama-cpp/node_modules", paramLabel = "DIR",
                description = "node_modules holding node-llama-cpp (.ci/llama-cpp installs it) for the llama.cpp peer, "
                        + "or 'none' (default: ${DEFAULT-VALUE}).")
        String llamaCpp;

        @Option(names = "--weights", split = ",", defaultValue = "f32,int8,q4", converter = WeightFormatConverter.class,
                description = "Weight formats to run each shape in (default: ${DEFAULT-VALUE}).")
        List<WeightFormat> weights;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<ModelShape> selected = selectShapes(shapes);
            if (weights.stream().anyMatch(w -> w != WeightFormat.F32) && !VectorSupport.available()) {
                throw new IllegalArgumentException("--weights int8 and q4 decode on the vector API: start the JVM with "
                        + "--add-modules jdk.incubator.vector (the platform launcher does)");
            }
            MemoryBandwidth start = MemoryBandwidth.measure();
            double matmul = MachineLimits.matmulPeak();
            List<JsonNode> peer = List.of();
            PythonPeer py = new PythonPeer(python);
            if (!python.equals("none") && py.available()) {
                List<String> args = new ArrayList<>(List.of("" + Runtime.getRuntime().availableProcessors(),
                        "" + promptTokens, "" + newTokens));
                selected.forEach(s -> args.add(s.wire()));
                peer = py.run("generation_peer.py", args);
            }
            List<GenerationBenchmark.Result> fast = new ArrayList<>();
            Map<String, Double> libtorch = new LinkedHashMap<>();
            for (ModelShape shape : selected) {
                for (WeightFormat format : weights) {
                    fast.add(GenerationBenchmark.run(shape, promptTokens, newTokens, true, format, MemoryBandwidth::readNow));
                }
                if (VectorSupport.available() && weights.contains(WeightFormat.F32)) {
                    libtorch.put(shape.name(), GenerationBenchmark.run(shape, promptTokens, newTokens, false, WeightFormat.F32,
                            null).decodeTokensPerSecond());
                }
            }
            // the llama.cpp peer runs after ours: exporting its GGUF files grows this JVM's heap, which would
            // count in our peak RSS
            LlamaCppPeer llama = llamaCpp.equals("none") ? null : new LlamaCppPeer(Path.of(llamaCpp));
            Map<String, JsonNode> llamaRuns = new LinkedHashMap<>();
            if (llama != null && llama.available()) {
                for (ModelShape shape : selected) {
                    for (WeightFormat format : weights) {
                        JsonNode r = llama.run(shape, format, promptTokens, newTokens);
                        if (r != null) {
                            llamaRuns.put(shape.name() + "/" + format, r);
                        }
                    }
                }
            }
            MemoryBandwidth end = MemoryBandwidth.measure();
            out.printf(Locale.ROOT, "machine: %d cores, F32 matmul peak %.1f GFLOP/s%n", Runtime.getRuntime().availableProcessors(),
                    matmul / 1e9);
            out.println("at the start: " + start.describe());
            out.println("at the end:   " + end.describe());
            out.printf(Locale.ROOT, "in the table: medians of %d timed generations after an untimed one; read GB/s is the "
                    + "in-process read taken right before each, decode / read the median of each generation's own ratio%n",
                    GenerationBenchmark.ROUNDS);
            out.println(VectorSupport.available()
                    ? "decode: the vector-API path (core.decode); beside it the same decode on libtorch, in this run"
                    : "decode: libtorch only (start the JVM with --add-modules jdk.incubator.vector for the fast path)");
            if (peer.isEmpty()) {
                out.println("(no PyTorch peer: " + python + " cannot import torch)");
            }
            if (llamaRuns.isEmpty()) {
                out.println("(no llama.cpp peer: no node-llama-cpp in " + llamaCpp + "; .ci/llama-cpp installs it)");
            } else {
                out.println("llama.cpp: node-llama-cpp's prebuilt build, the same random weights exported to GGUF "
                        + "(f32 -> F32, int8 -> Q8_0, q4 -> Q4_0), medians of three, at its best thread count (in brackets)");
            }
            out.println();
            out.println("| shape | weights | params | weights MB | prefill tok/s | decode tok/s | decode GB/s | read GB/s "
                    + "| decode / read | libtorch-path decode tok/s | peak RSS MB | PyTorch prefill | PyTorch decode | decode vs PyTorch "
                    + "| llama.cpp prefill | llama.cpp decode | decode vs llama.cpp |");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            for (GenerationBenchmark.Result r : fast) {
                String name = r.shape().name();
                boolean f32 = r.format() == WeightFormat.F32;
                double moved = r.decodeTokensPerSecond() * r.weightBytes();
                JsonNode p = peer.stream().filter(n -> n.path("shape").asText().equals(name)).findFirst().orElse(null);
                Double onLibtorch = f32 ? libtorch.get(name) : null;
                JsonNode l = llamaRuns.get(name + "/" + r.format());
                out.printf(Locale.ROOT, "| %s | %s | %.1fM | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f | %s | %.0f | %s | %s | %s | %s | %s | %s |%n",
                        name, r.format().cliName(), r.parameters() / 1e6, r.weightBytes() / 1e6, r.prefillTokensPerSecond(),
                        r.decodeTokensPerSecond(), moved / 1e9, r.readBytesPerSecond() / 1e9, r.decodeOverRead(),
                        onLibtorch == null ? "-" : String.format(Locale.ROOT, "%.1f", onLibtorch), r.peakResidentMb(),
                        p == null || !f32 ? "-" : String.format(Locale.ROOT, "%.0f", p.path("prefill_tokens_per_s").asDouble()),
                        p == null || !f32 ? "-" : String.format(Locale.ROOT, "%.1f", p.path("decode_tokens_per_s").asDouble()),
                        p == null ? "-" : String.format(Locale.ROOT, "%.2fx",
                                r.decodeTokensPerSecond() / p.path("decode_tokens_per_s").asDouble()),
                        l == null ? "-" : String.format(Locale.ROOT, "%.0f", l.path("prefill_tokens_per_s").asDouble()),
                        l == null ? "-" : String.format(Locale.ROOT, "%.1f (%d)", l.path("decode_tokens_per_s").asDouble(),
                                l.path("threads").asInt()),
                        l == null ? "-" : String.format(Locale.ROOT, "%.2fx",
                                r.decodeTokensPerSecond() / l.path("decode_tokens_per_s").asDouble()));
            }
            out.println();
            out.println("decode vs PyTorch: against PyTorch eager in F32 at the same shape, for every weight format");
            if (weights.size() > 1 || !weights.contains(WeightFormat.F32)) {
                List<WeightFormat> formats = new ArrayList<>(List.of(WeightFormat.F32));
                weights.stream().filter(w -> w != WeightFormat.F32).forEach(formats::add);
                List<WeightQualityBenchmark.Quality> quality = WeightQualityBenchmark.run(formats);
                out.println();
                out.printf(Locale.ROOT, "quality on the bundled demo model (trained), against its own F32; held-out text: the demo "
                        + "documents, %d-token windows; %d continuations of %d tokens%n", WeightQualityBenchmark.WINDOW,
                        WeightQualityBenchmark.PROMPTS, WeightQualityBenchmark.CONTINUATION);
                out.println();
                out.println("| weights | weights MB | perplexity | vs F32 | top-1 agreement with F32 | greedy match with F32 |");
                out.println("|---|---|---|---|---|---|");
                double reference = quality.get(0).perplexity();
                for (WeightQualityBenchmark.Quality q : quality) {
                    out.printf(Locale.ROOT, "| %s | %.2f | %.3f | %+.2f%% | %.3f | %.3f |%n", q.format().cliName(), q.heldBytes() / 1e6,
                            q.perplexity(), 100 * (q.perplexity() / reference - 1), q.topOneAgreement(), q.greedyMatch());
                }
            }
            return 0;
        }
    }

    @Command(name = "lora-training", mixinStandardHelpOptions = true,
            description = "LoRA training tokens/s (r on q_proj, v_proj; AdamW) vs PyTorch eager and the matmul peak (MFU).")
    static final class LoraTraining implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--batch", defaultValue = "8", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--length", defaultValue = "256", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
        int length;

        @Option(names = "--rank", defaultValue = "8", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
        int rank;

        @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--steps", defaultValue = "4", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--shapes", split = ",", defaultValue = "22m,135m",
                description = "Shapes to run: demo, 22m, 135m (default: ${DEFAULT-VALUE}).")
        List<String> shapes;

        @Option(names = "--python", defaultValue = "/usr/bin/python3",
                description = "Python with PyTorch for the peer, or 'none' (default: ${DEFAULT-VALUE}).")
        String python;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || length < 2 || rank < 1 || warmup < 1 || steps < 1) {
                throw new IllegalArgumentException("--batch, --rank, --warmup and --steps must be >= 1 and --length >= 2");
            }
            PrintWriter out = spec.commandLine().getOut();
            List<ModelShape> selected = selectShapes(shapes);
            double peak = MachineLimits.matmulPeak();
            out.printf(Locale.ROOT, "machine: %d cores, F32 matmul peak %.1f GFLOP/s; LoRA r=%d (alpha %d) on q_proj, v_proj, "
                    + "batch %d x %d tokens, AdamW%n%n", Runtime.getRuntime().availableProcessors(), peak / 1e9, rank, 2 * rank,
                    batch, length);
            List<JsonNode> peer = List.of();
            PythonPeer py = new PythonPeer(python);
            if (!python.equals("none") && py.available()) {
                List<String> args = new ArrayList<>(List.of("" + Runtime.getRuntime().availableProcessors(), "" + batch,
                        "" + length, "" + rank, "" + warmup, "" + steps));
                selected.forEach(s -> args.add(s.wire()));
                peer = py.run("lora_training_peer.py", args);
            } else {
                out.println("(no PyTorch peer: " + python + " cannot import torch)");
            }
            out.println("| shape | params | trainable | GFLOP/token | tokens/s | MFU | PyTorch tokens/s | PyTorch MFU | vs PyTorch |");
            out.println("|---|---|---|---|---|---|---|---|---|");
            for (ModelShape shape : selected) {
                LoraTrainingBenchmark.Result r =
                        LoraTrainingBenchmark.run(shape, batch, length, rank, warmup, steps);
                JsonNode p = peer.stream().filter(n -> n.path("shape").asText().equals(shape.name())).findFirst().orElse(null);
                double theirs = p == null ? Double.NaN : p.path("tokens_per_s").asDouble();
                out.printf(Locale.ROOT, "| %s | %.1fM | %,d | %.3f | %.0f | %.2f | %s | %s | %s |%n", shape.name(),
                        r.parameters() / 1e6, r.trainable(), r.flopsPerToken() / 1e9, r.tokensPerSecond(),
                        r.tokensPerSecond() * r.flopsPerToken() / peak,
                        p == null ? "-" : String.format(Locale.ROOT, "%.0f", theirs),
                        p == null ? "-" : String.format(Locale.ROOT, "%.2f", theirs * r.flopsPerToken() / peak),
                        p == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.tokensPerSecond() / theirs));
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "retrieval-scale", mixinStandardHelpOptions = true,
            description = "Index N synthetic chunks with MiniLM, then search latency p50/p99 per mode.")
    static final class RetrievalScale implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--chunks", defaultValue = "100000", description = "Chunks to index (default: ${DEFAULT-VALUE}).")
        int chunks;

        @Option(names = "--queries", defaultValue = "200", description = "Queries per mode (default: ${DEFAULT-VALUE}).")
        int queries;

        @Option(names = "--engine", defaultValue = "lucene", description = "lucene (the local index), solr, or both "
                + "in one run (default: ${DEFAULT-VALUE}).")
        String engine;

        @Option(names = "--solr", split = ",", paramLabel = "URL", description = "SolrCloud node URLs for --engine solr|both.")
        List<String> solrUrls;

        @Option(names = "--collection", defaultValue = "bench-retrieval-scale", description = "The Solr collection (alias) the "
                + "chunks replace (default: ${DEFAULT-VALUE}).")
        String collection;

        @Option(names = "--shards", defaultValue = "2", description = "Solr shards when creating (default: ${DEFAULT-VALUE}).")
        int shards;

        @Option(names = "--replication-factor", defaultValue = "2", description = "Solr replicas per shard (default: ${DEFAULT-VALUE}).")
        int replicationFactor;

        @Override
        public Integer call() throws Exception {
            if (chunks < 1 || queries < 1) {
                throw new IllegalArgumentException("--chunks and --queries must be >= 1");
            }
            if (!List.of("lucene", "solr", "both").contains(engine)) {
                throw new IllegalArgumentException("--engine must be lucene, solr or both, got '" + engine + "'");
            }
            if (!engine.equals("lucene") && (solrUrls == null || solrUrls.isEmpty())) {
                throw new IllegalArgumentException("--engine " + engine + " needs --solr URL,... (a running SolrCloud)");
            }
            PrintWriter out = spec.commandLine().getOut();
            Path work = Files.createTempDirectory("scale-bench-");
            try {
                List<String> sentences = DemoCorpus.sentences(work.resolve("docs"));
                List<String> questions = DemoCorpus.questions(queries);
                Map<String, Function<EmbeddingModel, ChunkIndex>> engines = new LinkedHashMap<>();
                if (!engine.equals("solr")) {
                    engines.put("lucene (local folder)", model -> LuceneChunkIndex.open(work.resolve("index"), model, Chunker.wholeDocuments()));
                }
                if (!engine.equals("lucene")) {
                    SolrChunkIndex.Settings settings = new SolrChunkIndex.Settings(solrUrls, collection, shards, replicationFactor);
                    engines.put("solr (" + shards + " shards x " + replicationFactor + " replicas)",
                            model -> SolrChunkIndex.open(settings, model, Chunker.wholeDocuments()));
                }
                out.printf(Locale.ROOT, "%d cores; %d chunks from %d sentences; %d queries per mode, k=3%n",
                        Runtime.getRuntime().availableProcessors(), chunks, sentences.size(), questions.size());
                out.flush();
                RetrievalScaleBenchmark.Result r = RetrievalScaleBenchmark.run(engines, chunks, sentences, questions, line -> {
                    spec.commandLine().getErr().println(line);
                    spec.commandLine().getErr().flush();
                });
                out.println();
                out.println("| engine | indexing chunks/s (embedding excluded) | mode | p50 ms | p99 ms | mean ms |");
                out.println("|---|---|---|---|---|---|");
                for (RetrievalScaleBenchmark.EngineResult e : r.engines()) {
                    for (var m : e.search().entrySet()) {
                        out.printf(Locale.ROOT, "| %s | %.0f | %s | %.1f | %.1f | %.1f |%n", e.engine(), r.chunks() / e.indexSeconds(),
                                m.getKey().wireName(), m.getValue().p50Ms(), m.getValue().p99Ms(), m.getValue().meanMs());
                    }
                }
                out.printf(Locale.ROOT, "| (peer: MiniLM embedding of the query alone) | | | %.1f | %.1f | %.1f |%n",
                        r.queryEmbedding().p50Ms(), r.queryEmbedding().p99Ms(), r.queryEmbedding().meanMs());
                RetrievalScaleBenchmark.EngineResult first = r.engines().get(0);
                out.printf(Locale.ROOT, "embedding the chunks: %.0f s, %.0f chunks/s (once, during %s's indexing)%n",
                        first.embeddingSeconds(), r.chunks() / first.embeddingSeconds(), first.engine());
                return 0;
            } finally {
                AtomicFiles.deleteRecursively(work);
            }
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Concurrent clients against the embedded demo server: requests/s, p50/p99, errors; overhead vs plain Javalin.")
    static final class Load implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--clients", defaultValue = "32", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--seconds", defaultValue = "20", description = "Duration of each phase (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Override
        public Integer call() throws Exception {
            if (clients < 1 || seconds < 1) {
                throw new IllegalArgumentException("--clients and --seconds must be >= 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            Path data = Files.createTempDirectory("load-bench-");
            var duration = Duration.ofSeconds(seconds);
            List<LoadBenchmark.Result> results = new ArrayList<>();
            Javalin plain = Javalin.create(c -> {
                c.startup.showJavalinBanner = false;
                c.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
            }).start(0);
            try (PlatformServer server = PlatformServer.start(
                    ServerConfig.defaults().withPort(0).withDataDir(data), line -> { })) {
                int port = server.port();
                List<String> questions = DemoBundle.sampleQuestions();
                String[] modes = {"rag", "tuned", "hybrid"};
                // warm-up (JIT, connection pools) of both HTTP stacks, not counted
                var warm = Duration.ofMillis(Math.min(3000, duration.toMillis() / 4 + 1));
                LoadBenchmark.run("warm-up", clients, warm,
                        i -> LoadBenchmark.get(plain.port(), "/health"));
                LoadBenchmark.run("warm-up", clients, warm,
                        i -> LoadBenchmark.get(port, "/api/health"));
                results.add(LoadBenchmark.run("plain Javalin GET /health (peer)", clients, duration,
                        i -> LoadBenchmark.get(plain.port(), "/health")));
                results.add(LoadBenchmark.run("GET /api/health", clients, duration,
                        i -> LoadBenchmark.get(port, "/api/health")));
                results.add(LoadBenchmark.run("POST /api/chat (demo model, modes in turn)", clients, duration,
                        i -> LoadBenchmark.postJson(port, "/api/chat",
                                json(Map.of("message", questions.get(i % questions.size()), "mode", modes[i % 3])))));
                // what one user waits for a hybrid answer to start, with nobody else asking
                results.add(LoadBenchmark.run("POST /api/chat (hybrid, one client)", 1, duration,
                        i -> LoadBenchmark.postJson(port, "/api/chat",
                                json(Map.of("message", questions.get(i % questions.size()), "mode", "hybrid")))));
            } finally {
                plain.stop();
                AtomicFiles.deleteRecursively(data);
            }
            out.printf(Locale.ROOT, "%d cores, %d concurrent loopback clients, %d s per phase%n%n",
                    Runtime.getRuntime().availableProcessors(), clients, seconds);
            out.println("| endpoint | requests | requests/s | p50 ms | p99 ms | first token p50 ms (server timings) | errors |");
            out.println("|---|---|---|---|---|---|---|");
            for (var r : results) {
                out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %s | %d |%n", r.name(), r.requests(), r.requestsPerSecond(),
                        r.p50Ms(), r.p99Ms(), Double.isNaN(r.firstTokenP50Ms()) ? "-" : String.format(Locale.ROOT, "%.0f", r.firstTokenP50Ms()),
                        r.errors());
            }
            out.printf(Locale.ROOT, "%nserver overhead: GET /api/health serves %.2fx the requests/s of the plain Javalin handler%n",
                    results.get(1).requestsPerSecond() / results.get(0).requestsPerSecond());
            return results.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
        }

        private static String json(Object value) {
            try {
                return Json.MAPPER.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "Chats in every mode, feedback, uploads, deletes, reindexes and adapter swaps at once on the embedded "
                    + "demo for a bounded time: requests, 5xx, lost documents, RSS growth.")
    static final class Soak implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--minutes", defaultValue = "10", description = "Counted duration (default: ${DEFAULT-VALUE}).")
        double minutes;

        // 120 s: with two malloc arenas (as the launcher runs it) a 60 s warm-up run still grew in its
        // first counted minute and was flat from then on; a second run with 120 s was flat throughout
        // (docs/BENCHMARKS.md, "Soak")
        @Option(names = "--warm-up-seconds", defaultValue = "120",
                description = "Uncounted warm-up before the first RSS reading (default: ${DEFAULT-VALUE}).")
        int warmUpSeconds;

        @Option(names = "--clients", defaultValue = "3", description = "Concurrent chat clients (default: ${DEFAULT-VALUE}).")
        int clients;

        @Override
        public Integer call() throws Exception {
            if (!(minutes > 0) || warmUpSeconds < 0 || clients < 1) {
                throw new IllegalArgumentException("--minutes must be > 0, --warm-up-seconds >= 0 and --clients >= 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            var r = SoakBenchmark.run(Duration.ofSeconds(warmUpSeconds),
                    Duration.ofMillis((long) (minutes * 60_000)), clients);
            // the allocator setting changes the resident set more than anything in the code (the launcher sets it)
            String arenas = System.getenv("MALLOC_ARENA_MAX");
            out.printf(Locale.ROOT, "%d cores, %d chat clients and one admin client, %.0f s counted after %d s warm-up, MALLOC_ARENA_MAX %s%n%n",
                    Runtime.getRuntime().availableProcessors(), clients, r.seconds(), warmUpSeconds,
                    arenas == null ? "unset (glibc's default: 8 per core)" : arenas);
            out.println("| requests | total | 2xx | 4xx | 5xx |");
            out.println("|---|---|---|---|---|");
            int total = 0;
            for (var e : r.byKind().entrySet()) {
                int[] c = e.getValue();
                int n = c[1] + c[2] + c[3] + c[4] + c[5];
                total += n;
                out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", e.getKey(), n, c[2], c[4], c[5]);
            }
            out.printf(Locale.ROOT, "%n%d requests, %d server errors, %d failed connections%n", total, r.serverErrors(), r.ioErrors());
            out.printf(Locale.ROOT, "documents: %d lost from the index, %d in the index without a file%n", r.lostDocuments(),
                    r.resurrectedDocuments());
            out.printf(Locale.ROOT, "%nmemory after GC, MB (JVM committed: -XX:NativeMemoryTracking=summary; native rest = RSS - JVM committed)%n%n");
            out.println("| s | RSS | heap used | heap committed | direct buffers | JVM committed | native rest |");
            out.println("|---:|---:|---:|---:|---:|---:|---:|");
            for (var m : r.memory()) {
                out.printf(Locale.ROOT, "| %.0f | %s | %s | %s | %s | %s | %s |%n", m.atSeconds(), megabytes(m.rssBytes()),
                        megabytes(m.heapUsedBytes()), megabytes(m.heapCommittedBytes()), megabytes(m.directBytes()),
                        megabytes(m.nmtCommittedBytes()), megabytes(m.untrackedNativeBytes()));
            }
            out.printf(Locale.ROOT, "%nRSS after warm-up %.0f MB, at the end %.0f MB (after GC): %+.1f%%%n", r.rssWarmBytes() / 1e6,
                    r.rssEndBytes() / 1e6, 100 * r.rssGrowth());
            r.fileBytes().forEach((f, b) -> out.printf(Locale.ROOT, "%s: %,d bytes%n", f, b));
            out.println(r.holds() ? "holds: no 5xx, nothing lost, RSS growth under 5%" : "DOES NOT HOLD");
            return r.holds() ? 0 : 1;
        }

        /** Whole megabytes, or "-" for a figure not measured (negative). */
        private static String megabytes(long bytes) {
            return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bytes / 1e6);
        }
    }
}
