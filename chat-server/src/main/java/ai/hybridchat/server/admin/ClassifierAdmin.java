package ai.hybridchat.server.admin;

import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.JsonBodies;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassificationMetrics;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.encoder.ClassifierMethod;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Text classifiers from the admin room: a job fine-tunes a pretrained encoder (the bundled
 * all-MiniLM-L6-v2 unless told) with a new output layer on uploaded {@code {"text","label"}} data
 * ({@code tune --method classifier}, or {@code classifier-lora} with {@code "lora": true}) into
 * {@code classifiers/NAME}, scored on an uploaded validation file when one is named; the list
 * shows each classifier's labels and scores.
 */
public final class ClassifierAdmin {
    static final String DIR = "classifiers";
    static final Set<String> FIELDS = new TreeSet<>(List.of("name", "data", "validation", "base", "lora", "epochs", "lr", "batch"));
    /** The batch and text length {@code bench classification} measured the recipe with. */
    static final int DEFAULT_BATCH = 16;
    static final int MAX_LENGTH = 64;

    private final Path dataDir;
    private final JobRunner jobs;

    ClassifierAdmin(Path dataDir, JobRunner jobs) {
        this.dataDir = dataDir;
        this.jobs = jobs;
    }

    Path classifiersDir() {
        return dataDir.resolve(DIR);
    }

    /**
     * {@code {"name", "data", "validation"?, "base"?, "lora"?, "epochs"?, "lr"?, "batch"?}}: a
     * classifier-tuning job; {@code base} is the bundled encoder (default) or one of {@code embedding-models/}.
     */
    public void tune(Context ctx) {
        JsonNode body = RetrieverAdmin.checked(JsonBodies.parseObject(ctx), FIELDS, "a classifier-tuning job");
        boolean lora = AdminInputs.flag(body, "lora", false);
        var recipe = lora ? ClassifierMethod.LORA_RECIPE : ClassifierMethod.RECIPE;
        int epochs = AdminInputs.whole(body, "epochs", recipe.epochs(), 1, 100);
        int batch = AdminInputs.whole(body, "batch", DEFAULT_BATCH, 1, 64);
        double lr = AdminInputs.number(body, "lr", recipe.learningRate(), 0, 1);
        String name = AdminInputs.plainName(AdminInputs.text(body, "name", null), "name");
        Path data = labelled(AdminInputs.text(body, "data", null), "data");
        String validationName = AdminInputs.text(body, "validation", null);
        Path validation = validationName == null ? null : labelled(validationName, "validation");
        Path base = RetrieverAdmin.encoderBase(dataDir, AdminInputs.text(body, "base", EmbeddingModelChoice.BUNDLED));
        Path out = RetrieverAdmin.free(classifiersDir(), name, "a classifier");
        // labels are checked now (two at least, none in validation that training lacks), not in the job
        try {
            LabeledText.labels(LabeledText.read(data), data.getFileName(), validation == null ? List.of() : LabeledText.read(validation),
                    validation == null ? null : validation.getFileName());
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, "invalid_dataset", e.getMessage().replace(dataDir.resolve("tuning") + "/", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String method = lora ? "classifier-lora" : "classifier";
        Job job = jobs.submit("tune-classifier", j -> {
            Files.createDirectories(classifiersDir());
            TuningResult r = new Tuner(TuningAdmin.listener(j)).run(TuneOptionsBuilder.of(method, base, data, out).validation(validation).epochs(epochs).batchSize(batch)
                    .learningRate(lr).maxLength(MAX_LENGTH).build(), j::cancelRequested);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("classifier", name);
            result.put("method", method);
            result.put("examples", r.examples());
            result.put("steps", r.training().steps());
            result.put("trainLoss", r.training().finalTrainLoss());
            r.evaluation(ClassificationMetrics.class).ifPresent(m -> {
                result.put("scoredOn", validation == null ? "training data" : validationName);
                result.put("accuracy", m.accuracy());
                result.put("macroF1", m.macroF1());
            });
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /** The classifiers trained here, with their labels and scores. */
    public void list(Context ctx) throws IOException {
        ctx.json(Map.of("classifiers", ModelFolders.list(classifiersDir())));
    }

    /** An uploaded file of {@code {"text","label"}} lines, by name. */
    private Path labelled(String name, String field) {
        Path file = dataDir.resolve("tuning").resolve(AdminInputs.plainName(name, field));
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "not_found", "no tuning data '" + name + "': upload it to /api/admin/tuning-data first");
        }
        try {
            if (!LabeledText.isClassificationData(file)) {
                throw ApiException.badRequest("a classifier learns from {\"text\",\"label\"} lines; '" + name + "' holds none");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
