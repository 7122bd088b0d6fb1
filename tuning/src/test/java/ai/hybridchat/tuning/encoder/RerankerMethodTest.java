package ai.hybridchat.tuning.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.encoder.PairScorer;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.testing.TinyEncoders;
import ai.hybridchat.tuning.TuneOptionsBuilder;
import ai.hybridchat.tuning.Tuner;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cross-encoder reranker on a tiny random encoder: it learns to put each query's passage first, and its folder scores as trained. */
class RerankerMethodTest {
    @TempDir Path dir;

    @Test
    void learnsToRankEachQuerysPassageFirst() throws Exception {
        Path base = TinyEncoders.write(dir.resolve("base"), 9);
        List<TextPair> pairs = new ArrayList<>();
        for (TextPair p : EmbeddingMethodTest.PAIRS) {
            pairs.add(new TextPair(p.query(), p.positive(), "Nothing here is about " + p.query().toLowerCase()));
        }
        Path data = dir.resolve("pairs.jsonl");
        Files.writeString(data, TextPair.toJsonLines(pairs));
        Path out = dir.resolve("reranker");
        List<Double> losses = new ArrayList<>();
        new Tuner(r -> losses.add(r.loss())).run(TuneOptionsBuilder.of("reranker", base, data, out)
                .steps(80).batchSize(4).learningRate(2e-3).build(), null);
        assertTrue(losses.get(losses.size() - 1) < 0.5 * losses.get(0), "loss " + losses.get(0) + " -> " + losses.get(losses.size() - 1));

        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("BertForSequenceClassification", config.get("architectures").get(0).asText());
        assertEquals(1, config.get("id2label").size(), "one label: a relevance score, as sentence-transformers' CrossEncoder");
        List<String> passages = pairs.stream().map(TextPair::positive).toList();
        int first = 0;
        try (NDManager manager = NDManager.newBaseManager(); PairScorer scorer = PairScorer.load(out, PairScorer.DEFAULT_MAX_LENGTH, manager)) {
            for (int q = 0; q < pairs.size(); q++) {
                double[] s = scorer.score(pairs.get(q).query(), passages);
                int best = 0;
                for (int i = 1; i < s.length; i++) {
                    best = s[i] > s[best] ? i : best;
                }
                first += best == q ? 1 : 0;
                assertTrue(scorer.score(pairs.get(q).query(), List.of(pairs.get(q).negative()))[0] < s[q], "its negative below it");
            }
        }
        assertEquals(pairs.size(), first, "every query's own passage ranks first among the eight");
    }

    @Test
    void tooFewPassagesToContrastAreRefused() throws Exception {
        Path data = dir.resolve("two.jsonl");
        Files.writeString(data, TextPair.toJsonLines(EmbeddingMethodTest.PAIRS.subList(0, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Tuner(r -> { })
                .run(TuneOptionsBuilder.of("reranker", dir, data, dir.resolve("out")).build(), null));
        assertTrue(e.getMessage().contains("distinct positives"), e.getMessage());
    }
}
