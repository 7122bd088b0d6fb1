package ai.hybridchat.server.bench;

import ai.hybridchat.core.io.AtomicFiles;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.FileDocumentLoader;
import ai.hybridchat.retrieval.FileFormat;
import ai.hybridchat.retrieval.IndexedDocument;
import ai.hybridchat.server.app.PlatformServer;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.demo.DemoBundle;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The server under a bounded, interleaved load of everything a deployment sees at once: chats in
 * every mode (native and OpenAI API, some in conversations), feedback posts, uploads and deletes
 * of documents, full reindexes and adapter activations, on the embedded demo. Reports requests by
 * kind and status class, where the memory is ({@link MemorySample}) after a warm-up, every tenth
 * of the counted time and at the end (after a GC), and
 * the data folder's files; it holds when there is no 5xx and no failed connection, the index and
 * {@code docs/} hold the same documents at the end (nothing lost or resurrected), and resident
 * memory grew by less than 5%.
 */
public final class SoakBenchmark {
    static final String TOKEN = "soak-benchmark-admin-token";

    /** What one run measured. */
    public record Result(Map<String, int[]> byKind, List<MemorySample> memory, int lostDocuments,
                         int resurrectedDocuments, Map<String, Long> fileBytes, double seconds, int ioErrors) {
        public int serverErrors() {
            return byKind.values().stream().mapToInt(c -> c[5]).sum();
        }

        /** Resident memory after the warm-up (the first sample). */
        public long rssWarmBytes() {
            return memory.get(0).rssBytes();
        }

        /** Resident memory at the end, when the jobs are done (the last sample). */
        public long rssEndBytes() {
            return memory.get(memory.size() - 1).rssBytes();
        }

        public double rssGrowth() {
            return rssWarmBytes() == 0 ? 0 : (double) (rssEndBytes() - rssWarmBytes()) / rssWarmBytes();
        }

        public boolean holds() {
            return serverErrors() == 0 && ioErrors == 0 && lostDocuments == 0 && resurrectedDocuments == 0 && rssGrowth() < 0.05;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, int[]> byKind = new ConcurrentHashMap<>();
    private final AtomicInteger ioErrors = new AtomicInteger();
    private final AtomicLong counted = new AtomicLong();
    private volatile boolean counting;
    private int port;

    private SoakBenchmark() {
    }

    /** Runs {@code warmUp} uncounted, then {@code duration} counted, with {@code chatClients} chat clients beside the admin. */
    public static Result run(Duration warmUp, Duration duration, int chatClients) throws Exception {
        return new SoakBenchmark().soak(warmUp, duration, chatClients);
    }

    private Result soak(Duration warmUp, Duration duration, int chatClients) throws Exception {
        Path data = Files.createTempDirectory("soak-bench-");
        try (PlatformServer server = PlatformServer.start(ServerConfig.defaults().withPort(0).withDataDir(data)
                .withAdminToken(TOKEN), line -> { })) {
            port = server.port();
            Path adapter = DemoBundle.extractAdapter(data.resolve("demo"));
            for (String name : new String[] {"soak-a", "soak-b"}) {
                copyFolder(adapter, data.resolve("adapters").resolve(name));
            }
            long end = System.nanoTime() + warmUp.toNanos() + duration.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(chatClients + 1);
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < chatClients; c++) {
                int client = c;
                workers.add(pool.submit(() -> chats(client, end)));
            }
            workers.add(pool.submit(() -> administration(data.resolve("docs"), end)));
            Thread.sleep(warmUp.toMillis());
            List<MemorySample> memory = Collections.synchronizedList(new ArrayList<>());
            long t0 = System.nanoTime();
            memory.add(MemorySample.afterGc(0));
            counting = true;
            // a sample every tenth of the counted time: a cache that fills flattens, a leak keeps its slope
            var sampler = Executors.newSingleThreadScheduledExecutor();
            long every = Math.max(1, duration.toMillis() / 10);
            sampler.scheduleAtFixedRate(() -> {
                try {
                    memory.add(MemorySample.afterGc((System.nanoTime() - t0) / 1e9));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, every, every, TimeUnit.MILLISECONDS);
            for (Future<?> f : workers) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            sampler.shutdownNow();
            sampler.awaitTermination(1, TimeUnit.MINUTES);
            pool.shutdown();
            waitForJobs();
            memory.add(MemorySample.afterGc((System.nanoTime() - t0) / 1e9));
            Set<String> indexed = new TreeSet<>();
            for (IndexedDocument d : server.index().documents()) {
                indexed.add(d.docId());
            }
            Set<String> files = documentIds(data.resolve("docs"));
            Set<String> lost = new TreeSet<>(files);
            lost.removeAll(indexed);
            Set<String> resurrected = new TreeSet<>(indexed);
            resurrected.removeAll(files);
            Map<String, Long> sizes = new TreeMap<>();
            for (String f : new String[] {"feedback.jsonl", "preferences.jsonl"}) {
                sizes.put(f, Files.exists(data.resolve(f)) ? Files.size(data.resolve(f)) : 0L);
            }
            sizes.put("index/", folderBytes(data.resolve("index")));
            return new Result(new TreeMap<>(byKind), List.copyOf(memory), lost.size(), resurrected.size(), sizes, seconds,
                    ioErrors.get());
        } finally {
            AtomicFiles.deleteRecursively(data);
        }
    }

    private void chats(int client, long end) {
        Random r = new Random(17 + client);
        List<String> questions = DemoBundle.sampleQuestions();
        String[] modes = {"rag", "tuned", "hybrid"};
        int i = 0;
        while (System.nanoTime() < end) {
            String q = questions.get(r.nextInt(questions.size()));
            String mode = modes[r.nextInt(3)];
            switch (r.nextInt(4)) {
                case 0 -> send("chat", post("/api/chat", Map.of("message", q, "mode", mode)));
                case 1 -> send("chat (conversation)", post("/api/chat", Map.of("message", q, "mode", mode,
                        "conversationId", "soak-" + client + "-" + (i / 5))));
                case 2 -> send("openai", post("/v1/chat/completions", Map.of("model", mode, "max_tokens", 48,
                        "messages", List.of(Map.of("role", "user", "content", q)))));
                default -> send("feedback", post("/api/feedback", Map.of("question", q, "mode", mode, "answer",
                        "an answer " + i, "rating", r.nextBoolean() ? "up" : "down")));
            }
            i++;
        }
    }

    /** Uploads, deletes, reindexes and adapter swaps, one after another, as an operator's script would. */
    private void administration(Path docs, long end) {
        int i = 0;
        while (System.nanoTime() < end) {
            String name = "soak-note-" + i + ".md";
            send("upload", upload(name, ("# Soak note " + i + "\n\nNote " + i + " says the kiln was checked at " + (8 + i % 10)
                    + " o'clock.\n").getBytes(StandardCharsets.UTF_8)));
            if (i >= 2) {
                send("delete", admin("DELETE", "/api/admin/documents/soak-note-" + (i - 2), HttpRequest.BodyPublishers.noBody()));
            }
            if (i % 5 == 0) {
                send("reindex", admin("POST", "/api/admin/reindex", HttpRequest.BodyPublishers.noBody()));
            }
            if (i % 3 == 0) {
                send("activate adapter", admin("POST", "/api/admin/adapters/" + (i % 2 == 0 ? "soak-a" : "soak-b") + "/activate",
                        HttpRequest.BodyPublishers.noBody()));
            }
            i++;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void send(String kind, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (counting) {
                byKind.computeIfAbsent(kind, k -> new int[6])[Math.min(5, r.statusCode() / 100)]++;
                counted.incrementAndGet();
            }
        } catch (IOException e) {
            if (counting) {
                ioErrors.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest post(String path, Object body) {
        try {
            return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest admin(String method, String path, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + TOKEN).method(method, body).build();
    }

    private HttpRequest upload(String fileName, byte[] content) {
        String boundary = "----soak" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: text/markdown\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/admin/documents"))
                .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    /** Waits until no admin job is queued or running, so the end state is settled. */
    private void waitForJobs() throws Exception {
        for (int tries = 0; tries < 600; tries++) {
            HttpResponse<String> r = http.send(admin("GET", "/api/admin/jobs", HttpRequest.BodyPublishers.noBody()),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode jobs = Json.MAPPER.readTree(r.body()).path("jobs");
            boolean busy = false;
            for (JsonNode j : jobs) {
                String state = j.path("state").asText();
                busy |= state.equals("queued") || state.equals("running");
            }
            if (!busy) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private static Set<String> documentIds(Path docs) throws IOException {
        Set<String> ids = new TreeSet<>();
        FileDocumentLoader.documentFiles(docs).forEach(f -> ids.add(FileFormat.documentId(f)));
        return ids;
    }

    private static long folderBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
