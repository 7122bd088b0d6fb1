package ai.hybridchat.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.decode.FastDecoder;
import ai.hybridchat.core.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime against an independent implementation: PyTorch eager code written from Hugging
 * Face's modeling_llama/qwen2 ({@code reference/make_reference.py}, run with Debian's
 * python3-torch) produced these checkpoints and their logits and greedy continuations. The cases
 * cover GQA, an untied head, Llama 3 rope scaling with a large theta, Qwen2's q/k/v biases with a
 * tied head, and F32, F16 and BF16 files.
 */
class ReferenceImplementationTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-untied", "qwen2-bias-tied", "mistral-mha"})
    void logitsOfEveryPositionMatchPyTorch(String name) throws Exception {
        Path dir = caseDir(name);
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("reference.json").toFile());
        long[] prompt = ids(ref.get("prompt"));
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(dir, manager)) {
            NDArray logits = model.forward(manager.create(prompt, new Shape(1, prompt.length)), null, false)
                    .toType(DataType.FLOAT32, false);
            int vocab = model.config().vocabSize;
            assertEquals(new Shape(1, prompt.length, vocab), logits.getShape());
            float[] got = logits.toFloatArray();
            double worst = 0;
            for (int t = 0; t < prompt.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    worst = Math.max(worst, Math.abs(got[t * vocab + v] - ref.get("logits").get(t).get(v).asDouble()));
                }
            }
            assertTrue(worst < 1e-3, name + ": largest logit difference from PyTorch " + worst);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-untied", "qwen2-bias-tied", "mistral-mha"})
    void greedyDecodingWithTheCacheMatchesPyTorchWithout(String name) throws Exception {
        Path dir = caseDir(name);
        JsonNode ref = Json.MAPPER.readTree(dir.resolve("reference.json").toFile());
        long[] expected = ids(ref.get("greedy"));
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(dir, manager)) {
            Generator.Result result = new Generator(model, null, Set.of(), FastDecoder.STEPS)
                    .generate(ids(ref.get("prompt")), GenerationConfig.greedy(expected.length), null, null);
            assertArrayEquals(expected, result.tokenIds(), name);
            // the first new token's log-probability, against the log-softmax of PyTorch's last prompt logits
            JsonNode last = ref.get("logits").get(ref.get("logits").size() - 1);
            double max = Double.NEGATIVE_INFINITY;
            for (JsonNode v : last) {
                max = Math.max(max, v.asDouble());
            }
            double z = 0;
            for (JsonNode v : last) {
                z += Math.exp(v.asDouble() - max);
            }
            double expectedLogprob = last.get((int) expected[0]).asDouble() - max - Math.log(z);
            assertEquals(expected.length, result.logprobs().length);
            assertEquals(expectedLogprob, result.logprobs()[0], 1e-3, name);
            for (float lp : result.logprobs()) {
                assertTrue(lp <= 0, name + ": a log-probability above 0: " + lp);
            }
        }
    }

    private static long[] ids(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static Path caseDir(String name) throws URISyntaxException {
        return Path.of(ReferenceImplementationTest.class.getResource("/reference/" + name + "/config.json").toURI()).getParent();
    }
}
