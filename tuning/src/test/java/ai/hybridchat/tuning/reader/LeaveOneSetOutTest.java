package ai.hybridchat.tuning.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaveOneSetOutTest {
    @Test
    void quadraticExpansionAppendsEachPairOnce() {
        assertArrayEquals(new double[] {2, 3, 4, 6, 9}, LeaveOneSetOut.quadratic(new double[] {2, 3}), 1e-12);
    }

    @Test
    void aSetIsMeasuredOnlyByARankerFittedWithoutIt() {
        // set a: feature 0 marks the answer; set b: feature 1 does, and feature 0 marks a wrong one.
        // Fitted on b alone, a ranker follows feature 1, which set a does not have: a left out scores 0.
        ListwiseRankerFit.Question a = new ListwiseRankerFit.Question(
                List.of(new double[] {1, 0}, new double[] {0, 0}), new boolean[] {true, false});
        ListwiseRankerFit.Question b = new ListwiseRankerFit.Question(
                List.of(new double[] {0, 1}, new double[] {1, 0}), new boolean[] {true, false});
        Map<String, List<ListwiseRankerFit.Question>> sets = new LinkedHashMap<>();
        sets.put("a", List.of(a, a));
        sets.put("b", List.of(b, b));
        Map<String, Double> top1 = LeaveOneSetOut.top1(sets, f -> f, new double[2], ListwiseRankerFit.defaults());
        assertEquals(0.0, top1.get("a"), 1e-12);
        // fitted on a alone, feature 0 leads, which picks b's wrong candidate
        assertEquals(0.0, top1.get("b"), 1e-12);
        assertEquals(0.0, top1.get("all"), 1e-12);
        // fitted on everything, both are learned
        List<ListwiseRankerFit.Question> all = List.of(a, a, b, b);
        assertEquals(1.0, ListwiseRankerFit.defaults().fit(all, new double[2]).top1(), 1e-12);
    }
}
