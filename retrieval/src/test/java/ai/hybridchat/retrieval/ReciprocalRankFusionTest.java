package ai.hybridchat.retrieval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReciprocalRankFusionTest {
    @Test
    void itemRankedWellByBothBeatsItemFirstInOne() {
        List<ReciprocalRankFusion.Fused<String>> fused = new ReciprocalRankFusion(60)
                .fuse(List.of(List.of("a", "b", "c"), List.of("d", "b", "a")));

        // a: 1/61 + 1/63 = 0.032266, b: 2/62 = 0.032258, d: 1/61, c: 1/63
        assertEquals(List.of("a", "b", "d", "c"), fused.stream().map(ReciprocalRankFusion.Fused::item).toList());
        assertEquals(1.0 / 61 + 1.0 / 63, fused.get(0).score(), 1e-12);
        assertEquals(2.0 / 62, fused.get(1).score(), 1e-12);
        assertEquals(1.0 / 61, fused.get(2).score(), 1e-12);
        assertEquals(1.0 / 63, fused.get(3).score(), 1e-12);
    }

    @Test
    void weightsShiftTheBalanceAndTiesKeepFirstSeenOrder() {
        ReciprocalRankFusion lexicalHeavy = new ReciprocalRankFusion(60, 2.0, 1.0);
        assertEquals("x", lexicalHeavy.fuse(List.of(List.of("x", "y"), List.of("y", "x"))).get(0).item());
        ReciprocalRankFusion denseHeavy = new ReciprocalRankFusion(60, 1.0, 2.0);
        assertEquals("y", denseHeavy.fuse(List.of(List.of("x", "y"), List.of("y", "x"))).get(0).item());
        ReciprocalRankFusion equal = new ReciprocalRankFusion(60);
        assertEquals(List.of("x", "y"), equal.fuse(List.of(List.of("x", "y"), List.of("y", "x"))).stream()
                .map(ReciprocalRankFusion.Fused::item).toList());
    }

    @Test
    void duplicatesInOneRankingCountOnce() {
        var fused = new ReciprocalRankFusion(0).fuse(List.of(List.of("a", "a", "b")));
        assertEquals(1.0, fused.get(0).score(), 1e-12);
        assertEquals(1.0 / 3, fused.get(1).score(), 1e-12);
    }

    @Test
    void rejectsMismatchedWeights() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReciprocalRankFusion(60, 1.0).fuse(List.of(List.of("a"), List.of("b"))));
        assertThrows(IllegalArgumentException.class, () -> new ReciprocalRankFusion(60, -1.0));
    }
}
