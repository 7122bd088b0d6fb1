package ai.hybridchat.tuning.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.encoder.SentenceEncoder;
import ai.hybridchat.core.model.Scalars;
import ai.hybridchat.tuning.train.TokenBatch;
import ai.hybridchat.tuning.train.TrainingLoop;

/**
 * The multiple-negatives ranking loss (Henderson et al., 2017; sentence-transformers'
 * {@code MultipleNegativesRankingLoss}): each query's positive must outscore every other passage
 * of the batch, the other queries' positives and every hard negative, under a softmax over
 * cosine similarities times a scale (20, sentence-transformers' default). Rows come as
 * {@link ContrastiveBatches} lays them out.
 */
final class MultipleNegativesRankingLoss implements TrainingLoop.LossFunction {
    static final float SCALE = 20f;

    private final SentenceEncoder encoder;
    private final int groups;

    MultipleNegativesRankingLoss(SentenceEncoder encoder, int groups) {
        this.encoder = encoder;
        this.groups = groups;
    }

    @Override
    public NDArray loss(TokenBatch batch, NDManager m) {
        int n = batch.batch() / groups;
        NDArray mask = batch.maskArray(m).toType(DataType.INT64, false);
        NDArray vectors = encoder.encode(batch.inputArray(m), mask);
        NDArray queries = vectors.get(new NDIndex("0:{}", n));
        NDArray passages = vectors.get(new NDIndex("{}:", n));
        NDArray scores = queries.matMul(passages.transpose()).mul(Scalars.like(queries, SCALE));
        // query i's positive is passage i
        NDArray target = m.eye(n, n * (groups - 1), 0, DataType.FLOAT32);
        return scores.logSoftmax(1).mul(target).sum().div(Scalars.like(queries, -n));
    }
}
