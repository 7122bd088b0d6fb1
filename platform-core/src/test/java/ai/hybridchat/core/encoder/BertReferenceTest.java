package ai.hybridchat.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder against an independent implementation: plain PyTorch eager code written from
 * Hugging Face's modeling_bert ({@code reference/make_bert_reference.py}, Debian's python3-torch)
 * made a random checkpoint in {@code BertForSequenceClassification} layout and its last hidden
 * states for a padded batch with two segments.
 */
class BertReferenceTest {
    @TempDir
    Path tmp;

    @Test
    void hiddenStatesOfAPaddedTwoSegmentBatchMatchPyTorch() throws Exception {
        Path dir = Path.of(getClass().getResource("/reference/bert-tiny").toURI());
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("reference.json").toFile());
        try (NDManager manager = NDManager.newBaseManager(); BertModel model = BertModel.load(dir, manager)) {
            assertMatches(ref, model, manager);
            // written as a Hugging Face folder and read back: the same numbers
            model.save(tmp.resolve("copy"));
            try (BertModel copy = BertModel.load(tmp.resolve("copy"), manager)) {
                assertMatches(ref, copy, manager);
            }
        }
    }

    @Test
    void aCheckpointWhoseShapesDisagreeWithItsConfigIsRefused() throws Exception {
        Path dir = Path.of(getClass().getResource("/reference/bert-tiny").toURI());
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Files.copy(dir.resolve("model.safetensors"), bad.resolve("model.safetensors"));
        Files.writeString(bad.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"intermediate_size\": 64", "\"intermediate_size\": 65"));
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> BertModel.load(bad, manager));
            assertTrue(e.getMessage().contains("intermediate.dense.weight"), e.getMessage());
        }
    }

    private static void assertMatches(JsonNode ref, BertModel model, NDManager manager) {
        long[][] ids = longs(ref.get("input_ids"));
        int b = ids.length;
        int t = ids[0].length;
        try (NDManager step = manager.newSubManager()) {
            NDArray mask = step.create(flat(longs(ref.get("attention_mask"))), new Shape(b, t));
            NDArray hidden = model.forward(step.create(flat(ids), new Shape(b, t)),
                    step.create(flat(longs(ref.get("token_type_ids"))), new Shape(b, t)), mask);
            int h = model.config().hiddenSize;
            assertEquals(new Shape(b, t, h), hidden.getShape());
            float[] got = hidden.toFloatArray();
            double worst = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < t; j++) {
                    for (int k = 0; k < h; k++) {
                        double want = ref.get("last_hidden_state").get(i).get(j).get(k).asDouble();
                        worst = Math.max(worst, Math.abs(got[(i * t + j) * h + k] - want));
                    }
                }
            }
            assertTrue(worst < 1e-4, "largest hidden-state difference from PyTorch " + worst);
            NDArray pooled = Pooling.MEAN.pool(hidden, mask);
            float[] vectors = pooled.div(pooled.norm(new int[] {-1}, true)).toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int k = 0; k < h; k++) {
                    assertEquals(ref.get("mean_pooled_normalised").get(i).get(k).asDouble(), vectors[i * h + k], 1e-5);
                }
            }
        }
    }

    private static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows.get(i).get(j).asLong();
            }
        }
        return out;
    }

    private static long[] flat(long[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToLong(java.util.Arrays::stream).toArray();
    }
}
