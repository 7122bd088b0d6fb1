package ai.hybridchat.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.ScriptedChatModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand seeded random mutations of valid requests to every endpoint (fields dropped,
 * values of every wrong type, huge, empty, lone surrogates and control characters, unknown
 * fields, bodies cut short or followed by garbage, wrong methods and content types) on a real
 * server: never a 5xx, and every error a JSON body. Then the raw-socket mistakes an HTTP client
 * library will not make: a body shorter than its Content-Length, broken chunked framing, headers
 * too large, a malformed request line.
 */
class RequestFuzzTest {
    static final String TOKEN = "fuzz-test-admin-token";
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MUTATIONS = 1000;

    @TempDir
    static Path dir;
    static ChunkIndex index;
    static Javalin app;
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        index = DemoDocs.lexicalIndex(dir);
        ChatService chat = ChatService.builder()
                .retriever(new ai.hybridchat.retrieval.LuceneRetriever(
                        index.searcher(ai.hybridchat.retrieval.SearchOptions.defaults()),
                        ai.hybridchat.retrieval.SearchMode.BM25))
                .baseModel(new ScriptedChatModel("base"), "fuzz-base")
                .tunedModel(new ScriptedChatModel("tuned"), "fuzz-adapter")
                .build();
        app = ChatServer.create(ChatServer.Parts.of(chat, index).dataDir(dir).adminToken(TOKEN).build())
                .start(0);
    }

    @AfterAll
    static void stop() {
        app.stop();
        index.close();
    }

    /** A valid request: method, path, JSON body (null: none). */
    record Valid(String method, String path, String body, boolean admin) {
    }

    static List<Valid> valid() {
        String q = "Who designed the Wren lamp?";
        return List.of(
                new Valid("POST", "/api/chat", "{\"message\":\"" + q + "\",\"mode\":\"rag\",\"conversationId\":\"c1\"}", false),
                new Valid("POST", "/api/chat/stream", "{\"message\":\"" + q + "\",\"mode\":\"hybrid\"}", false),
                new Valid("POST", "/api/compare", "{\"message\":\"" + q + "\"}", false),
                new Valid("POST", "/api/feedback", "{\"question\":\"q\",\"answers\":{\"rag\":\"a\",\"hybrid\":\"b\"},\"best\":\"hybrid\"}",
                        false),
                new Valid("POST", "/api/feedback", "{\"question\":\"q\",\"mode\":\"rag\",\"answer\":\"a\",\"rating\":\"up\"}", false),
                new Valid("POST", "/v1/chat/completions", "{\"model\":\"rag\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},"
                        + "{\"role\":\"user\",\"content\":\"" + q + "\"}],\"max_tokens\":8,\"temperature\":0.5,\"stop\":[\"x\"]}", false),
                new Valid("POST", "/v1/chat/completions", "{\"model\":\"fuzz-base\",\"stream\":true,\"stream_options\":"
                        + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"ok\"}]}", false),
                new Valid("GET", "/v1/models", null, false),
                new Valid("GET", "/v1/models/rag", null, false),
                new Valid("GET", "/api/samples", null, false),
                new Valid("GET", "/api/health", null, false),
                new Valid("GET", "/metrics", null, false),
                new Valid("GET", "/api/admin/documents", null, true),
                new Valid("DELETE", "/api/admin/documents/no-such-document", null, true),
                new Valid("GET", "/api/admin/jobs", null, true),
                new Valid("GET", "/api/admin/jobs/job-1", null, true),
                new Valid("GET", "/api/admin/adapters", null, true),
                new Valid("GET", "/api/admin/evals", null, true),
                new Valid("POST", "/api/admin/tune", "{\"method\":\"lora\",\"data\":\"missing.jsonl\",\"name\":\"a1\",\"rank\":8,"
                        + "\"lr\":0.002}", true),
                new Valid("POST", "/api/admin/eval", "{\"data\":\"missing.jsonl\"}", true));
    }

    static final String[] NASTY = {"", " ", "\u0000", "\u0007\u001b", "\ud800", "\udfff x", "{{ 7*7 }}", "<|end|>", "../../etc/passwd",
        "%00", "\u202e", "a".repeat(70_000), "null", "[]", "{}", "-1", "1e309", "\ufeff"};

    private static JsonNode randomValue(Random r) {
        return switch (r.nextInt(11)) {
            case 0 -> JSON.getNodeFactory().nullNode();
            case 1 -> JSON.getNodeFactory().numberNode(r.nextInt(3) - 1);
            case 2 -> JSON.getNodeFactory().numberNode(r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
            case 3 -> JSON.getNodeFactory().numberNode(r.nextBoolean() ? 1e300 : -0.5);
            case 4 -> JSON.getNodeFactory().booleanNode(r.nextBoolean());
            case 5 -> JSON.getNodeFactory().arrayNode().add(NASTY[r.nextInt(NASTY.length)]);
            case 6 -> JSON.getNodeFactory().objectNode().put("x", NASTY[r.nextInt(NASTY.length)]);
            case 7 -> {
                ArrayNode deep = JSON.getNodeFactory().arrayNode();
                ArrayNode at = deep;
                for (int i = 0; i < 200; i++) {
                    at = at.addArray();
                }
                yield deep;
            }
            default -> JSON.getNodeFactory().textNode(NASTY[r.nextInt(NASTY.length)]);
        };
    }

    /** One mutation of a JSON body: a field dropped, retyped or added, somewhere in the tree. */
    private static String mutateJson(String body, Random r) throws Exception {
        JsonNode root = JSON.readTree(body);
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode target = objects.get(r.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        switch (r.nextInt(4)) {
            case 0 -> {
                if (!names.isEmpty()) {
                    target.remove(names.get(r.nextInt(names.size())));
                }
            }
            case 1, 2 -> {
                if (!names.isEmpty()) {
                    target.set(names.get(r.nextInt(names.size())), randomValue(r));
                }
            }
            default -> target.set(r.nextBoolean() ? "unexpected" : "__proto__", randomValue(r));
        }
        return JSON.writeValueAsString(root);
    }

    private static void collect(JsonNode n, List<ObjectNode> out) {
        if (n instanceof ObjectNode o) {
            out.add(o);
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
            collect(it.next(), out);
        }
    }

    /** A mutation of the raw bytes: cut short, garbage after, invalid UTF-8, or a body of another kind. */
    private static byte[] mutateBytes(String body, Random r) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return switch (r.nextInt(6)) {
            case 0 -> java.util.Arrays.copyOf(b, r.nextInt(Math.max(1, b.length)));
            case 1 -> (body + " trailing {").getBytes(StandardCharsets.UTF_8);
            case 2 -> {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] = (byte) 0xC3; // a lead byte with no continuation
                yield c;
            }
            case 3 -> "[".repeat(5000).getBytes(StandardCharsets.UTF_8);
            case 4 -> new byte[0];
            default -> ("message=" + body).getBytes(StandardCharsets.UTF_8);
        };
    }

    @Test
    void aThousandMutationsOfValidRequestsGetNoServerErrorAndOnlyJsonErrors() throws Exception {
        Random r = new Random(20261202L);
        List<Valid> requests = valid();
        int[] byClass = new int[6];
        for (int i = 0; i < MUTATIONS; i++) {
            Valid v = requests.get(r.nextInt(requests.size()));
            String method = v.method();
            String path = v.path();
            byte[] body = v.body() == null ? null : v.body().getBytes(StandardCharsets.UTF_8);
            String contentType = "application/json";
            int kind = r.nextInt(10);
            if (v.body() != null && kind < 5) {
                body = mutateJson(v.body(), r).getBytes(StandardCharsets.UTF_8);
            } else if (v.body() != null && kind < 8) {
                body = mutateBytes(v.body(), r);
            } else if (kind == 8) {
                method = new String[] {"GET", "POST", "PUT", "DELETE", "PATCH"}[r.nextInt(5)];
                body = body == null ? "{}".getBytes(StandardCharsets.UTF_8) : body;
            } else {
                path = path + new String[] {"/x", "%2e%2e/", "?q=%ff", "/%00", "//", "/" + "a".repeat(300)}[r.nextInt(6)];
                contentType = r.nextBoolean() ? "text/plain" : "multipart/form-data; boundary=zz";
            }
            String[] headers = v.admin() && r.nextInt(8) != 0 ? new String[] {"Authorization", "Bearer " + TOKEN} : new String[0];
            HttpResponse<String> response;
            try {
                response = sendRetryingAClosedConnection(method, path, body, contentType, headers);
            } catch (java.io.IOException e) {
                throw new AssertionError("mutation " + i + ": " + method + " " + path + " "
                        + (body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8))
                        + ": no response (" + e.getMessage() + ")", e);
            }
            int status = response.statusCode();
            byClass[status / 100]++;
            String where = "mutation " + i + ": " + method + " " + path + " "
                    + (body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8));
            assertTrue(status < 500, where + " -> " + status + " " + response.body());
            if (status >= 400) {
                String type = response.headers().firstValue("Content-Type").orElse("");
                assertTrue(type.startsWith("application/json"), where + " -> " + status + " with " + type + ": " + response.body());
                JSON.readTree(response.body()); // parses
            }
        }
        assertTrue(byClass[4] > MUTATIONS / 4, "most mutations are refused: " + java.util.Arrays.toString(byClass));
        assertTrue(byClass[2] > 0, "some stay valid: " + java.util.Arrays.toString(byClass));
    }

    /**
     * Sends once more when the first try finds its kept-alive connection closed: after refusing a
     * malformed body the server closes the connection, which the client may already have picked
     * for the next request. A request that gets no answer on a fresh connection either fails.
     */
    private static HttpResponse<String> sendRetryingAClosedConnection(String method, String path, byte[] body,
                                                                      String contentType, String... headers) throws Exception {
        try {
            return send(method, path, body, contentType, headers);
        } catch (java.io.IOException e) {
            return send(method, path, body, contentType, headers);
        }
    }

    private static HttpResponse<String> send(String method, String path, byte[] body, String contentType, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes and reads the whole response. */
    private static String raw(String request, boolean closeOutput) throws Exception {
        try (Socket s = new Socket("localhost", app.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (closeOutput) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertJsonError(String response, int status) {
        String head = response.substring(0, Math.max(0, response.indexOf("\r\n\r\n")));
        assertTrue(head.startsWith("HTTP/1.1 " + status), response);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertTrue(body.contains("\"error\""), response);
    }

    @Test
    void aBodyShorterThanItsLengthIsA400() throws Exception {
        String body = "{\"message\":\"Who";
        String r = raw("POST /api/chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n"
                + "Connection: close\r\n\r\n" + body, true);
        assertJsonError(r, 400);
    }

    @Test
    void brokenChunkedFramingIsA400() throws Exception {
        String r = raw("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{\"model\":1}\r\n0\r\n\r\n", true);
        assertJsonError(r, 400);
    }

    @Test
    void headersTooLargeAndAMalformedRequestLineAreJsonToo() throws Exception {
        String r = raw("GET /api/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(40_000) + "\r\nConnection: close\r\n\r\n",
                false);
        assertJsonError(r, 431);
        String bad = raw("GET /api/health HTTP/9.9 nonsense\r\nHost: localhost\r\n\r\n", false);
        assertEquals('4', bad.charAt(9), bad);
        assertTrue(bad.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), bad);
    }
}
