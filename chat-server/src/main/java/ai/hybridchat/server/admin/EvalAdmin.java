package ai.hybridchat.server.admin;

import ai.hybridchat.core.Mode;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.JsonBodies;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.eval.CrossDocumentCheck;
import ai.hybridchat.server.eval.EvalReport;
import ai.hybridchat.server.eval.EvalRunner;
import ai.hybridchat.server.eval.QaItem;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Evaluations from the admin page: {@code POST /api/admin/eval {"data", "modes"?}} asks the
 * serving platform every question of an uploaded question set (the tuning-data folder, JSONL of
 * {@code {"question","answer","doc_ids"?,"fact"?}}) in each mode, as a job with progress events,
 * and keeps the report in {@code data/evals/ID/} ({@code report.json}, {@code report.md}, the same
 * as {@code platform eval}). {@code GET /api/admin/evals} lists the reports, newest first;
 * {@code GET /api/admin/evals/{id}} returns one with every answer and the passages it cited.
 */
public final class EvalAdmin {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private final AtomicInteger started = new AtomicInteger();

    private final Path dataDir;
    private final JobRunner jobs;
    private final ChatService chat;
    private final ChunkIndex index;

    public EvalAdmin(Path dataDir, JobRunner jobs, ChatService chat, ChunkIndex index) {
        this.dataDir = dataDir;
        this.jobs = jobs;
        this.chat = chat;
        this.index = index;
    }

    private Path evalsDir() {
        return dataDir.resolve("evals");
    }

    public void start(Context ctx) {
        JsonNode body = JsonBodies.parseObject(ctx);
        String name = AdminInputs.plainName(body.path("data").asText(null), "data");
        Path file = dataDir.resolve("tuning").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "not_found", "no question set '" + name + "': upload it to /api/admin/tuning-data first");
        }
        List<QaItem> items;
        try {
            items = QaItem.read(file);
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, "unprocessable_entity", e.getMessage().replace(file.toString(), name));
        }
        if (items.size() > 1000) {
            throw ApiException.badRequest("a question set of at most 1,000 questions, got " + items.size());
        }
        List<Mode> modes = modes(body.get("modes"));
        for (Mode m : modes) {
            if (!chat.isAvailable(m)) {
                throw new ApiException(409, "conflict", "mode " + m.wireName() + " needs an adapter, and none is active");
            }
        }
        // sortable by time, unique within this server (the counter) and across restarts (the clock)
        String id = "eval-" + STAMP.format(Instant.now()) + "-" + started.incrementAndGet();
        Job job = jobs.submit("eval", j -> {
            EvalRunner.Result result = new EvalRunner(chat, CrossDocumentCheck.of(index)).run(items, modes,
                    (done, total) -> j.emit("progress", Map.of("done", done, "total", total)), j::cancelRequested);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("id", id);
            about.put("qa", name);
            about.put("questions", items.size());
            about.put("model", chat.modelName());
            about.put("adapter", chat.adapterName());
            about.put("date", Instant.now().toString());
            EvalReport.write(evalsDir().resolve(id), about, result);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("report", id);
            out.put("summary", result.summaries());
            return out;
        });
        ctx.status(202).json(job.view());
    }

    private static List<Mode> modes(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of(Mode.values());
        }
        if (!node.isArray() || node.isEmpty() || node.size() > Mode.values().length) {
            throw ApiException.badRequest("'modes' must be a list of rag, tuned, hybrid");
        }
        LinkedHashSet<Mode> modes = new LinkedHashSet<>();
        for (JsonNode m : node) {
            try {
                modes.add(Mode.parse(m.isTextual() ? m.asText() : null));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        return new ArrayList<>(modes);
    }

    public void list(Context ctx) throws IOException {
        List<Map<String, Object>> reports = new ArrayList<>();
        if (Files.isDirectory(evalsDir())) {
            try (Stream<Path> dirs = Files.list(evalsDir())) {
                for (Path d : dirs.filter(p -> Files.isRegularFile(p.resolve("report.json")))
                        .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList()) {
                    JsonNode report = Json.MAPPER.readTree(d.resolve("report.json").toFile());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", d.getFileName().toString());
                    row.put("qa", report.path("qa").asText());
                    row.put("date", report.path("date").asText());
                    row.put("questions", report.path("questions").asInt());
                    row.put("adapter", report.path("adapter").isNull() ? null : report.path("adapter").asText());
                    row.put("summary", report.path("summary"));
                    reports.add(row);
                }
            }
        }
        ctx.json(Map.of("reports", reports));
    }

    public void get(Context ctx) throws IOException {
        String id = AdminInputs.plainName(ctx.pathParam("id"), "report id");
        Path file = evalsDir().resolve(id).resolve("report.json");
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "not_found", "no evaluation report '" + id + "'");
        }
        ctx.contentType("application/json").result(Files.readString(file));
    }
}
