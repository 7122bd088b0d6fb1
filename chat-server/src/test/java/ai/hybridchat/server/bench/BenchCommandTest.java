package ai.hybridchat.server.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.server.bench.GenerationBenchmark.ModelShape;
import ai.hybridchat.server.testing.Cli;
import org.junit.jupiter.api.Test;

/** The benchmark programs run end to end on a tiny setting (their numbers are not checked: speed is not a unit test). */
class BenchCommandTest {
    @Test
    void loraTrainingPrintsARowWithThroughputAndMfu() {
        Cli.Result r = Cli.run("bench", "lora-training", "--shapes", "demo", "--batch", "1", "--length", "16",
                "--warmup", "1", "--steps", "1", "--python", "none");
        assertEquals(0, r.code(), r.toString());
        String row = r.out().lines().filter(l -> l.startsWith("| demo |")).findFirst().orElseThrow(() -> new AssertionError(r));
        String[] cells = row.split("\\|");
        assertEquals("28,672", cells[3].strip(), "LoRA r=8 on q and v of 4 layers: 4 x (8x256 + 128x8 + 8x256 + 8x128)");
        assertTrue(Double.parseDouble(cells[5].strip()) > 0, row);
    }

    @Test
    void generationPrintsTheYardstickTwiceAndARowPerWeightFormat() {
        Cli.Result r = Cli.run("bench", "generation", "--shapes", "demo", "--prompt-tokens", "8", "--new-tokens", "8",
                "--weights", "f32,q4", "--python", "none", "--llama-cpp", "none");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("at the start: memory read"), r.out());
        assertTrue(r.out().contains("at the end:   memory read"), r.out());
        String[] f32 = row(r, "| demo | f32 |");
        assertTrue(Double.parseDouble(f32[6].strip()) > 0, "vector-API decode tok/s");
        assertTrue(Double.parseDouble(f32[8].strip()) > 0, "read GB/s");
        assertTrue(Double.parseDouble(f32[10].strip()) > 0, "libtorch-path decode tok/s (the tests run with the vector module)");
        String[] q4 = row(r, "| demo | q4 |");
        double f32Mb = Double.parseDouble(f32[4].strip());
        double q4Mb = Double.parseDouble(q4[4].strip());
        assertTrue(q4Mb < f32Mb / 5, "4-bit codes plus a scale per 32 values: " + q4Mb + " MB against " + f32Mb + " MB in F32");
        assertEquals("-", q4[10].strip(), "no libtorch-path row for a quantized format");
    }

    private static String[] row(Cli.Result r, String start) {
        return r.out().lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(r)).split("\\|");
    }

    @Test
    void flopsPerTokenCountTheFrozenForwardAndBackwardOnce() {
        ModelShape s = new ModelShape("t", 64, 2, 4, 2, 128, 100, true);
        // per layer: q,o 64x64 each, k,v 64x32 each, mlp 3 x 64x128; head 100x64
        long weights = 2L * (2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * 128) + 100 * 64;
        double attention = 4.0 * 10 * 64 * 2;
        double lora = 6.0 * 4 * ((64 + 64) + (64 + 32)) * 2;
        assertEquals(4.0 * weights + 3 * attention + lora, LoraTrainingBenchmark.flopsPerToken(s, 10, 4), 1e-6);
    }

    @Test
    void retrievalScaleIndexesAndPrintsLatencyPerMode() {
        Cli.Result r = Cli.run("bench", "retrieval-scale", "--chunks", "60", "--queries", "5");
        assertEquals(0, r.code(), r.toString());
        for (String mode : new String[] {"bm25", "dense", "hybrid"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| lucene (local folder) |") && l.contains("| " + mode + " |")), r.out());
        }
        assertTrue(r.err().contains("lucene (local folder): indexed 60 of 60 chunks"), r.err());
        Cli.Result noCluster = Cli.run("bench", "retrieval-scale", "--chunks", "60", "--engine", "both");
        assertTrue(noCluster.code() != 0, noCluster.toString());
        assertTrue(noCluster.err().contains("needs --solr"), noCluster.err());
        assertTrue(Cli.run("bench", "retrieval-scale", "--engine", "elastic").err().contains("--engine must be"));
    }

    @Test
    void loadRunsClientsAgainstTheDemoServerAndThePlainPeer() {
        Cli.Result r = Cli.run("bench", "load", "--clients", "2", "--seconds", "1");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("| plain Javalin GET /health (peer) |"), r.out());
        String chat = r.out().lines().filter(l -> l.startsWith("| POST /api/chat")).findFirst().orElseThrow(() -> new AssertionError(r));
        assertTrue(chat.endsWith("| 0 |"), "no errors: " + chat);
        String hybrid = r.out().lines().filter(l -> l.startsWith("| POST /api/chat (hybrid, one client)")).findFirst()
                .orElseThrow(() -> new AssertionError(r));
        assertTrue(Double.parseDouble(hybrid.split("\\|")[6].strip()) > 0, "the server's time to first token: " + hybrid);
    }

    @Test
    void anUnknownShapeIsAOneLineError() {
        Cli.Result r = Cli.run("bench", "lora-training", "--shapes", "7b", "--python", "none");
        assertTrue(r.code() != 0, r.toString());
        assertTrue(r.err().contains("unknown shape '7b'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void encoderTrainingPrintsARowWithThroughputAndMfu() {
        Cli.Result r = Cli.run("bench", "encoder-training", "--shapes", "2x8", "--warmup", "1", "--steps", "1", "--python", "none");
        assertEquals(0, r.code(), r.toString());
        String row = r.out().lines().filter(l -> l.startsWith("| 2x8 |")).findFirst().orElseThrow(() -> new AssertionError(r));
        String[] cells = row.split("\\|");
        assertEquals("22.7M", cells[2].strip(), "MiniLM-L6's encoder and the head: " + row);
        assertTrue(Double.parseDouble(cells[4].strip()) > 0, row);
    }

    @Test
    void encoderFlopsPerTokenCountSixPerProjectionWeightAndAttentionThrice() {
        ai.hybridchat.core.encoder.BertConfig c = ai.hybridchat.core.encoder.BundledEncoder.ALL_MINILM_L6_V2.config();
        // 6 layers: q, k, v, o 384x384 and the MLP 384x1536 twice; attention 4 x length x hidden per layer
        double projections = 6 * (4.0 * 384 * 384 + 2.0 * 384 * 1536);
        assertEquals(6 * projections + 3 * 6 * 4.0 * 64 * 384, EncoderTrainingBenchmark.flopsPerToken(c, 64), 1e-6);
    }
}
