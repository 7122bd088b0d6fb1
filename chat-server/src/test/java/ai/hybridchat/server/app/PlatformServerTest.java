package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import ai.hybridchat.server.testing.SseEvents;
import ai.hybridchat.server.testing.TinyModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code platform serve} assembled from real parts (Lucene index with MiniLM embeddings, the
 * tiny pretrained model and its LoRA adapter through LocalChatModel, Javalin), asked over HTTP.
 * The tiny model babbles, so this checks the wiring; the demo model's answers are checked by
 * {@code DemoModelEndToEndTest}.
 */
class PlatformServerTest {
    @TempDir
    Path data;

    ServerConfig config() {
        return ServerConfig.builder().port(0).dataDir(data).modelDir(TinyModel.model()).adapterDir(TinyModel.adapter())
                .retrievalK(3).retrievalMode(SearchMode.FUSED).maxNewTokens(8).build();
    }

    @Test
    void answersInEveryModeOverHttpAndIndexesOnlyOnFirstStart() {
        DemoDocs.copyTo(data.resolve("docs"));
        List<String> log = new ArrayList<>();
        try (PlatformServer server = PlatformServer.start(config(), log::add)) {
            assertTrue(log.stream().anyMatch(l -> l.startsWith("index synced: 19 added")), log.toString());
            Http http = new Http(server.port());
            JsonNode health = Http.json(http.get("/api/health"));
            assertEquals("[\"rag\",\"tuned\",\"hybrid\"]", health.path("modes").toString());
            assertEquals(19, health.path("documents").asInt());
            for (String mode : List.of("rag", "tuned", "hybrid")) {
                HttpResponse<String> response = http.post("/api/chat",
                        "{\"message\": \"How much does a Wren lamp cost?\", \"mode\": \"" + mode + "\"}");
                assertEquals(200, response.statusCode(), response.body());
                JsonNode body = Http.json(response);
                assertEquals(mode, body.path("mode").asText());
                assertTrue(body.path("answer").isTextual());
                assertEquals("model", body.path("model").asText());
                assertEquals(mode.equals("rag") ? "null" : "\"adapter\"", body.path("adapter").toString());
                assertEquals(mode.equals("tuned") ? 0 : 3, body.path("citations").size(), body.toString());
                if (!mode.equals("tuned")) {
                    assertEquals("wren-lamp", body.path("citations").get(0).path("docId").asText(), body.toString());
                }
            }
            HttpResponse<String> stream = http.post("/api/chat/stream", "{\"message\": \"Who is the chair of the board?\"}");
            List<SseEvents.Event> events = SseEvents.parse(stream.body());
            assertEquals("done", events.get(events.size() - 1).name(), stream.body());
        }
        log.clear();
        try (PlatformServer again = PlatformServer.start(config(), log::add)) {
            assertFalse(log.stream().anyMatch(l -> l.startsWith("indexing")), "a second start reuses the index: " + log);
            assertEquals(19, again.index().documentCount());
        }
    }

    /** A non-loopback IPv4 address of this machine, or null. */
    static java.net.InetAddress externalAddress() throws java.net.SocketException {
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    @Test
    void listensOnLoopbackUnlessOpened() throws Exception {
        java.net.InetAddress external = externalAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "no non-loopback address on this machine");
        assertEquals("127.0.0.1", ServerConfig.defaults().server().host());
        try (PlatformServer server = PlatformServer.start(config(), line -> { })) {
            assertEquals(200, new Http(server.port()).get("/api/health").statusCode(), "reachable on loopback");
            try (java.net.Socket s = new java.net.Socket()) {
                org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> s.connect(new java.net.InetSocketAddress(external, server.port()), 2000),
                        "not reachable on " + external.getHostAddress());
            }
        }
        try (PlatformServer open = PlatformServer.start(config().withHost("0.0.0.0"), line -> { });
             java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(external, open.port()), 2000); // --host 0.0.0.0 opens it
            assertTrue(s.isConnected());
        }
    }

    @Test
    void withoutAnAdapterOnlyRagAnswers() {
        ServerConfig c = config();
        ServerConfig noAdapter = c.toBuilder().adapterDir(null).retrievalMode(SearchMode.BM25).maxNewTokens(4).build();
        try (PlatformServer server = PlatformServer.start(noAdapter, line -> { })) {
            Http http = new Http(server.port());
            assertEquals(503, http.post("/api/chat", "{\"message\": \"Who?\", \"mode\": \"hybrid\"}").statusCode());
            assertEquals(200, http.post("/api/chat", "{\"message\": \"Who?\", \"mode\": \"rag\"}").statusCode());
        }
    }
}
