package ai.hybridchat.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face {@code BertForSequenceClassification} folder made by plain PyTorch
 * ({@code reference/make_bert_classifier_reference.py}): its labels in order and PyTorch's logits;
 * written back with the head under Hugging Face's names, the same logits.
 */
class BertSequenceClassifierTest {
    @TempDir Path tmp;

    @Test
    void logitsEqualPyTorchAndSurviveAWriteAndRead() throws Exception {
        Path dir = Path.of(getClass().getResource("/reference/bert-tiny-classifier").toURI());
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("reference.json").toFile());
        try (NDManager manager = NDManager.newBaseManager()) {
            BertSequenceClassifier.Loaded loaded = BertSequenceClassifier.load(dir, manager);
            assertEquals(List.of("billing", "shipping", "returns"), loaded.labels());
            assertMatches(ref, loaded.classifier(), manager);
            Path copy = tmp.resolve("copy");
            Files.createDirectories(copy);
            loaded.classifier().encoder().save(copy, loaded.classifier().headTensors(), "bert.");
            Files.copy(dir.resolve("config.json"), copy.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
            assertMatches(ref, BertSequenceClassifier.load(copy, manager).classifier(), manager);
        }
    }

    @Test
    void aFolderWithoutItsHeadIsRefused() throws Exception {
        Path bert = Path.of(getClass().getResource("/reference/bert-tiny").toURI());
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> BertSequenceClassifier.load(bert, manager));
            assertTrue(e.getMessage().contains("pooler.dense.weight"), e.getMessage());
        }
    }

    private static void assertMatches(JsonNode ref, BertSequenceClassifier classifier, NDManager manager) {
        JsonNode ids = ref.get("input_ids");
        int b = ids.size();
        int t = ids.get(0).size();
        long[] flat = new long[b * t];
        long[] mask = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                flat[i * t + j] = ids.get(i).get(j).asLong();
                mask[i * t + j] = ref.get("attention_mask").get(i).get(j).asLong();
            }
        }
        try (NDManager step = manager.newSubManager()) {
            Shape shape = new Shape(b, t);
            float[] logits = classifier.logits(step.create(flat, shape), null, step.create(mask, shape)).toFloatArray();
            int labels = classifier.labels();
            for (int i = 0; i < b; i++) {
                for (int l = 0; l < labels; l++) {
                    assertEquals(ref.get("logits").get(i).get(l).asDouble(), logits[i * labels + l], 1e-4, "row " + i + " label " + l);
                }
            }
        }
    }
}
