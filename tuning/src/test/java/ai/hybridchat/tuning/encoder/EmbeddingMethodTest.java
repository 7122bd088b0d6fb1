package ai.hybridchat.tuning.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.TuningResult;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contrastive tuning of a tiny random encoder: it learns its pairs, and writes a folder that embeds as it did. */
class EmbeddingMethodTest {
    static final List<TextPair> PAIRS = List.of(
            new TextPair("When does the ferry leave?", "The ferry leaves the harbour at seven every morning.", null),
            new TextPair("How much is a kite?", "A beginner kite costs forty pounds in the shop.", null),
            new TextPair("Who repairs the bridge?", "The county engineers repair the stone bridge each spring.", null),
            new TextPair("Where are classes held?", "Evening classes are held in the old school hall.", null),
            new TextPair("What does the museum show?", "The museum shows clocks made in the valley.", null),
            new TextPair("Is there parking?", "Visitors park behind the library for free.", null),
            new TextPair("Which tea is served?", "The cafe serves a smoky black tea from Assam.", null),
            new TextPair("How long is the walk?", "The river walk is six miles from end to end.", null));

    @TempDir Path dir;

    @Test
    void learnsItsPairsAndWritesASentenceTransformersFolder() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 3);
        Path data = dir.resolve("pairs.jsonl");
        Files.writeString(data, TextPair.toJsonLines(PAIRS));
        Path out = dir.resolve("tuned");
        List<Double> losses = new ArrayList<>();
        TuningResult result = new Tuner(r -> losses.add(r.loss())).run(TuneOptionsBuilder.of("embedding", base, data, out)
                .validation(data).steps(60).batchSize(8).learningRate(3e-3).build(), null);
        assertTrue(losses.get(losses.size() - 1) < 0.5 * losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(losses.size() - 1));
        PairRanking ranking = result.evaluation(PairRanking.class).orElseThrow();
        assertEquals(8, ranking.queries());
        assertEquals(1.0, ranking.recallAt1(), "every query finds its own passage after tuning: " + ranking);
        assertTrue(ranking.baseRecallAt1() < 1.0, "the random base did not already: " + ranking);

        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json",
                "training.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode meta = Json.MAPPER.readTree(out.resolve("training.json").toFile());
        assertEquals("embedding", meta.get("method").asText());
        assertEquals(1.0, meta.get("validation_ranking").get("recallAt1").asDouble());
        assertTrue(meta.get("metrics").get("validation_perplexity") == null, "no perplexity of a ranking loss");
        try (NDManager manager = NDManager.newBaseManager(); SentenceEncoder tuned = SentenceEncoder.load(out, manager)) {
            double[] again = PairRanking.measure(tuned, PAIRS, PAIRS);
            assertEquals(ranking.recallAt1(), again[0], 1e-9, "the folder embeds as the trained model did");
            assertEquals(ranking.mrr(), again[1], 1e-6);
            assertTrue(tuned.modelName().startsWith("tuned@"), tuned.modelName());
        }
    }

    @Test
    void theInverseClozeTaskMakesPairsFromPassagesAlone() {
        List<String> passages = List.of(
                "The ferry leaves at seven. It returns at noon on weekdays. Tickets are sold on board.",
                "One sentence only, which cannot be split into a query and a rest.",
                "Kites are sold in the shop. Repairs take a week.");
        List<TextPair> pairs = InverseCloze.pairs(passages, new Random(1));
        assertEquals(2, pairs.size(), "a one-sentence passage gives no pair");
        for (TextPair p : pairs) {
            String source = passages.stream().filter(s -> s.contains(p.query())).findFirst().orElseThrow();
            assertTrue(source.length() > p.positive().length() || p.positive().contains(p.query()), p.toString());
        }
    }

    @Test
    void malformedPairsAreRefusedWithTheirLineNumbers() throws Exception {
        Path data = dir.resolve("bad.jsonl");
        Files.writeString(data, "{\"query\": \"q\", \"positive\": \"p\"}\n{\"query\": \"q\"}\n{\"query\": 3, \"positive\": \"p\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextPair.read(data));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("line 3"), e.getMessage());
    }
}
