package ai.hybridchat.server.admin;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
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
import ai.hybridchat.tuning.encoder.EmbeddingMethod;
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
import java.util.stream.Stream;

/**
 * The retriever's own tuning, from the admin room: a job tunes the embedding model the index
 * embeds with ({@code tune --method embedding}) on uploaded question/answer or pair data, or on
 * pseudo-queries from the indexed documents alone (the inverse cloze task), then re-embeds the
 * documents beside the live index and swaps, like the full reindex; models are listed and can be
 * switched back. The choice survives a restart ({@link EmbeddingModelChoice}) unless the config
 * fixes the model.
 */
public final class RetrieverAdmin {
    /** The fields an embedding-tuning job takes; any other is a 400. */
    /** The batch and text length {@code bench embedding-tuning} measured the gains with (docs/BENCHMARKS.md). */
    static final int DEFAULT_BATCH = 16;
    static final int MAX_LENGTH = 128;
    static final Set<String> FIELDS = new TreeSet<>(List.of("name", "data", "epochs", "lr", "batch", "activate"));

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
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("unknown field '" + field + "'; an embedding-tuning job takes " + FIELDS);
            }
        }
        int epochs = AdminInputs.whole(body, "epochs", EmbeddingMethod.RECIPE.epochs(), 1, 100);
        int batch = AdminInputs.whole(body, "batch", DEFAULT_BATCH, 2, 64);
        double lr = AdminInputs.number(body, "lr", EmbeddingMethod.RECIPE.learningRate(), 0, 1);
        boolean activate = AdminInputs.flag(body, "activate", true);
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
        if (name.equals(EmbeddingModelChoice.BUNDLED)) {
            throw new ApiException(409, "conflict", "'" + name + "' is the bundled model's name: pick another");
        }
        Path out = modelsDir().resolve(name);
        if (Files.exists(out)) {
            throw new ApiException(409, "conflict", "an embedding model named '" + name + "' exists already");
        }
        if (activate && active.fixedByConfig()) {
            throw fixedByConfig();
        }
        if (index.documentCount() == 0) {
            throw new ApiException(409, "conflict", "no documents are indexed: the retriever learns from them, so add some first");
        }
        Path base = active.folder() != null ? active.folder() : Path.of(EmbeddingModelChoice.BUNDLED);
        Path source = data;
        Job job = jobs.submit("tune-embedding", j -> {
            Path work = Files.createTempDirectory(dataDir, ".embedding-pairs-");
            TuningResult r;
            int examples;
            try {
                Path file = source;
                if (!pairs) {
                    RetrievalPairs made = new RetrievalPairs(index, line -> j.emit("message", Map.of("text", line)));
                    List<TextPair> list = source != null ? made.fromQuestions(source) : made.fromDocuments(TuneOptions.DEFAULT_SEED);
                    file = work.resolve("pairs.jsonl");
                    AtomicFiles.writeString(file, TextPair.toJsonLines(list));
                }
                examples = TextPair.read(file).size();
                Files.createDirectories(modelsDir());
                r = new Tuner(TuningAdmin.listener(j)).run(TuneOptionsBuilder.of("embedding", base, file, out).epochs(epochs)
                        .batchSize(batch).maxLength(MAX_LENGTH).learningRate(lr).build(), j::cancelRequested);
            } finally {
                AtomicFiles.deleteRecursively(work);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", name);
            result.put("base", base.getFileName().toString());
            result.put("pairs", examples);
            result.put("steps", r.training().steps());
            result.put("trainLoss", r.training().finalTrainLoss());
            if (activate) {
                result.putAll(switchTo(out, name, j));
            }
            result.put("active", active.name());
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /** The tuned models and which one the index embeds with. */
    public void models(Context ctx) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(Map.of("name", EmbeddingModelChoice.BUNDLED, "bundled", true));
        if (Files.isDirectory(modelsDir())) {
            try (Stream<Path> dirs = Files.list(modelsDir())) {
                for (Path d : dirs.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", d.getFileName().toString());
                    Path meta = d.resolve("training.json");
                    if (Files.isRegularFile(meta)) {
                        row.put("metrics", Json.MAPPER.readTree(meta.toFile()).path("metrics"));
                    }
                    list.add(row);
                }
            }
        }
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
