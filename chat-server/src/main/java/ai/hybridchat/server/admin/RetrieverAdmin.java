package ai.hybridchat.server.admin;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.Embeddings;
import ai.hybridchat.retrieval.IngestReport;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.JsonBodies;
import ai.hybridchat.server.demo.RetrievalPairs;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.TuningDefaults;
import ai.hybridchat.tuning.encoder.EmbeddingMethod;
import ai.hybridchat.tuning.encoder.RerankerMethod;
import ai.hybridchat.tuning.encoder.TextPair;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The retriever's own tuning, from the admin room: a job tunes the embedding model the index
 * embeds with ({@code tune --method embedding}) on uploaded question/answer or pair data, or on
 * pseudo-queries from the indexed documents alone (the inverse cloze task), then re-embeds the
 * documents beside the live index and swaps, like the full reindex; models are listed and can be
 * switched back. The choice survives a restart ({@link EmbeddingModelChoice}) unless the config
 * fixes the model.
 */
public final class RetrieverAdmin {
    /** The batch and text length {@code bench embedding-tuning} measured the gains with (docs/BENCHMARKS.md). */
    static final int DEFAULT_BATCH = 16;
    static final int MAX_LENGTH = 128;
    /** The fields an embedding-tuning job takes; any other is a 400. */
    static final Set<String> FIELDS = new TreeSet<>(List.of("name", "data", "epochs", "lr", "batch", "activate"));
    /** A reranker job's: the same without {@code activate}, with the encoder it starts from. */
    static final Set<String> RERANKER_FIELDS = new TreeSet<>(List.of("name", "data", "base", "epochs", "lr", "batch"));
    static final String RERANKERS_DIR = "rerankers";

    private final Path dataDir;
    private final JobRunner jobs;
    private final ChunkIndex index;
    private final AdminHandlers documents;
    private volatile EmbeddingModelChoice active;

    RetrieverAdmin(Path dataDir, JobRunner jobs, ChunkIndex index, AdminHandlers documents, EmbeddingModelChoice active) {
        this.dataDir = dataDir;
        this.jobs = jobs;
        this.index = index;
        this.documents = documents;
        this.active = active == null ? EmbeddingModelChoice.DEFAULT : active;
    }

    Path modelsDir() {
        return dataDir.resolve(EmbeddingModelChoice.MODELS_DIR);
    }

    /** {@code {"name", "data"?, "epochs"?, "lr"?, "batch"?, "activate"?}}: tune the retriever's model, and by default switch to it. */
    public void tune(Context ctx) {
        JsonNode body = JsonBodies.parseObject(ctx);
        boolean activate = AdminInputs.flag(checked(body, FIELDS, "an embedding-tuning job"), "activate", true);
        Request r = request(body, EmbeddingMethod.RECIPE);
        if (r.name().equals(EmbeddingModelChoice.BUNDLED)) {
            throw new ApiException(409, "conflict", "'" + r.name() + "' is the bundled model's name: pick another");
        }
        Path out = free(modelsDir(), r.name(), "an embedding model");
        if (activate && active.fixedByConfig()) {
            throw fixedByConfig();
        }
        requireDocuments();
        Path base = active.folder() != null ? active.folder() : Path.of(EmbeddingModelChoice.BUNDLED);
        Job job = jobs.submit("tune-embedding", j -> {
            Map<String, Object> result = train("embedding", base, r, out, j);
            result.put("model", r.name());
            if (activate) {
                result.putAll(switchTo(out, r.name(), j));
            }
            result.put("active", active.name());
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /**
     * {@code {"name", "data"?, "base"?, "epochs"?, "lr"?, "batch"?}}: train a cross-encoder reranker
     * ({@code tune --method reranker}) on the same data as the embedding job, each pair with a BM25
     * hard negative, into {@code rerankers/NAME}. It is not switched on here: reranking was measured
     * no better on CISI (docs/BENCHMARKS.md), so it stays a config choice ({@code retrieval.reranker}).
     */
    public void tuneReranker(Context ctx) {
        JsonNode body = JsonBodies.parseObject(ctx);
        Request r = request(checked(body, RERANKER_FIELDS, "a reranker-tuning job"), RerankerMethod.RECIPE);
        Path base = encoderBase(dataDir, AdminInputs.text(body, "base", EmbeddingModelChoice.BUNDLED));
        Path out = free(rerankersDir(), r.name(), "a reranker");
        requireDocuments();
        Job job = jobs.submit("tune-reranker", j -> {
            Map<String, Object> result = train("reranker", base, r, out, j);
            result.put("reranker", r.name());
            // where retrieval.reranker finds it, under the data directory
            result.put("folder", RERANKERS_DIR + "/" + r.name());
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /** The rerankers trained here, with their training metrics. */
    public void rerankers(Context ctx) throws IOException {
        ctx.json(Map.of("rerankers", ModelFolders.list(rerankersDir())));
    }

    Path rerankersDir() {
        return dataDir.resolve(RERANKERS_DIR);
    }

    /** A job's data and settings, every field checked before anything runs. */
    private record Request(String name, Path data, boolean pairs, int epochs, int batch, double lr) {
    }

    static JsonNode checked(JsonNode body, Set<String> fields, String what) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!fields.contains(field)) {
                throw ApiException.badRequest("unknown field '" + field + "'; " + what + " takes " + fields);
            }
        }
        return body;
    }

    private Request request(JsonNode body, TuningDefaults.Recipe recipe) {
        int epochs = AdminInputs.whole(body, "epochs", recipe.epochs(), 1, 100);
        int batch = AdminInputs.whole(body, "batch", DEFAULT_BATCH, 2, 64);
        double lr = AdminInputs.number(body, "lr", recipe.learningRate(), 0, 1);
        String name = AdminInputs.plainName(AdminInputs.text(body, "name", null), "name");
        String dataName = AdminInputs.text(body, "data", null);
        Path data = null;
        if (dataName != null) {
            data = dataDir.resolve("tuning").resolve(AdminInputs.plainName(dataName, "data"));
            if (!Files.isRegularFile(data)) {
                throw new ApiException(404, "not_found", "no tuning data '" + dataName + "': upload it to /api/admin/tuning-data first");
            }
        }
        boolean pairs;
        boolean questions;
        try {
            JsonNode first = data == null ? null : AdminInputs.firstRecord(data);
            pairs = first != null && first.has("query");
            questions = first != null && first.has("question");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (data != null && !pairs && !questions) {
            throw ApiException.badRequest("the retriever learns from {\"query\",\"positive\",\"negative\"?} pairs or "
                    + "{\"question\",\"answer\"} records; '" + dataName + "' holds neither");
        }
        return new Request(name, data, pairs, epochs, batch, lr);
    }

    /**
     * The encoder a job starts from, by name: the bundled one, or a model in
     * {@code embedding-models/} (a retriever tuned on this domain is a fair start for the others).
     */
    static Path encoderBase(Path dataDir, String name) {
        if (name.equals(EmbeddingModelChoice.BUNDLED)) {
            return Path.of(name);
        }
        Path folder = dataDir.resolve(EmbeddingModelChoice.MODELS_DIR).resolve(AdminInputs.plainName(name, "base"));
        if (!Files.isRegularFile(folder.resolve("config.json"))) {
            throw new ApiException(404, "not_found", "no encoder '" + name + "': the base is " + EmbeddingModelChoice.BUNDLED
                    + " or a model in " + EmbeddingModelChoice.MODELS_DIR + "/");
        }
        return folder;
    }

    static Path free(Path dir, String name, String what) {
        Path out = dir.resolve(name);
        if (Files.exists(out)) {
            throw new ApiException(409, "conflict", what + " named '" + name + "' exists already");
        }
        return out;
    }

    private void requireDocuments() {
        if (index.documentCount() == 0) {
            throw new ApiException(409, "conflict", "no documents are indexed: the retriever learns from them, so add some first");
        }
    }

    /** Builds the pairs (unless uploaded as pairs) and runs {@code method} on them into {@code out}. */
    private Map<String, Object> train(String method, Path base, Request r, Path out, Job j) throws IOException {
        Path work = Files.createTempDirectory(dataDir, ".retriever-pairs-");
        try {
            Path file = r.data();
            if (!r.pairs()) {
                RetrievalPairs made = new RetrievalPairs(index, line -> j.emit("message", Map.of("text", line)));
                List<TextPair> list = r.data() != null ? made.fromQuestions(r.data()) : made.fromDocuments(TuneOptions.DEFAULT_SEED);
                file = work.resolve("pairs.jsonl");
                AtomicFiles.writeString(file, TextPair.toJsonLines(list));
            }
            int examples = TextPair.read(file).size();
            Files.createDirectories(out.getParent());
            TuningResult t = new Tuner(TuningAdmin.listener(j)).run(TuneOptionsBuilder.of(method, base, file, out).epochs(r.epochs())
                    .batchSize(r.batch()).maxLength(MAX_LENGTH).learningRate(r.lr()).build(), j::cancelRequested);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("base", base.getFileName().toString());
            result.put("pairs", examples);
            result.put("steps", t.training().steps());
            result.put("trainLoss", t.training().finalTrainLoss());
            return result;
        } finally {
            AtomicFiles.deleteRecursively(work);
        }
    }

    /** The tuned models and which one the index embeds with. */
    public void models(Context ctx) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(Map.of("name", EmbeddingModelChoice.BUNDLED, "bundled", true));
        list.addAll(ModelFolders.list(modelsDir()));
        ctx.json(Map.of("models", list, "active", active.name(), "fixedByConfig", active.fixedByConfig()));
    }

    /** Re-embeds the documents with a listed model (or the bundled one) and switches to it: a job. */
    public void activate(Context ctx) {
        String name = AdminInputs.plainName(ctx.pathParam("name"), "embedding model name");
        Path folder = name.equals(EmbeddingModelChoice.BUNDLED) ? null : modelsDir().resolve(name);
        if (folder != null && !Files.isRegularFile(folder.resolve("config.json"))) {
            throw new ApiException(404, "not_found", "no embedding model '" + name + "' in " + EmbeddingModelChoice.MODELS_DIR + "/");
        }
        if (active.fixedByConfig()) {
            throw fixedByConfig();
        }
        Job job = jobs.submit("reembed", j -> {
            Map<String, Object> result = new LinkedHashMap<>(switchTo(folder, name, j));
            result.put("active", active.name());
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /** Re-embeds every document with the model in {@code folder} (null: the bundled one), then remembers it. */
    private Map<String, Object> switchTo(Path folder, String name, Job j) throws IOException, InterruptedException {
        j.emit("message", Map.of("text", "re-embedding the documents with " + name + " beside the live index"));
        IngestReport report = documents.reembed(Embeddings.retriever(folder), j);
        active = new EmbeddingModelChoice(folder, false);
        EmbeddingModelChoice.remember(dataDir, name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", report.summary());
        out.put("chunks", index.chunkCount());
        out.put("embeddingModel", index.embeddingModelName());
        return out;
    }

    private static ApiException fixedByConfig() {
        return new ApiException(409, "conflict", "the config sets retrieval.embeddingModel, so the index keeps that model: "
                + "change it there (a job with \"activate\": false still tunes a new model)");
    }
}
