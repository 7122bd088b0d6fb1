package ai.hybridchat.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sampler's filters and penalties on hand-made logits, against their definitions. */
class SamplerTest {
    private static GenerationConfig config(double temperature, int topK, double topP, double presence, double frequency,
                                           Map<Integer, Float> bias) {
        return new GenerationConfig(16, temperature, topK, topP, 1.0, 7, List.of(), presence, frequency, bias);
    }

    @Test
    void samplesTheSoftmaxOfTheLogitsAtTemperatureOne() {
        Sampler s = new Sampler(config(1.0, 0, 1.0, 0, 0, Map.of()));
        int[] counts = new int[3];
        int n = 30_000;
        for (int i = 0; i < n; i++) {
            counts[s.next(new float[] {0f, (float) Math.log(2), (float) Math.log(3)}, Set.of())]++;
        }
        for (int k = 0; k < 3; k++) {
            assertEquals((k + 1) / 6.0, counts[k] / (double) n, 0.012, "token " + k);
        }
    }

    @Test
    void nucleusAndTopKKeepOnlyTheMostLikelyTokens() {
        // probabilities 0.5, 0.3, 0.2: top-p 0.6 keeps the first two, top-k 1 only the first
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        Sampler nucleus = new Sampler(config(1.0, 0, 0.6, 0, 0, Map.of()));
        Sampler topK = new Sampler(config(1.0, 1, 1.0, 0, 0, Map.of()));
        int[] seen = new int[3];
        for (int i = 0; i < 5000; i++) {
            seen[nucleus.next(logits.clone(), Set.of())]++;
            assertEquals(0, topK.next(logits.clone(), Set.of()));
        }
        assertEquals(0, seen[2], "the tail beyond top-p is never drawn");
        assertEquals(0.5 / 0.8, seen[0] / 5000.0, 0.03, "renormalised over the nucleus");
    }

    @Test
    void logitBiasOfMinusHundredBansAToken() {
        Sampler s = new Sampler(config(0, 0, 1.0, 0, 0, Map.of(0, -100f)));
        assertEquals(1, s.next(new float[] {5f, 1f, 0f}, Set.of()));
    }

    @Test
    void frequencyPenaltyGrowsWithEachUseAndPresencePenaltyIsPaidOnce() {
        // OpenAI: logit - count * frequency_penalty - (count > 0) * presence_penalty, over the answer so far
        Sampler frequency = new Sampler(config(0, 0, 1.0, 0, 0.3, Map.of()));
        float[] logits = {2.0f, 1.5f};
        assertEquals(0, frequency.next(logits.clone(), Set.of()));
        assertEquals(0, frequency.next(logits.clone(), Set.of())); // 2.0 - 0.3 > 1.5
        assertEquals(1, frequency.next(logits.clone(), Set.of())); // 2.0 - 0.6 < 1.5

        Sampler presence = new Sampler(config(0, 0, 1.0, 0.3, 0, Map.of()));
        assertEquals(0, presence.next(logits.clone(), Set.of()));
        assertEquals(0, presence.next(logits.clone(), Set.of())); // 2.0 - 0.3 > 1.5, however often it was used
        assertEquals(0, presence.next(logits.clone(), Set.of()));

        Sampler negative = new Sampler(config(0, 0, 1.0, -1.0, 0, Map.of()));
        float[] close = {1.0f, 1.2f};
        assertEquals(1, negative.next(close.clone(), Set.of()));
        assertEquals(1, negative.next(close.clone(), Set.of()), "a negative penalty favours what was said");
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        float[] logits = new float[50];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i);
        }
        Sampler a = new Sampler(config(1.0, 0, 1.0, 0, 0, Map.of()));
        Sampler b = new Sampler(config(1.0, 0, 1.0, 0, 0, Map.of()));
        StringBuilder da = new StringBuilder();
        StringBuilder db = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            da.append(a.next(logits.clone(), Set.of())).append(',');
            db.append(b.next(logits.clone(), Set.of())).append(',');
        }
        assertEquals(da.toString(), db.toString());
        assertTrue(da.toString().split(",").length == 40);
    }
}
