package ai.hybridchat.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyPointerTest {
    private static final int VOCAB = 12;
    private static final long END = 0;
    // sentence A: 5 6 7 8 END, sentence B: 5 9 7 10 END (both start with 5; both have 7)
    private static final List<long[]> SENTENCES = List.of(new long[] {5, 6, 7, 8, END}, new long[] {5, 9, 7, 10, END});

    @Test
    void beforeTheFirstTokenEverySentenceStartIsAMatchWeightedByItsPrior() {
        double[] scores = new CopyPointer(SENTENCES, new double[] {0.25, 0.75}, 0.5).copyScores(List.of(), VOCAB);
        assertEquals(1.0, scores[5], 1e-12);
        assertEquals(1.0, sum(scores), 1e-12);
    }

    @Test
    void theLongestSuffixMatchDecidesAndPriorsSplitTies() {
        CopyPointer pointer = new CopyPointer(SENTENCES, new double[] {0.25, 0.75}, 0.5);
        double[] afterStart = pointer.copyScores(answer(5), VOCAB);
        assertEquals(0.25, afterStart[6], 1e-12);
        assertEquals(0.75, afterStart[9], 1e-12);
        // "6 7" matches two tokens of A and only "7" of B: A alone continues
        double[] afterTwo = pointer.copyScores(answer(3, 6, 7), VOCAB);
        assertEquals(0.25, afterTwo[8], 1e-12);
        assertEquals(0.25, sum(afterTwo), 1e-12);
        // a copied sentence points to its end
        double[] done = pointer.copyScores(answer(5, 9, 7, 10), VOCAB);
        assertEquals(0.75, done[(int) END], 1e-12);
        assertEquals(0.75, sum(done), 1e-12);
        assertEquals(0, sum(pointer.copyScores(answer(11), VOCAB)), "no match, no pointer");
    }

    @Test
    void mixingIsTheGatedSumOfBothDistributionsInLogSpace() {
        float[] logits = new float[VOCAB];
        logits[3] = 4;
        CopyPointer pointer = new CopyPointer(SENTENCES, new double[] {1, 1}, 0.5);
        float[] mixed = pointer.mix(logits.clone(), answer(5, 6));
        double[] model = softmax(logits);
        assertEquals(Math.log(0.5 * model[7] + 0.5), mixed[7], 1e-5, "the copied token");
        assertEquals(Math.log(0.5 * model[3]), mixed[3], 1e-5, "the model's favourite");
        assertEquals(0.83, model[3], 0.01);
        assertEquals(7, Sampler.argmax(mixed), "a sure pointer at 0.5 beats a model 83% sure of another token");
        double total = 0;
        for (float m : mixed) {
            total += Math.exp(m);
        }
        assertEquals(1.0, total, 1e-5);
        float[] untouched = pointer.mix(logits.clone(), answer(11));
        for (int i = 0; i < VOCAB; i++) {
            assertEquals(Math.log(model[i]), untouched[i], 1e-5);
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CopyPointer(SENTENCES, new double[] {1}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new CopyPointer(SENTENCES, new double[] {1, 1}, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new CopyPointer(SENTENCES, new double[] {0, 0}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new CopyPointer(SENTENCES, new double[] {1, Double.NaN}, 0.5));
    }

    private static List<Long> answer(long... ids) {
        List<Long> out = new ArrayList<>();
        for (long id : ids) {
            out.add(id);
        }
        return out;
    }

    private static double sum(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s;
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double z = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }
}
