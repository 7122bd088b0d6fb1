package ai.hybridchat.server.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerMetricsTest {
    @Test
    void f1IgnoresCaseArticlesAndPunctuation() {
        assertEquals(1.0, AnswerMetrics.tokenF1("The Wren lamp costs 145 euros.", "wren lamp costs 145 euros"), 1e-9);
        assertEquals(0.0, AnswerMetrics.tokenF1("Nobody knows.", "It costs 145 euros."), 1e-9);
        // answer: [it, costs, 145] ; reference: [wren, lamp, costs, 145, euros]: 2 common, p=2/3, r=2/5
        assertEquals(2 * (2.0 / 3) * (2.0 / 5) / (2.0 / 3 + 2.0 / 5), AnswerMetrics.tokenF1("It costs 145.", "The Wren lamp costs 145 euros."), 1e-9);
        assertEquals(0.0, AnswerMetrics.tokenF1("", "145 euros"), 1e-9);
    }

    @Test
    void factsMatchWholeWords() {
        assertTrue(AnswerMetrics.containsFact("The chair is Tobias Wrenfield, a lamp maker.", "Tobias Wrenfield"));
        assertTrue(AnswerMetrics.containsFact("It costs 145 euros", "145 euros"));
        assertFalse(AnswerMetrics.containsFact("It costs 1450 euros", "145"));
        assertFalse(AnswerMetrics.containsFact("", "145"));
    }
}
