package ai.hybridchat.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.retrieval.SearchMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void yamlOverridesDefaultsAndResolvesPathsAgainstTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("platform.yaml"), """
                port: 8080
                modelDir: models/base
                adapterDir: /abs/adapter
                adminToken: s3cret
                retrievalK: 5
                retrievalMode: bm25
                """);
        ServerConfig c = ConfigLoader.load(file);
        assertEquals(8080, c.port());
        assertEquals(dir.toAbsolutePath().resolve("models/base"), c.modelDir());
        assertEquals(Path.of("/abs/adapter"), c.adapterDir());
        assertEquals("s3cret", c.adminToken());
        assertEquals(5, c.retrievalK());
        assertEquals(SearchMode.BM25, c.retrievalMode());
        assertEquals(ServerConfig.Generation.DEFAULT_MAX_NEW_TOKENS, c.maxNewTokens());
        assertEquals(Path.of("data"), c.dataDir());
        assertEquals(0.0, c.copyWeight(), "a model of the user's own reads by itself: no copy pointer by default");
        assertTrue(!c.demo());
        Path demo = Files.writeString(dir.resolve("demo.yaml"), "retrievalK: 4\n");
        assertEquals(ServerConfig.Generation.DEFAULT_COPY_WEIGHT, ConfigLoader.load(demo).copyWeight(), "the bundled model keeps it");
        Path forced = Files.writeString(dir.resolve("forced.yaml"), "modelDir: m\ncopyWeight: 0.3\n");
        assertEquals(0.3, ConfigLoader.load(forced).copyWeight());
    }

    @Test
    void jsonWorksToo() throws IOException {
        Path file = Files.writeString(dir.resolve("platform.json"), "{\"port\": 9000, \"dataDir\": \"d\", \"copyWeight\": 0}");
        ServerConfig c = ConfigLoader.load(file);
        assertEquals(0.0, c.copyWeight());
        assertEquals(9000, c.port());
        assertEquals(dir.toAbsolutePath().resolve("d"), c.dataDir());
        assertNull(c.modelDir());
        assertTrue(c.demo());
        assertEquals(c.dataDir().resolve("index"), c.indexDir());
    }

    @Test
    void fusionSettingsAreReadAndCheckedByName() throws IOException {
        ServerConfig c = ConfigLoader.load(Files.writeString(dir.resolve("f.yaml"),
                "fusion:\n  method: rrf\n  denseWeight: 1.5\n  rrfK: 20\n"));
        assertEquals(ai.hybridchat.retrieval.SearchOptions.Fusion.RRF, c.search().fusion());
        assertEquals(1.5, c.search().denseWeight());
        assertEquals(1.0, c.search().bm25Weight());
        assertEquals(20, c.search().rrfK());
        assertEquals(ai.hybridchat.retrieval.SearchOptions.Fusion.CONVEX, ServerConfig.defaults().search().fusion());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(Files.writeString(dir.resolve("g.yaml"), "fusion:\n  method: magic\n")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("fusion.method must be convex or rrf"), e.getMessage());
    }

    @Test
    void theRetrieversModelsAreFoldersBesideTheFile() throws IOException {
        ServerConfig c = ConfigLoader.load(Files.writeString(dir.resolve("r.yaml"),
                "retrieval:\n  embeddingModel: models/tuned-minilm\n  reranker: models/reranker\n  rerankDepth: 30\n"));
        assertEquals(dir.toAbsolutePath().resolve("models/tuned-minilm"), c.retrieval().embeddingModel());
        assertEquals(dir.toAbsolutePath().resolve("models/reranker"), c.retrieval().reranker());
        assertEquals(30, c.retrieval().rerankDepth());
        assertEquals(null, ServerConfig.defaults().retrieval().reranker(), "no reranker unless configured");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Files.writeString(
                dir.resolve("bad.yaml"), "retrieval:\n  rerankDepth: 0\n")));
        assertTrue(e.getMessage().contains("rerankDepth"), e.getMessage());
    }

    @Test
    void retrievalCanLiveOnASolrCloudCollection() throws IOException {
        ServerConfig c = ConfigLoader.load(Files.writeString(dir.resolve("s.yaml"), """
                retrieval:
                  engine: solr
                  solr:
                    urls: [http://solr1:8983/solr, http://solr2:8983/solr]
                    collection: chunks
                    shards: 4
                    replicationFactor: 2
                """));
        ai.hybridchat.retrieval.SolrChunkIndex.Settings solr = c.retrieval().solr();
        assertEquals(List.of("http://solr1:8983/solr", "http://solr2:8983/solr"), solr.solrUrls());
        assertEquals("chunks", solr.collection());
        assertEquals(4, solr.shards());
        assertEquals(2, solr.replicationFactor());
        assertEquals(null, ServerConfig.defaults().retrieval().solr(), "the local index unless configured");
        ServerConfig minimal = ConfigLoader.load(Files.writeString(dir.resolve("s2.yaml"),
                "retrieval:\n  engine: solr\n  solr:\n    urls: [http://solr:8983/solr]\n"));
        assertEquals("hybridchat", minimal.retrieval().solr().collection());
        assertEquals(1, minimal.retrieval().solr().shards());
        ServerConfig zk = ConfigLoader.load(Files.writeString(dir.resolve("s3.yaml"),
                "retrieval:\n  engine: solr\n  solr:\n    zkHosts: zk1:2181,zk2:2181/solr\n"));
        assertEquals("zk1:2181,zk2:2181/solr", zk.retrieval().solr().zkHost());
        assertEquals(List.of(), zk.retrieval().solr().solrUrls());
        for (String[] bad : new String[][] {
                {"retrieval:\n  engine: elastic\n", "engine must be lucene"},
                {"retrieval:\n  engine: solr\n", "needs retrieval.solr.urls"},
                {"retrieval:\n  engine: solr\n  solr:\n    urls: [http://x]\n    zkHosts: zk:2181\n", "one of the two"},
                {"retrieval:\n  solr:\n    urls: [http://x]\n", "engine is not solr"},
                {"retrieval:\n  engine: solr\n  solr:\n    urls: [http://x]\n    collection: ../x\n", "retrieval.solr.collection"},
                {"retrieval:\n  engine: solr\n  solr:\n    urls: [http://x]\n    shards: 0\n", "at least 1"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConfigLoader.load(Files.writeString(dir.resolve("bad-solr.yaml"), bad[0])));
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void theWeightFormatIsReadByNameAndAnUnknownOneIsNamed() throws IOException {
        assertEquals(WeightFormat.F32, ConfigLoader.load(Files.writeString(dir.resolve("none.yaml"), "")).weights());
        Path q4 = Files.writeString(dir.resolve("q4.yaml"), "generation:\n  weights: q4\n");
        assertEquals(WeightFormat.Q4, ConfigLoader.load(q4).weights());
        Path bad = Files.writeString(dir.resolve("q5.yaml"), "generation:\n  weights: q5\n");
        String message = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(bad)).getMessage();
        assertTrue(message.contains("unknown weight format 'q5' (choose f32, int8 or q4)"), message);
    }

    @Test
    void anEmptyFileIsTheDefaults() throws IOException {
        assertEquals(ServerConfig.defaults(), ConfigLoader.load(Files.writeString(dir.resolve("empty.yaml"), "")));
    }

    @Test
    void badValuesNameTheFileAndTheProblem() throws IOException {
        Path k = Files.writeString(dir.resolve("k.yaml"), "retrievalK: 0\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(k)).getMessage().contains("retrievalK"));
        Path mode = Files.writeString(dir.resolve("m.yaml"), "retrievalMode: fuzzy\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(mode)).getMessage().contains("fuzzy"));
        Path port = Files.writeString(dir.resolve("p.yaml"), "port: seventy\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(port)).getMessage().contains("p.yaml"));
        Path copy = Files.writeString(dir.resolve("c.yaml"), "copyWeight: 1\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(copy)).getMessage()
                .contains("copyWeight must be at least 0 and below 1, got 1.0"));
        Path broken = Files.writeString(dir.resolve("b.json"), "{\"port\": ");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(broken)).getMessage().contains("b.json"));
    }

    @Test
    void sectionsMirrorTheConfigAndFlatKeysStillWorkWithANote() throws IOException {
        Path sectioned = Files.writeString(dir.resolve("sections.yaml"), """
                server:
                  port: 8081
                  host: 0.0.0.0
                  dataDir: d
                retrieval:
                  k: 4
                  mode: dense
                  fusion:
                    method: rrf
                generation:
                  modelDir: m
                  maxNewTokens: 40
                admin:
                  token: s3cret-token
                """);
        ConfigLoader.Loaded loaded = ConfigLoader.read(sectioned);
        ServerConfig c = loaded.config();
        assertEquals(8081, c.port());
        assertEquals("0.0.0.0", c.server().host());
        assertEquals(dir.toAbsolutePath().resolve("d"), c.dataDir());
        assertEquals(4, c.retrievalK());
        assertEquals(SearchMode.DENSE, c.retrievalMode());
        assertEquals(ai.hybridchat.retrieval.SearchOptions.Fusion.RRF, c.search().fusion());
        assertEquals(dir.toAbsolutePath().resolve("m"), c.modelDir());
        assertEquals(40, c.maxNewTokens());
        assertEquals(ServerConfig.Generation.USER_MODEL_COPY_WEIGHT, c.copyWeight());
        assertEquals("s3cret-token", c.adminToken());
        assertEquals(java.util.List.of(), loaded.notes());

        Path flat = Files.writeString(dir.resolve("flat.yaml"), "port: 8081\nmodelDir: m\nadminToken: s3cret-token\n");
        ConfigLoader.Loaded old = ConfigLoader.read(flat);
        assertEquals(java.util.List.of("flat.yaml: 'port' is read as 'server.port' (its name now; the flat key still works)",
                "flat.yaml: 'modelDir' is read as 'generation.modelDir' (its name now; the flat key still works)",
                "flat.yaml: 'adminToken' is read as 'admin.token' (its name now; the flat key still works)"), old.notes());
        assertEquals(8081, old.config().port());
        assertEquals(c.modelDir(), old.config().modelDir());
        assertEquals(c.adminToken(), old.config().adminToken());
    }

    @Test
    void aSettingGivenTwiceOrAnUnknownKeyInASectionIsNamed() throws IOException {
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "port: 1\nserver:\n  port: 2\n");
        assertEquals("'port' and 'server.port' are the same setting: keep 'server.port'",
                assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(twice)).getMessage()
                        .replace(twice + ": ", ""));
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "retrieval:\n  fusion:\n    methd: rrf\n");
        String message = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(typo)).getMessage();
        assertTrue(message.contains("unknown key 'retrieval.fusion.methd'"), message);
        assertTrue(message.contains("retrieval.fusion: method, bm25Weight, denseWeight, rrfK"), message);
        assertTrue(message.contains("generation: modelDir, adapterDir, maxNewTokens, copyWeight"), message);
    }

    @Test
    void aValueOfTheWrongKindIsNamedInTheFilesWords() throws IOException {
        Path section = Files.writeString(dir.resolve("s.yaml"), "server: 5\n");
        assertEquals(section + ": 'server' must be a section of keys (port, host, dataDir, maxRequestBytes, samples, metricsToken)",
                assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(section)).getMessage());
        Path number = Files.writeString(dir.resolve("n.yaml"), "retrieval:\n  k: many\n");
        assertEquals(number + ": 'retrieval.k' must be a whole number",
                assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(number)).getMessage());
    }

    @Test
    void printingAConfigNeverShowsItsTokens() {
        ServerConfig c = ServerConfig.builder().adminToken("admin-secret-123456").metricsToken("metrics-secret-123456").build();
        String printed = c.toString();
        assertTrue(!printed.contains("admin-secret") && !printed.contains("metrics-secret"), printed);
        assertTrue(printed.contains("token=***"), printed);
    }
}
