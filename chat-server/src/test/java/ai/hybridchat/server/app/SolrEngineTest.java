package ai.hybridchat.server.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.retrieval.SolrChunkIndex;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.Http;
import ai.hybridchat.server.testing.SolrClusterProcess;
import ai.hybridchat.server.testing.TinyBeir;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform on a real two-node SolrCloud (started in its own JVM): {@code index}, {@code search}
 * and {@code retrieval-eval} with {@code --solr} give what they give on the local index, and
 * {@code serve} with {@code retrieval.engine: solr} answers from the collection and runs the admin
 * full reindex as a new generation behind the alias.
 */
@Tag("slow")
class SolrEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static SolrClusterProcess cluster;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = SolrClusterProcess.start(2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    static String urls() {
        return String.join(",", cluster.urls());
    }

    @Test
    void theRetrievalCommandsWorkOnSolrAsOnTheLocalIndex() throws Exception {
        Path docs = DemoDocs.copyTo(dir.resolve("docs"));
        Path local = dir.resolve("index");
        assertEquals(0, Cli.run("index", "--docs", docs.toString(), "--index", local.toString()).code());
        Cli.Result indexed = Cli.run("index", "--docs", docs.toString(), "--solr", urls(), "--collection", "cli", "--shards", "2",
                "--replication-factor", "2");
        assertEquals(0, indexed.code(), indexed.toString());
        assertTrue(indexed.out().startsWith("19 added, 0 updated, 0 unchanged") && indexed.out().contains("solr:cli"), indexed.out());
        for (String mode : List.of("bm25", "dense", "hybrid")) {
            for (String question : List.of("How much does a Wren lamp cost?", "Who chairs the board?", "When does the Heron Fair open?")) {
                JsonNode want = JSON.readTree(Cli.run("search", question, "--mode", mode, "--json", "--index", local.toString()).out());
                Cli.Result got = Cli.run("search", question, "--mode", mode, "--json", "--solr", urls(), "--collection", "cli");
                assertEquals(0, got.code(), got.toString());
                assertEquals(ids(want), ids(JSON.readTree(got.out())), mode + " " + question);
            }
        }
        Cli.Result again = Cli.run("index", "--docs", docs.resolve("wren-lamp.md").toString(), "--solr", urls(), "--collection", "cli");
        assertTrue(again.out().startsWith("0 added, 0 updated, 1 unchanged"), again.out());

        Path beir = TinyBeir.write(dir.resolve("beir"));
        for (String mode : List.of("bm25", "hybrid")) {
            Cli.Result want = Cli.run("retrieval-eval", "--beir", beir.toString(), "--mode", mode, "--json");
            Cli.Result got = Cli.run("retrieval-eval", "--beir", beir.toString(), "--mode", mode, "--json", "--solr", urls());
            assertEquals(0, got.code(), got.toString());
            assertEquals(want.out(), got.out(), mode);
        }
        Cli.Result unreachable = Cli.run("search", "lamp", "--solr", "http://127.0.0.1:1/solr");
        assertEquals(1, unreachable.code(), unreachable.toString());
        assertTrue(unreachable.err().contains("cannot open Solr collection hybridchat at http://127.0.0.1:1/solr"), unreachable.err());
        assertTrue(unreachable.err().lines().count() <= 2, "one line, no stack trace: " + unreachable.err());
    }

    @Test
    void theServerAnswersFromTheCollectionAndReindexesBehindItsAlias() throws Exception {
        Path data = dir.resolve("server-data");
        ServerConfig config = ServerConfig.defaults().withPort(0).withDataDir(data).withAdminToken("solr-engine-token").toBuilder()
                .solr(new SolrChunkIndex.Settings(cluster.urls(), "served", 2, 2)).build();
        List<String> log = new ArrayList<>();
        String[] auth = {"Authorization", "Bearer solr-engine-token"};
        try (PlatformServer server = PlatformServer.start(config, log::add)) {
            assertTrue(log.stream().anyMatch(l -> l.startsWith("retrieval engine: solr:served")), log.toString());
            Http http = new Http(server.port());
            JsonNode health = Http.json(http.request("GET", "/api/health", null));
            assertEquals(19, health.path("documents").asInt(), health.toString());
            HttpResponse<String> chat = http.post("/api/chat", "{\"message\":\"How much does a Wren lamp cost?\",\"mode\":\"rag\"}");
            assertEquals(200, chat.statusCode(), chat.body());
            assertEquals("wren-lamp", Http.json(chat).path("citations").path(0).path("docId").asText(), chat.body());
            String before = server.index().location();
            HttpResponse<String> reindex = http.post("/api/admin/reindex", "", auth);
            assertEquals(202, reindex.statusCode(), reindex.body());
            String events = http.request("GET", "/api/admin/jobs/" + Http.json(reindex).path("id").asText() + "/events", null, auth).body();
            assertTrue(events.contains("\"state\":\"succeeded\""), events);
            assertNotEquals(before, server.index().location(), "a new generation behind the alias");
            assertEquals(19, server.index().documentCount());
            HttpResponse<String> after = http.post("/api/chat", "{\"message\":\"How much does a Wren lamp cost?\",\"mode\":\"rag\"}");
            assertEquals("wren-lamp", Http.json(after).path("citations").path(0).path("docId").asText(), after.body());
        }
    }

    static List<String> ids(JsonNode search) {
        List<String> out = new ArrayList<>();
        search.path("results").forEach(r -> out.add(r.path("chunkId").asText()));
        return out;
    }
}
