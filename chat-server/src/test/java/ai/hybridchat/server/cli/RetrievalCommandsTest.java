package ai.hybridchat.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.testing.Cli;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.TinyBeir;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** index, search and retrieval-eval on the demo documents and a small BEIR folder, with the real index and embeddings. */
class RetrievalCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path index;

    @BeforeAll
    static void indexTheDemoDocs() {
        Path docs = DemoDocs.copyTo(dir.resolve("docs"));
        index = dir.resolve("index");
        Cli.Result r = Cli.run("index", "--docs", docs.toString(), "--index", index.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("19 added, 0 updated, 0 unchanged"), r.out());
    }

    @Test
    void reindexingUnchangedDocsChangesNothing() {
        Cli.Result r = Cli.run("index", "--docs", dir.resolve("docs/wren-lamp.md").toString(), "--index", index.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("0 added, 0 updated, 1 unchanged"), r.out());
    }

    @Test
    void aFullReindexLeavesExactlyTheGivenDocuments() throws IOException {
        Path own = dir.resolve("full-index");
        assertEquals(0, Cli.run("index", "--docs", dir.resolve("docs").toString(), "--index", own.toString()).code());
        Cli.Result r = Cli.run("index", "--full", "--docs", dir.resolve("docs/wren-lamp.md").toString(),
                dir.resolve("docs/heron-fair.md").toString(), "--index", own.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("0 added, 0 updated, 2 unchanged"), r.out());
        assertTrue(r.out().contains("now holds 2 documents"), r.out());
        Cli.Result search = Cli.run("search", "Who is the chair of the board?", "--json", "--index", own.toString());
        for (JsonNode hit : JSON.readTree(search.out()).path("results")) {
            assertTrue(List.of("wren-lamp", "heron-fair").contains(hit.path("docId").asText()), search.out());
        }
    }

    @Test
    void indexingAnIndexThatIsOpenElsewhereSaysSo() {
        Path busy = dir.resolve("busy-index");
        try (var open = ai.hybridchat.retrieval.LuceneChunkIndex.open(busy, null)) {
            Cli.Result r = Cli.run("index", "--docs", dir.resolve("docs/wren-lamp.md").toString(), "--index", busy.toString());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("is open in another process"), r.err());
        }
    }

    @Test
    void searchPrintsJsonWithPlainSnippets() throws IOException {
        for (String mode : List.of("bm25", "dense", "hybrid")) {
            Cli.Result r = Cli.run("search", "How much does a Wren lamp cost?", "--mode", mode, "--k", "3", "--json",
                    "--index", index.toString());
            assertEquals(0, r.code(), r.toString());
            JsonNode body = JSON.readTree(r.out());
            assertEquals(mode, body.path("mode").asText());
            JsonNode results = body.path("results");
            assertEquals(3, results.size());
            assertEquals("wren-lamp", results.get(0).path("docId").asText(), mode + ": " + r.out());
            assertEquals(1, results.get(0).path("rank").asInt());
            assertTrue(!results.get(0).path("snippet").asText().contains("<b>"));
        }
    }

    @Test
    void searchFiltersByMetadataAndRefusesAMalformedFilter() throws IOException {
        Cli.Result r = Cli.run("search", "How much does a Wren lamp cost?", "--k", "5", "--json", "--filter", "docId=heron-fair",
                "--index", index.toString());
        assertEquals(0, r.code(), r.toString());
        JsonNode results = JSON.readTree(r.out()).path("results");
        assertTrue(results.size() > 0, r.out());
        for (JsonNode hit : results) {
            assertEquals("heron-fair", hit.path("docId").asText(), r.out());
        }
        Cli.Result rrf = Cli.run("search", "How much does a Wren lamp cost?", "--fusion", "rrf", "--dense-weight", "2", "--json",
                "--index", index.toString());
        assertEquals(0, rrf.code(), rrf.toString());
        assertEquals("wren-lamp", JSON.readTree(rrf.out()).path("results").get(0).path("docId").asText());
        Cli.Result badFusion = Cli.run("search", "lamp", "--fusion", "magic", "--index", index.toString());
        assertTrue(badFusion.err().contains("--fusion must be convex or rrf"), badFusion.err());
        Cli.Result bad = Cli.run("search", "lamp", "--filter", "docId", "--index", index.toString());
        assertTrue(bad.code() != 0, bad.toString());
        assertTrue(bad.err().contains("a filter is key=value, got 'docId'"), bad.err());
    }

    @Test
    void searchPrintsTextByDefault() {
        Cli.Result r = Cli.run("search", "Heron Fair", "--k", "2", "--index", index.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("1. "), r.out());
        assertEquals(4, r.out().lines().count(), r.out());
    }

    @Test
    void retrievalEvalPrintsTheThreeMetrics() throws IOException {
        Path beir = TinyBeir.write(dir.resolve("beir"));
        Cli.Result r = Cli.run("retrieval-eval", "--beir", beir.toString(), "--mode", "bm25", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode body = JSON.readTree(r.out());
        assertEquals(List.of("ndcg@10", "recall@100", "map", "queries"), fieldNames(body));
        assertEquals(1.0, body.path("ndcg@10").asDouble(), 1e-9);
        assertEquals(2, body.path("queries").asInt());
        Cli.Result text = Cli.run("retrieval-eval", "--beir", beir.toString(), "--mode", "hybrid");
        assertEquals(0, text.code(), text.toString());
        assertTrue(text.out().contains("nDCG@10"), text.out());
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void searchWithADataFolderSyncsItsIndexWithItsDocumentsFirst() throws IOException {
        Path data = dir.resolve("data-sync");
        DemoDocs.copyTo(data.resolve("docs"));
        Cli.Result first = Cli.run("search", "How much does a Wren lamp cost?", "--json", "--data-dir", data.toString());
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.err().contains("index synced: 19 added"), first.err());
        java.nio.file.Files.writeString(data.resolve("docs/wren-lamp.md"), "# The Wren Lamp\n\nThe Wren lamp now costs 160 euros.\n");
        java.nio.file.Files.delete(data.resolve("docs/heron-fair.md"));
        Cli.Result second = Cli.run("search", "How much does a Wren lamp cost?", "--json", "--k", "1", "--data-dir", data.toString());
        assertEquals(0, second.code(), second.toString());
        assertTrue(second.err().contains("0 added, 1 updated, 17 unchanged") && second.err().contains("1 deleted"), second.err());
        assertTrue(second.out().contains("160 euros"), "the changed fact is found: " + second.out());
    }
}
