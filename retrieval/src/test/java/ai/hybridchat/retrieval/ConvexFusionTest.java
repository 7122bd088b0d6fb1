package ai.hybridchat.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The convex fusion of a BM25 and a dense ranking, worked by hand. */
class ConvexFusionTest {
    private static <T> RankFusion.Scored<T> s(T item, double score) {
        return new RankFusion.Scored<>(item, score);
    }

    @Test
    void normalisedScoresAreWeightedAndAMissingItemScoresItsRankingsMinimum() {
        // BM25 12, 8, 4 -> 1, 0.5, 0; cosines 0.9, 0.5 -> 1, 0; weights 3:1 -> 0.75, 0.25
        List<RankFusion.Scored<String>> lexical = List.of(s("a", 12), s("b", 8), s("c", 4));
        List<RankFusion.Scored<String>> dense = List.of(s("c", 0.9), s("d", 0.5));
        List<RankFusion.Scored<String>> fused = new ConvexFusion(3, 1).fuse(lexical, dense, 10);
        assertEquals(List.of("a", "b", "c", "d"), fused.stream().map(RankFusion.Scored::item).toList());
        assertEquals(0.75, fused.get(0).score(), 1e-12);
        assertEquals(0.375, fused.get(1).score(), 1e-12);
        assertEquals(0.25, fused.get(2).score(), 1e-12);
        assertEquals(0.0, fused.get(3).score(), 1e-12);
        assertEquals(2, new ConvexFusion(3, 1).fuse(lexical, dense, 2).size());
    }

    @Test
    void equalFusedScoresGoToTheSmallerItemWhateverTheOrderSeen() {
        List<RankFusion.Scored<Integer>> lexical = List.of(s(7, 2.0), s(3, 1.0));
        List<RankFusion.Scored<Integer>> dense = List.of(s(3, 0.8), s(7, 0.4));
        // 7: 0.5 * 1 + 0.5 * 0 = 0.5; 3: 0.5 * 0 + 0.5 * 1 = 0.5
        assertEquals(List.of(3, 7), new ConvexFusion(1, 1).fuse(lexical, dense, 2).stream().map(RankFusion.Scored::item).toList());
    }

    @Test
    void reciprocalRankFusionReadsRanksNotScores() {
        List<RankFusion.Scored<String>> lexical = List.of(s("a", 100), s("b", 99));
        List<RankFusion.Scored<String>> dense = List.of(s("b", 0.1), s("c", 0.0));
        List<RankFusion.Scored<String>> fused = new ReciprocalRankFusion(60, 1, 1).fuse(lexical, dense, 3);
        assertEquals(List.of("b", "a", "c"), fused.stream().map(RankFusion.Scored::item).toList());
        assertEquals(1.0 / 62 + 1.0 / 61, fused.get(0).score(), 1e-12);
    }

    @Test
    void weightsMustBeUsable() {
        assertThrows(IllegalArgumentException.class, () -> new ConvexFusion(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConvexFusion(-1, 1));
    }
}
