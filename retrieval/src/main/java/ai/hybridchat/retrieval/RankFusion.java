package ai.hybridchat.retrieval;

import java.util.List;

/**
 * How the two rankings of a fused search, BM25's and the dense one's (each best first, with the
 * engine's scores), become one: {@link ConvexFusion} or {@link ReciprocalRankFusion}, as Lucene's
 * {@code Similarity} has its subclasses. An engine hands its two candidate lists here, so a query
 * ranks the same on every engine that returns the same candidates.
 */
public interface RankFusion {
    /** An item of a ranking and its score. */
    record Scored<T>(T item, double score) {
    }

    /** The {@code k} best of the fused ranking, best first, each with its fused score. */
    <T> List<Scored<T>> fuse(List<Scored<T>> lexical, List<Scored<T>> dense, int k);
}
