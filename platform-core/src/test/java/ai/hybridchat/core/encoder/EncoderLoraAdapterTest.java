package ai.hybridchat.core.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ModelFormatException;
import ai.hybridchat.core.model.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PEFT LoRA adapter for {@code BertForSequenceClassification} made by plain PyTorch
 * ({@code reference/make_bert_lora_classifier_reference.py}, PEFT's names and arithmetic): applied
 * to the same base, PyTorch's logits; and an adapter this code writes has the same tensor names,
 * the same config fields, and reads back to the logits it was written with.
 */
class EncoderLoraAdapterTest {
    @TempDir Path tmp;

    @Test
    void aPeftAdapterGivesPyTorchsLogits() throws Exception {
        Path base = reference("bert-tiny");
        Path adapter = reference("bert-tiny-lora-classifier");
        JsonNode ref = Json.MAPPER.readTree(adapter.resolve("reference.json").toFile());
        try (NDManager manager = NDManager.newBaseManager(); BertModel encoder = BertModel.load(base, manager)) {
            BertSequenceClassifier classifier = EncoderLoraAdapter.load(encoder, adapter);
            float[] logits = logits(classifier, ref, manager);
            for (int i = 0; i < ref.get("logits").size(); i++) {
                for (int l = 0; l < 3; l++) {
                    assertEquals(ref.get("logits").get(i).get(l).asDouble(), logits[i * 3 + l], 1e-4, "row " + i + " label " + l);
                }
            }
        }
    }

    @Test
    void anAdapterThisCodeWritesHasPeftsLayoutAndReadsBack() throws Exception {
        Path base = reference("bert-tiny");
        Path out = tmp.resolve("adapter");
        JsonNode ref = Json.MAPPER.readTree(reference("bert-tiny-lora-classifier").resolve("reference.json").toFile());
        float[] written;
        try (NDManager manager = NDManager.newBaseManager(); BertModel encoder = BertModel.load(base, manager)) {
            List<LoraLinear> loras = EncoderLoraAdapter.inject(encoder, List.of("query", "value"), 4, 8, 0f, 3, manager);
            assertEquals(4, loras.size(), "query and value of two layers");
            BertSequenceClassifier classifier = BertSequenceClassifier.withNewHead(encoder, 3, 5);
            for (LoraLinear l : loras) { // a trained B instead of PEFT's zero start
                l.loraB().set(manager.randomNormal(0, 0.3f, l.loraB().getShape(), l.loraB().getDataType()).toFloatArray());
            }
            written = logits(classifier, ref, manager);
            LoraConfig config = new LoraConfig();
            config.r = 4;
            config.loraAlpha = 8;
            config.targetModules = List.of("query", "value");
            config.baseModelNameOrPath = "bert-tiny";
            EncoderLoraAdapter.save(classifier, config, out, Map.of("training.json", "{}".getBytes()));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Set<String> names = Safetensors.read(out.resolve("adapter_model.safetensors"), manager).keySet();
            Set<String> peft = Safetensors.read(reference("bert-tiny-lora-classifier").resolve("adapter_model.safetensors"), manager).keySet();
            assertEquals(peft, names);
        }
        JsonNode config = Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile());
        assertEquals("SEQ_CLS", config.path("task_type").asText());
        assertEquals("LORA", config.path("peft_type").asText());
        assertEquals("[\"classifier\",\"pooler\"]", config.path("modules_to_save").toString());
        assertEquals("[\"query\",\"value\"]", config.path("target_modules").toString());
        assertEquals(8, config.path("lora_alpha").asInt());
        try (NDManager manager = NDManager.newBaseManager(); BertModel encoder = BertModel.load(base, manager)) {
            float[] read = logits(EncoderLoraAdapter.load(encoder, out), ref, manager);
            for (int i = 0; i < read.length; i++) {
                assertEquals(written[i], read[i], 1e-5);
            }
        }
        try (NDManager manager = NDManager.newBaseManager(); BertModel encoder = BertModel.load(base, manager)) {
            float[] plain = logits(BertSequenceClassifier.withNewHead(encoder, 3, 5), ref, manager);
            assertNotEquals(plain[0], written[0], "the adapter changes the logits");
        }
    }

    @Test
    void targetsMatchAsPeftMatchesAndUnknownOnesAreRefused() throws Exception {
        assertTrue(EncoderLoraAdapter.targeted("attention.self.query", List.of("query")));
        assertTrue(EncoderLoraAdapter.targeted("attention.output.dense", List.of("dense")));
        assertTrue(!EncoderLoraAdapter.targeted("attention.self.query", List.of("q_proj")));
        try (NDManager manager = NDManager.newBaseManager(); BertModel encoder = BertModel.load(reference("bert-tiny"), manager)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EncoderLoraAdapter.inject(encoder, List.of("q_proj"), 4, 8, 0f, 1, manager));
            assertTrue(e.getMessage().contains("query"), e.getMessage());
            assertThrows(ModelFormatException.class, () -> EncoderLoraAdapter.load(encoder, reference("bert-tiny")));
        }
    }

    private Path reference(String name) throws Exception {
        return Path.of(getClass().getResource("/reference/" + name).toURI());
    }

    private static float[] logits(BertSequenceClassifier classifier, JsonNode ref, NDManager manager) {
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
            NDArray out = classifier.logits(step.create(flat, shape), null, step.create(mask, shape));
            return out.toFloatArray();
        }
    }
}
