package ai.hybridchat.tuning.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContrastiveBatchesTest {
    /** Eight relevant passages for one question, as CISI's judged queries have, beside single-passage questions. */
    private static List<TextPair> repeatedQuery() {
        List<TextPair> pairs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pairs.add(new TextPair("How are libraries indexed?", "passage " + i, null));
        }
        for (int i = 0; i < 6; i++) {
            pairs.add(new TextPair("question " + i, "answer " + i, null));
        }
        return pairs;
    }

    @Test
    void noBatchRepeatsATextAndNoneIsWithoutANegative() {
        for (int seed = 0; seed < 20; seed++) {
            List<List<TextPair>> batches = ContrastiveBatches.group(repeatedQuery(), 4, new Random(seed), false);
            for (List<TextPair> batch : batches) {
                assertTrue(batch.size() >= 2, "a batch of one pair has no negative: " + batch);
                Set<String> texts = new HashSet<>();
                batch.forEach(p -> {
                    assertTrue(texts.add(p.query()), "query twice in " + batch);
                    assertTrue(texts.add(p.positive()), "passage twice in " + batch);
                });
            }
            // the repeated query sits in one pair per batch at most: the pairs of it left at the end are dropped
            long kept = batches.stream().mapToLong(List::size).sum();
            assertTrue(kept >= 7 && kept < 14, "kept " + kept);
        }
    }

    @Test
    void withHardNegativesASinglePairStillTeaches() {
        List<TextPair> pairs = List.of(new TextPair("q", "p1", "n1"), new TextPair("q", "p2", "n2"));
        List<List<TextPair>> batches = ContrastiveBatches.group(pairs, 4, new Random(1), true);
        assertEquals(2, batches.size());
    }

    @Test
    void pairsOfOneQueryAloneAreRefusedWithAReason() {
        List<TextPair> pairs = List.of(new TextPair("q", "p1", null), new TextPair("q", "p2", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ContrastiveBatches.group(pairs, 4, new Random(1), false));
        assertTrue(e.getMessage().contains("two pairs with different queries"), e.getMessage());
    }
}
