package ai.hybridchat.server.admin;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.JsonBodies;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningDefaults;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningMethods;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.encoder.TextPair;
import ai.hybridchat.tuning.data.PreferenceDataset;
import ai.hybridchat.tuning.data.SftDataset;
import ai.hybridchat.tuning.preference.PreferenceMetrics;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Tuning from the admin API: upload training data (checked line by line before it is kept), start
 * a tuning job on the platform's base model (progress as job events: every step's loss, each
 * validation), list the adapters in {@code adapters/}, and activate one without a restart.
 */
public final class TuningAdmin {
    /** The methods a job can run: those that need a base and one data file and write a swappable adapter. */
    static final List<String> METHODS = TuningMethods.all().stream().filter(TuningMethod::writesSwappableAdapter)
            .map(TuningMethod::name).toList();
    /** The {@code data} of a dpo job that means the preferences collected by {@code /api/feedback}. */
    static final String FEEDBACK = "feedback";

    private final Path dataDir;
    private final JobRunner jobs;
    private final AdapterHost host;

    public TuningAdmin(Path dataDir, JobRunner jobs, AdapterHost host) {
        this.dataDir = dataDir;
        this.jobs = jobs;
        this.host = host;
    }

    Path tuningDir() {
        return dataDir.resolve("tuning");
    }

    Path adaptersDir() {
        return dataDir.resolve("adapters");
    }

    public void uploadData(Context ctx) throws IOException {
        UploadedFile file = AdminInputs.uploaded(ctx, "file");
        if (file == null) {
            throw ApiException.badRequest("send the data as multipart/form-data in a field named 'file'");
        }
        String name = AdminInputs.plainName(file.filename(), "file name");
        if (!name.endsWith(".jsonl")) {
            throw new ApiException(415, "unsupported_media_type", "tuning data is JSONL: the file name must end in .jsonl");
        }
        Files.createDirectories(tuningDir());
        Path staging = Files.createTempFile(tuningDir(), ".upload-", ".jsonl");
        try (InputStream in = file.content()) {
            Files.copy(in, staging, StandardCopyOption.REPLACE_EXISTING);
            int examples;
            try {
                // the retriever's pairs ({"query","positive"}) go to /api/admin/embedding-tuning, labelled
                // texts to /api/admin/classifier-tuning, the rest to /api/admin/tune
                examples = isPreferenceData(staging) ? PreferenceDataset.read(staging).size()
                        : AdminInputs.firstRecordHas(staging, "query") ? TextPair.read(staging).size()
                        : AdminInputs.firstRecordHas(staging, "label") ? LabeledText.read(staging).size()
                        : SftDataset.read(staging).size();
            } catch (IllegalArgumentException e) { // a DatasetException names every bad line
                throw new ApiException(422, "invalid_dataset", e.getMessage().replace(staging.toString(), name));
            }
            Files.move(staging, tuningDir().resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            ctx.status(201).json(Map.of("file", name, "examples", examples));
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    /**
     * {@code {"method","data","name", "steps"?, "epochs"?, "lr"?, "rank"?, "alpha"?, "batch"?, "beta"?}}: a
     * tuning job. A dpo job trains on uploaded preference data or, with {@code "data":"feedback"},
     * on the pairs collected from compared answers ({@code preferences.jsonl}).
     */
    public void tune(Context ctx) {
        JsonNode body = JsonBodies.parseObject(ctx);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TUNE_FIELDS.contains(field)) {
                throw ApiException.badRequest("unknown field '" + field + "'; a tuning job takes " + TUNE_FIELDS);
            }
        }
        String method = AdminInputs.text(body, "method", "lora").toLowerCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw ApiException.badRequest("method must be one of " + METHODS + ", got '" + method + "'");
        }
        // every field is checked before anything is looked up, so a client's mistake is a 400 first
        TuningDefaults.Recipe recipe = TuningMethods.recipe(method);
        int steps = AdminInputs.whole(body, "steps", 0, 0, 100_000);
        int epochs = AdminInputs.whole(body, "epochs", recipe.epochs(), 1, 1000);
        int rank = AdminInputs.whole(body, "rank", recipe.rank(), 1, 256);
        int batch = AdminInputs.whole(body, "batch", TuneOptions.DEFAULT_BATCH, 1, 64);
        double lr = AdminInputs.number(body, "lr", recipe.learningRate(), 0, 1);
        double alpha = AdminInputs.number(body, "alpha", 2.0 * rank, 0, 4096);
        double beta = AdminInputs.number(body, "beta", TuneOptions.MethodOptions.DEFAULTS.beta(), 0, 10);
        String dataName = AdminInputs.plainName(AdminInputs.text(body, "data", null), "data");
        Path data = method.equals("dpo") && dataName.equals(FEEDBACK) ? dataDir.resolve("preferences.jsonl")
                : tuningDir().resolve(dataName);
        if (!Files.isRegularFile(data)) {
            throw new ApiException(404, "not_found", dataName.equals(FEEDBACK)
                    ? "no preferences collected yet: pick the best of compared answers first"
                    : "no tuning data '" + dataName + "': upload it to /api/admin/tuning-data first");
        }
        boolean feedback = method.equals("dpo") && dataName.equals(FEEDBACK);
        try {
            boolean preferences = feedback || isPreferenceData(data);
            if (preferences != method.equals("dpo")) {
                throw ApiException.badRequest(method.equals("dpo")
                        ? "dpo trains on {\"prompt\",\"chosen\",\"rejected\"} pairs; '" + dataName + "' is not preference data"
                        : "'" + dataName + "' is preference data: train on it with method dpo");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = AdminInputs.plainName(AdminInputs.text(body, "name", null), "name");
        Path out = adaptersDir().resolve(name);
        if (Files.exists(out)) {
            throw new ApiException(409, "conflict", "an adapter named '" + name + "' exists already");
        }
        if (host == null || host.baseModelDir() == null) {
            throw new ApiException(503, "unavailable", "this server has no local base model to tune");
        }
        requireMemory(method, rank, batch);
        // the feedback store is written by strangers: train on a snapshot of its good lines and say
        // how many were skipped, instead of failing on the first bad one
        String screening = "";
        if (feedback) {
            try {
                PreferenceDataset.Screened screened = PreferenceDataset.readSkippingMalformed(data);
                if (screened.pairs().isEmpty()) {
                    throw ApiException.badRequest("the collected preferences hold no usable pair"
                            + (screened.problems().isEmpty() ? "" : " (" + screened.summary() + ")"));
                }
                Files.createDirectories(tuningDir());
                data = tuningDir().resolve(".feedback-" + name + ".jsonl");
                PreferenceDataset.write(data, screened.pairs());
                screening = screened.summary();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path snapshot = data.getFileName().toString().startsWith(".feedback-") ? data : null;
        String skippedLines = screening;
        TuneOptions options;
        try {
            options = TuneOptionsBuilder.of(method, host.baseModelDir(), data, out).epochs(epochs).steps(steps).batchSize(batch)
                    .learningRate(lr).rank(rank).alpha(alpha)
                    .methodOptions(TuneOptions.MethodOptions.DEFAULTS.withBeta(beta))
                    .build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Job job = jobs.submit("tune", j -> {
            TuningResult r;
            try {
                if (!skippedLines.isEmpty()) {
                    j.emit("message", Map.of("text", skippedLines));
                }
                Files.createDirectories(adaptersDir());
                r = new Tuner(listener(j)).run(options, j::cancelRequested);
            } finally {
                if (snapshot != null) {
                    Files.deleteIfExists(snapshot);
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("adapter", name);
            if (!skippedLines.isEmpty()) {
                result.put("skipped", skippedLines);
            }
            result.put("steps", r.training().steps());
            result.put("trainLoss", r.training().finalTrainLoss());
            result.put("validationLoss", r.training().finalValidationLoss());
            r.evaluation(PreferenceMetrics.class).ifPresent(p -> {
                result.put("rewardAccuracy", p.accuracy());
                result.put("rewardMargin", p.meanMargin());
            });
            return result;
        });
        ctx.status(202).json(job.view());
    }

    /** True when the file's first record has a {@code "chosen"} answer: preference data, not SFT data. */
    static boolean isPreferenceData(Path file) throws IOException {
        return AdminInputs.firstRecordHas(file, "chosen");
    }

    static ProgressListener listener(Job job) {
        return new ProgressListener() {
            @Override
            public void onStep(StepReport r) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("step", r.step());
                e.put("totalSteps", r.totalSteps());
                e.put("loss", r.loss());
                e.put("learningRate", r.learningRate());
                e.put("tokensPerSecond", r.tokensPerSecond());
                e.put("etaSeconds", r.etaSeconds());
                job.emit("step", e);
            }

            @Override
            public void onValidation(int step, double loss) {
                job.emit("validation", Map.of("step", step, "loss", loss));
            }

            @Override
            public void onMessage(String message) {
                job.emit("message", Map.of("text", message));
            }
        };
    }

    public void adapters(Context ctx) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        if (Files.isDirectory(adaptersDir())) {
            try (Stream<Path> dirs = Files.list(adaptersDir())) {
                for (Path d : dirs.filter(p -> Files.isRegularFile(p.resolve("adapter_config.json"))).sorted().toList()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", d.getFileName().toString());
                    row.put("peftType", Json.MAPPER.readTree(d.resolve("adapter_config.json").toFile()).path("peft_type").asText());
                    Path meta = d.resolve("training.json");
                    if (Files.isRegularFile(meta)) {
                        row.put("metrics", Json.MAPPER.readTree(meta.toFile()).path("metrics"));
                    }
                    list.add(row);
                }
            }
        }
        ctx.json(Map.of("adapters", list, "active", host == null || host.activeAdapter() == null ? "" : host.activeAdapter()));
    }

    public void activate(Context ctx) throws IOException {
        String name = AdminInputs.plainName(ctx.pathParam("name"), "adapter name");
        Path dir = adaptersDir().resolve(name);
        if (!Files.isRegularFile(dir.resolve("adapter_config.json"))) {
            throw new ApiException(404, "not_found", "no adapter '" + name + "' in adapters/");
        }
        if (host == null) {
            throw new ApiException(503, "unavailable", "this server cannot switch adapters");
        }
        ctx.json(Map.of("active", host.activate(dir)));
    }

    /** The fields a tuning job takes; any other is a 400, not silently ignored. */
    static final Set<String> TUNE_FIELDS = new TreeSet<>(List.of("method", "data", "name", "steps",
            "epochs", "rank", "batch", "lr", "alpha", "beta"));

    /** Refuses a job whose estimated memory is more than three quarters of what the machine has. */
    private void requireMemory(String method, int rank, int batch) {
        if (host == null || host.baseModelDir() == null) {
            return;
        }
        try {
            LlamaConfig config = LlamaConfig.read(host.baseModelDir());
            long need = TuningMemory.estimateBytes(config, method, rank, batch, 512);
            long have = TuningMemory.machineBytes();
            if (need > have / 4 * 3) {
                throw ApiException.badRequest(String.format(Locale.ROOT, "this job would need about %.1f GB and the machine has "
                        + "%.1f GB: lower rank or batch", need / 1e9, have / 1e9));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
