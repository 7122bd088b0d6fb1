package ai.hybridchat.tuning.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.GenerationConfig;
import ai.hybridchat.core.model.Generator;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.Tuner;
import ai.hybridchat.tuning.testing.TinyBase;
import ai.hybridchat.tuning.train.ProgressListener;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QLoRA: the frozen base held in NF4 (or int8) learns the same pairs as LoRA over the F32 base. */
class QloraTuningTest {
    @TempDir Path dir;
    Path base;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        base = TinyBase.write(dir.resolve("base"));
        data = TinyBase.qaData(dir.resolve("train.jsonl"), TinyBase.PAIRS);
    }

    TuneOptions options(String quantization, Path out, int steps) {
        return new TuneOptions("qlora", base, data, null, out, 1, steps, 4, 128, 5e-3, 0, 5, 0, 7,
                8, 16, 0.0, List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"))
                .withMethodOptions(new TuneOptions.MethodOptions(quantization, 20, null, 1));
    }

    @Test
    void nf4QloraHoldsTheBaseInUnderThirtyPercentAndLearnsThePairs() throws Exception {
        byte[] baseBefore = Files.readAllBytes(base.resolve("model.safetensors"));
        Path out = dir.resolve("adapter");
        new Tuner(ProgressListener.silent()).run(options("nf4", out, 200), null);
        assertArrayEquals(baseBefore, Files.readAllBytes(base.resolve("model.safetensors")), "base weights changed");

        JsonNode quant = Json.MAPPER.readTree(out.resolve("training.json").toFile()).get("quantization");
        assertEquals("nf4", quant.get("scheme").asText());
        assertTrue(quant.get("fraction").asDouble() <= 0.30, "held fraction " + quant);
        assertEquals("LORA", Json.MAPPER.readTree(out.resolve("adapter_config.json").toFile()).get("peft_type").asText());

        // answer with the base as it was trained: quantized, the adapter on top
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(base, m);
             TextTokenizer tokenizer = TextTokenizer.load(base)) {
            ModelQuantizer.Report report = ModelQuantizer.quantize(model, ModelQuantizer.Scheme.NF4);
            assertEquals(quant.get("base_bytes_held").asLong(), report.heldBytes());
            ChatTemplate template = ChatTemplate.from(tokenizer);
            String untuned = answer(model, tokenizer, template, TinyBase.PAIRS.get(0)[0]);
            assertTrue(!untuned.equals(TinyBase.PAIRS.get(0)[1]), untuned);
            PeftLoraAdapter.apply(out, model, m);
            int exact = 0;
            StringBuilder got = new StringBuilder();
            for (String[] p : TinyBase.PAIRS) {
                String answer = answer(model, tokenizer, template, p[0]);
                exact += answer.equals(p[1]) ? 1 : 0;
                got.append(" | ").append(answer);
            }
            assertEquals(TinyBase.PAIRS.size(), exact, "exact-match answers after QLoRA:" + got);
        }
    }

    private static String answer(LlamaModel model, TextTokenizer tokenizer, ChatTemplate template, String question) {
        long[] prompt = tokenizer.encode(template.render(List.of(new ChatTemplate.Message("user", question)), true));
        return new Generator(model, tokenizer, Set.of(4L)).generate(prompt, GenerationConfig.greedy(40), null, null).text();
    }

    @Test
    void quantizedBasesStayCloseToTheF32LogitsAndInt8IsCloserThanNf4() throws Exception {
        long[] tokens = {5, 40, 77, 120, 9, 200, 31};
        float[] exact = logits(null, tokens);
        double nf4 = relativeError(exact, logits(ModelQuantizer.Scheme.NF4, tokens));
        double int8 = relativeError(exact, logits(ModelQuantizer.Scheme.INT8, tokens));
        assertTrue(nf4 < 0.15, "nf4 relative logit error " + nf4);
        assertTrue(int8 < 0.03, "int8 relative logit error " + int8);
        assertTrue(int8 < nf4, "int8 " + int8 + " vs nf4 " + nf4);
    }

    private float[] logits(ModelQuantizer.Scheme scheme, long[] tokens) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(base, m)) {
            if (scheme != null) {
                ModelQuantizer.quantize(model, scheme);
            }
            try (NDManager step = m.newSubManager()) {
                return model.forward(step.create(tokens, new Shape(1, tokens.length)), null, false).toFloatArray();
            }
        }
    }

    private static double relativeError(float[] expected, float[] actual) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            err += (expected[i] - actual[i]) * (double) (expected[i] - actual[i]);
            norm += expected[i] * (double) expected[i];
        }
        return Math.sqrt(err / norm);
    }

    @Test
    void anUnknownQuantizationIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tuner(ProgressListener.silent()).run(options("fp3", dir.resolve("never"), 5), null));
        assertTrue(e.getMessage().contains("unknown quantization 'fp3'"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("never")));
    }
}
