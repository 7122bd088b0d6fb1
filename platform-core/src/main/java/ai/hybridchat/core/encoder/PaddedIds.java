package ai.hybridchat.core.encoder;

import java.util.Arrays;
import java.util.List;

/**
 * Token-id rows of different lengths as one right-padded {@code rows x length} batch: the ids
 * (padding filled with {@code pad}), the segment ids (0 where none are given), and the attention
 * mask (1 for a token, 0 for padding). The one layout every encoder batch here takes.
 */
public record PaddedIds(long[] ids, long[] types, long[] mask, int rows, int length) {
    /** @param types each row's segment ids, or null for all zeros */
    public static PaddedIds of(List<long[]> ids, List<long[]> types, long pad) {
        int t = Math.max(1, ids.stream().mapToInt(r -> r.length).max().orElse(1));
        long[] flat = new long[ids.size() * t];
        long[] segments = new long[flat.length];
        long[] mask = new long[flat.length];
        Arrays.fill(flat, pad);
        for (int r = 0; r < ids.size(); r++) {
            long[] row = ids.get(r);
            System.arraycopy(row, 0, flat, r * t, row.length);
            if (types != null) {
                System.arraycopy(types.get(r), 0, segments, r * t, row.length);
            }
            Arrays.fill(mask, r * t, r * t + row.length, 1);
        }
        return new PaddedIds(flat, segments, mask, ids.size(), t);
    }

    /** The mask as floats, as the training loop's batches carry it. */
    public float[] floatMask() {
        float[] out = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i];
        }
        return out;
    }
}
