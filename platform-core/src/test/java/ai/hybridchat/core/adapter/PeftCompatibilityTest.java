package ai.hybridchat.core.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Safetensors;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapters in PEFT's files, both ways. The fixtures in {@code reference/llama-gqa-untied/peft-*}
 * are written by {@code make_reference.py} exactly as PEFT's {@code save_pretrained} lays them out
 * (every config field, key names, shapes, F32, {@code format=pt}), with the logits PyTorch computes
 * for them; PEFT itself is not packaged for Debian, so it is its file layout and math we test
 * against. Ours must load there: same keys, shapes and dtype, and only fields PEFT's config knows.
 */
class PeftCompatibilityTest {
    @TempDir Path tmp;

    static Path reference() throws Exception {
        return Path.of(PeftCompatibilityTest.class.getResource("/reference/llama-gqa-untied/config.json").toURI()).getParent();
    }

    @Test
    void aPeftLoraAdapterLoadsAndGivesPyTorchsLogits() throws Exception {
        Path dir = reference();
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("peft-reference.json").toFile());
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(dir, m)) {
            assertEquals(6, PeftLoraAdapter.apply(dir.resolve("peft-lora"), model, m));
            assertClose(ref.get("lora_logits"), logits(model, m, ref.get("prompt")), "LoRA");
        }
    }

    @Test
    void aPeftPromptTuningAdapterLoadsAndGivesPyTorchsLogits() throws Exception {
        Path dir = reference();
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("peft-reference.json").toFile());
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(dir, m)) {
            assertTrue(PeftPromptAdapter.isPromptTuning(dir.resolve("peft-prompt")));
            assertEquals(5, PeftPromptAdapter.apply(dir.resolve("peft-prompt"), model, m));
            assertClose(ref.get("prompt_tuning_logits"), logits(model, m, ref.get("prompt")), "prompt tuning");
        }
    }

    @Test
    void ourLoraAdapterHasPeftsKeysShapesAndConfigFields() throws Exception {
        Path dir = reference();
        Path ours = tmp.resolve("ours");
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(dir, m)) {
            PeftLoraAdapter.apply(dir.resolve("peft-lora"), model, m);
            LoraConfig config = PeftLoraAdapter.readConfig(dir.resolve("peft-lora"));
            PeftLoraAdapter.save(model, config, ours, null);
        }
        assertSameTensors(dir.resolve("peft-lora/adapter_model.safetensors"), ours.resolve("adapter_model.safetensors"));
        assertFieldsArePefts(dir.resolve("peft-lora/adapter_config.json"), ours.resolve("adapter_config.json"));
    }

    @Test
    void ourPromptTuningAdapterHasPeftsKeyShapeAndConfigFields() throws Exception {
        Path dir = reference();
        Path ours = tmp.resolve("ours");
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(dir, m)) {
            NDArray prompt = Safetensors.read(dir.resolve("peft-prompt/adapter_model.safetensors"), m).get("prompt_embeddings");
            PeftPromptAdapter.save(model, prompt, null, "reference", ours, Map.of());
        }
        assertSameTensors(dir.resolve("peft-prompt/adapter_model.safetensors"), ours.resolve("adapter_model.safetensors"));
        assertFieldsArePefts(dir.resolve("peft-prompt/adapter_config.json"), ours.resolve("adapter_config.json"));
    }

    /** Same names, shapes, dtypes and values. */
    private static void assertSameTensors(Path peft, Path ours) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> a = new TreeMap<>(Safetensors.read(peft, m));
            Map<String, NDArray> b = new TreeMap<>(Safetensors.read(ours, m));
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) {
                assertEquals(a.get(k).getShape(), b.get(k).getShape(), k);
                assertEquals(DataType.FLOAT32, b.get(k).getDataType(), k);
                assertTrue(a.get(k).contentEquals(b.get(k)), k);
            }
        }
    }

    /** Every field we write is one PEFT writes (older PEFT refuses unknown ones), with PEFT's value where both set it. */
    private static void assertFieldsArePefts(Path peft, Path ours) throws Exception {
        JsonNode theirs = Json.MAPPER.readTree(peft.toFile());
        JsonNode mine = Json.MAPPER.readTree(ours.toFile());
        for (Iterator<String> it = mine.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            assertTrue(theirs.has(field), "PEFT has no config field " + field);
        }
        for (String field : new String[] {"peft_type", "task_type", "r", "lora_alpha", "num_virtual_tokens", "token_dim"}) {
            if (theirs.hasNonNull(field)) {
                assertEquals(theirs.get(field).asText(), mine.path(field).asText(), field);
            }
        }
        if (theirs.has("target_modules")) {
            assertEquals(new java.util.TreeSet<>(Json.MAPPER.convertValue(theirs.get("target_modules"), java.util.List.class)),
                    new java.util.TreeSet<>(Json.MAPPER.convertValue(mine.get("target_modules"), java.util.List.class)));
        }
    }

    private static float[] logits(LlamaModel model, NDManager m, JsonNode prompt) {
        long[] ids = new long[prompt.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = prompt.get(i).asLong();
        }
        return model.forward(m.create(ids, new Shape(1, ids.length)), null, false).toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static void assertClose(JsonNode expected, float[] got, String what) {
        int vocab = expected.get(0).size();
        assertEquals(expected.size() * vocab, got.length, what + ": logits of the text positions only");
        double worst = 0;
        for (int t = 0; t < expected.size(); t++) {
            for (int v = 0; v < vocab; v++) {
                worst = Math.max(worst, Math.abs(got[t * vocab + v] - expected.get(t).get(v).asDouble()));
            }
        }
        assertTrue(worst < 2e-3, what + ": largest logit difference from PyTorch " + worst);
    }
}
