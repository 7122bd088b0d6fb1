package ai.hybridchat.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.LoraConfig;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.adapter.PeftLoraAdapter;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.LlamaConfig;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.Projection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The one source of tiny models for every module's tests (platform-core's test jar): small
 * configurations with every feature of the Llama family, random model folders, and random PEFT
 * LoRA adapters for them. A test that needs a tokenizer writes it into the folder beside the
 * weights (the tuning tests train one, the server tests pretrain through the CLI).
 */
public final class TinyModels {
    private TinyModels() {
    }

    /** Two layers, hidden size 32, vocabulary 50: a few thousand parameters. */
    public static LlamaConfig llama(boolean tied, boolean qkvBias, int heads, int kvHeads) {
        LlamaConfig c = new LlamaConfig();
        c.architectures = List.of(qkvBias ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        c.modelType = qkvBias ? "qwen2" : "llama";
        c.hiddenSize = 32;
        c.intermediateSize = 64;
        c.numHiddenLayers = 2;
        c.numAttentionHeads = heads;
        c.numKeyValueHeads = kvHeads;
        c.vocabSize = 50;
        c.maxPositionEmbeddings = 64;
        c.tieWordEmbeddings = tied;
        c.ropeTheta = 10000;
        c.rmsNormEps = 1e-6;
        return c;
    }

    /**
     * Writes a randomly initialised model of {@code config} into {@code dir} ({@code config.json}
     * and {@code model.safetensors}), its token embeddings multiplied by {@code embeddingScale}.
     */
    public static Path writeRandom(Path dir, LlamaConfig config, long seed, float embeddingScale) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.randomInit(config, seed, m)) {
            if (embeddingScale != 1f) {
                model.embedTokens().muli(embeddingScale);
            }
            model.save(dir);
        }
        return dir;
    }

    /** A PEFT LoRA adapter for the model in {@code modelDir}: rank 4 on q_proj and v_proj of every layer, alpha 8, random A and B. */
    public static Path writeRandomLora(Path modelDir, Path adapterDir, long seed) throws IOException {
        Random random = new Random(seed);
        try (NDManager manager = NDManager.newBaseManager(); LlamaModel model = LlamaModel.load(modelDir, manager)) {
            for (DecoderLayer layer : model.layers()) {
                for (String name : List.of("self_attn.q_proj", "self_attn.v_proj")) {
                    Projection base = layer.projection(name);
                    long out = base.weight().getShape().get(0);
                    long in = base.weight().getShape().get(1);
                    NDArray a = normal(model.manager(), random, 4, in);
                    NDArray b = normal(model.manager(), random, out, 4);
                    layer.replace(name, new LoraLinear(base, a, b, 8, 0f));
                }
            }
            LoraConfig config = new LoraConfig();
            config.r = 4;
            config.loraAlpha = 8;
            config.targetModules = List.of("q_proj", "v_proj");
            config.baseModelNameOrPath = modelDir.toString();
            PeftLoraAdapter.save(model, config, adapterDir, Map.of());
        }
        return adapterDir;
    }

    private static NDArray normal(NDManager manager, Random random, long rows, long cols) {
        float[] data = new float[(int) (rows * cols)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * 0.5);
        }
        return manager.create(data, new Shape(rows, cols));
    }
}
