package ai.hybridchat.core.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.hybridchat.core.model.Scalars;

/**
 * How a sentence vector is made from the encoder's token vectors, as sentence-transformers'
 * {@code Pooling} module names the modes: the mean over the real (unmasked) tokens, or the first
 * ({@code [CLS]}) token's vector.
 */
public enum Pooling {
    MEAN("pooling_mode_mean_tokens"),
    CLS("pooling_mode_cls_token");

    /** The key of sentence-transformers' {@code 1_Pooling/config.json} that selects this mode. */
    public final String configKey;

    Pooling(String configKey) {
        this.configKey = configKey;
    }

    /**
     * @param hidden {@code [B, T, H]}
     * @param mask   {@code [B, T]} 1 for tokens, 0 for padding
     * @return {@code [B, H]}
     */
    public NDArray pool(NDArray hidden, NDArray mask) {
        if (this == CLS) {
            return hidden.get(new NDIndex(":, 0, :"));
        }
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(-1);
        return hidden.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(Scalars.like(m, 1e-9f)));
    }
}
