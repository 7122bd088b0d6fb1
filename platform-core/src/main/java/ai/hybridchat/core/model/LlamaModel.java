package ai.hybridchat.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A Llama-family causal language model (Llama, Qwen2, Mistral) on DJL's PyTorch engine, read
 * top to bottom like the paper: token embedding, {@link DecoderLayer}s, a final {@link RmsNorm}
 * and the output head (tied to the embedding or not). Weights keep their Hugging Face names.
 */
public final class LlamaModel implements AutoCloseable {
    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private NDArray embedTokens;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RmsNorm norm;
    private Projection lmHead;
    private final RotaryEmbedding rope;
    private NDArray virtualPrompt;
    /** The token embedding when it is held quantized for inference ({@link #holdEmbeddingQuantized}); then {@code embedTokens} is null. */
    private QuantizedWeight quantizedEmbedding;
    /** Parameters whose F32 tensors were released for a quantized form, still counted by {@link #parameterCount}. */
    private long releasedParameters;

    private LlamaModel(LlamaConfig config, Map<String, NDArray> weights, NDManager manager) {
        this.config = config;
        this.manager = manager;
        this.weights = weights;
        this.embedTokens = require("model.embed_tokens.weight", config.vocabSize, config.hiddenSize);
        int q = config.numAttentionHeads * config.headDim();
        int kv = config.kvHeads() * config.headDim();
        for (int i = 0; i < config.numHiddenLayers; i++) {
            String p = "model.layers." + i + ".";
            Map<String, Projection> proj = new LinkedHashMap<>();
            boolean bias = config.qkvBias();
            proj.put("self_attn.q_proj", linear(p + "self_attn.q_proj", q, config.hiddenSize, bias));
            proj.put("self_attn.k_proj", linear(p + "self_attn.k_proj", kv, config.hiddenSize, bias));
            proj.put("self_attn.v_proj", linear(p + "self_attn.v_proj", kv, config.hiddenSize, bias));
            proj.put("self_attn.o_proj", linear(p + "self_attn.o_proj", config.hiddenSize, q, false));
            proj.put("mlp.gate_proj", linear(p + "mlp.gate_proj", config.intermediateSize, config.hiddenSize, false));
            proj.put("mlp.up_proj", linear(p + "mlp.up_proj", config.intermediateSize, config.hiddenSize, false));
            proj.put("mlp.down_proj", linear(p + "mlp.down_proj", config.hiddenSize, config.intermediateSize, false));
            layers.add(new DecoderLayer(i, config,
                    new RmsNorm(require(p + "input_layernorm.weight", config.hiddenSize), config.rmsNormEps),
                    new RmsNorm(require(p + "post_attention_layernorm.weight", config.hiddenSize), config.rmsNormEps),
                    proj));
        }
        this.norm = new RmsNorm(require("model.norm.weight", config.hiddenSize), config.rmsNormEps);
        if (config.tieWordEmbeddings || !weights.containsKey("lm_head.weight")) {
            if (!config.tieWordEmbeddings) {
                throw new ModelFormatException("missing tensor lm_head.weight (and tie_word_embeddings is false)");
            }
            this.lmHead = new Linear(embedTokens, null);
        } else {
            this.lmHead = new Linear(require("lm_head.weight", config.vocabSize, config.hiddenSize), null);
        }
        this.rope = new RotaryEmbedding(config, manager);
    }

    /** A model over the same tensors and projections as {@code base}, whose projection slots can be replaced on their own. */
    private LlamaModel(LlamaModel base, NDManager manager) {
        this.config = base.config;
        this.manager = manager;
        this.weights = new LinkedHashMap<>(base.weights);
        this.embedTokens = base.embedTokens;
        this.quantizedEmbedding = base.quantizedEmbedding;
        this.releasedParameters = base.releasedParameters;
        for (DecoderLayer l : base.layers) {
            layers.add(new DecoderLayer(l.index(), config, l.inputNorm(), l.postAttentionNorm(), new LinkedHashMap<>(l.projections())));
        }
        this.norm = base.norm;
        this.lmHead = base.lmHead;
        this.rope = base.rope;
    }

    /**
     * A view of this model for an adapter: the same weights and projections (nothing copied, held
     * in whatever form they are, quantized ones included), with its own projection slots so
     * wrapping them (LoRA) leaves this model as it is. It must be closed before this model.
     */
    public LlamaModel sharing(NDManager manager) {
        return new LlamaModel(this, manager);
    }

    /** Loads a Hugging Face model folder ({@code config.json} and safetensors weights). */
    public static LlamaModel load(Path dir, NDManager parent) throws IOException {
        LlamaConfig config = LlamaConfig.read(dir);
        NDManager manager = parent.newSubManager();
        try {
            return new LlamaModel(config, Safetensors.readModel(dir, manager), manager);
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The decoder of a Hugging Face {@code LlamaForSequenceClassification} folder (a classifier or a
     * reward model): its blocks and final norm, for a caller that applies the folder's
     * {@code score.weight} itself. Its tied output head is never used to generate.
     */
    public static LlamaModel loadSequenceClassifierBody(Path dir, NDManager parent) throws IOException {
        LlamaConfig config = LlamaConfig.read(dir, true);
        if (!config.tieWordEmbeddings) {
            throw new ModelFormatException(dir + ": only sequence classifiers with tied embeddings can be read");
        }
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> weights = Safetensors.readModel(dir, manager);
            NDArray score = weights.remove("score.weight");
            if (score != null) {
                score.close();
            }
            return new LlamaModel(config, weights, manager);
        } catch (RuntimeException | IOException e) {
            manager.close();
            throw e;
        }
    }

    /** Builds a model from tensors already in memory (names as in Hugging Face). */
    public static LlamaModel fromWeights(LlamaConfig config, Map<String, NDArray> weights, NDManager manager) {
        return new LlamaModel(config, weights, manager);
    }

    /**
     * A freshly initialised model for pre-training: normal(0, 0.02) weights as in Hugging Face's
     * {@code _init_weights}, output projections scaled by {@code 1/sqrt(2 layers)} as in GPT-2, norms at one.
     */
    public static LlamaModel randomInit(LlamaConfig config, long seed, NDManager parent) {
        NDManager manager = parent.newSubManager();
        Random random = new Random(seed);
        Map<String, NDArray> w = new LinkedHashMap<>();
        int q = config.numAttentionHeads * config.headDim();
        int kv = config.kvHeads() * config.headDim();
        float std = 0.02f;
        float residualStd = (float) (std / Math.sqrt(2.0 * config.numHiddenLayers));
        w.put("model.embed_tokens.weight", normal(manager, random, std, config.vocabSize, config.hiddenSize));
        for (int i = 0; i < config.numHiddenLayers; i++) {
            String p = "model.layers." + i + ".";
            w.put(p + "input_layernorm.weight", manager.ones(new Shape(config.hiddenSize)));
            w.put(p + "post_attention_layernorm.weight", manager.ones(new Shape(config.hiddenSize)));
            w.put(p + "self_attn.q_proj.weight", normal(manager, random, std, q, config.hiddenSize));
            w.put(p + "self_attn.k_proj.weight", normal(manager, random, std, kv, config.hiddenSize));
            w.put(p + "self_attn.v_proj.weight", normal(manager, random, std, kv, config.hiddenSize));
            if (config.qkvBias()) {
                w.put(p + "self_attn.q_proj.bias", manager.zeros(new Shape(q)));
                w.put(p + "self_attn.k_proj.bias", manager.zeros(new Shape(kv)));
                w.put(p + "self_attn.v_proj.bias", manager.zeros(new Shape(kv)));
            }
            w.put(p + "self_attn.o_proj.weight", normal(manager, random, residualStd, config.hiddenSize, q));
            w.put(p + "mlp.gate_proj.weight", normal(manager, random, std, config.intermediateSize, config.hiddenSize));
            w.put(p + "mlp.up_proj.weight", normal(manager, random, std, config.intermediateSize, config.hiddenSize));
            w.put(p + "mlp.down_proj.weight", normal(manager, random, residualStd, config.hiddenSize, config.intermediateSize));
        }
        w.put("model.norm.weight", manager.ones(new Shape(config.hiddenSize)));
        if (!config.tieWordEmbeddings) {
            w.put("lm_head.weight", normal(manager, random, std, config.vocabSize, config.hiddenSize));
        }
        return new LlamaModel(config, w, manager);
    }

    private static NDArray normal(NDManager manager, Random random, float std, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(data, new Shape(rows, cols));
    }

    private Linear linear(String name, int out, int in, boolean bias) {
        return new Linear(require(name + ".weight", out, in), bias ? require(name + ".bias", out) : null);
    }

    private NDArray require(String name, long... shape) {
        NDArray array = weights.get(name);
        if (array == null) {
            throw new ModelFormatException("missing tensor " + name + " in the model's safetensors");
        }
        if (!array.getShape().equals(new Shape(shape))) {
            throw new ModelFormatException("tensor " + name + " has shape " + array.getShape() + " but config.json implies "
                    + new Shape(shape));
        }
        return array;
    }

    /** Token ids {@code [B, T]} (int64) to hidden states {@code [B, T, hidden]}. */
    public NDArray embed(NDArray inputIds) {
        if (quantizedEmbedding != null) {
            // the expanded table lives only for this lookup
            try (NDManager scratch = inputIds.getManager().newSubManager()) {
                NDArray rows = inputIds.getNDArrayInternal().embedding(inputIds, quantizedEmbedding.dequantize(scratch),
                        SparseFormat.DENSE).singletonOrThrow();
                rows.attach(inputIds.getManager());
                return rows;
            }
        }
        return inputIds.getNDArrayInternal().embedding(inputIds, embeddingTable(inputIds.getManager()), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /** The embedding as F32: the held array itself, or an F32 copy in {@code step} when it is held in fewer bits. */
    private NDArray embeddingTable(NDManager step) {
        if (quantizedEmbedding != null) {
            return quantizedEmbedding.dequantize(step);
        }
        return embedTokens.getDataType() == DataType.FLOAT32 ? embedTokens : step.zeros(new Shape(1)).add(embedTokens);
    }

    /**
     * Holds the token embedding quantized (inference only): the F32 table is freed, a prefill
     * expands the table in its step, the fast decode path reads rows from {@code quantized}
     * directly, and a tied output head applies the same quantized weight.
     */
    public void holdEmbeddingQuantized(QuantizedWeight quantized, Projection tiedHead) {
        if (!quantized.shape().equals(new Shape(config.vocabSize, config.hiddenSize))) {
            throw new IllegalArgumentException("embedding is [" + config.vocabSize + ", " + config.hiddenSize + "], got "
                    + quantized.shape());
        }
        if (config.tieWordEmbeddings) {
            lmHead = tiedHead;
        }
        quantizedEmbedding = quantized;
        releaseWeight("model.embed_tokens.weight");
        embedTokens = null;
    }

    /** The quantized token embedding, or null while it is held as a tensor ({@link #embedTokens}). */
    public QuantizedWeight quantizedEmbedding() {
        return quantizedEmbedding;
    }

    /** Replaces an untied output head (e.g. by a quantized one); its {@code lm_head.weight} is released by the caller. */
    public void replaceHead(Projection head) {
        if (config.tieWordEmbeddings) {
            throw new IllegalStateException("the output head is tied to the embedding: hold the embedding quantized instead");
        }
        lmHead = head;
    }

    /**
     * Holds the (frozen) token embedding in {@code type}, e.g. 16 bits as QLoRA keeps everything it
     * does not quantize; a tied output head reads the same array.
     */
    public void holdEmbeddingAs(DataType type) {
        NDArray held = embedTokens.toType(type, true);
        embedTokens.close();
        embedTokens = held;
        weights.put("model.embed_tokens.weight", held);
        if (config.tieWordEmbeddings) {
            lmHead = new Projection() {
                @Override
                public NDArray forward(NDArray x) {
                    return x.getNDArrayInternal().linear(x, embeddingTable(x.getManager()), null).singletonOrThrow();
                }

                @Override
                public NDArray weight() {
                    return embedTokens;
                }
            };
        }
    }

    /** Forgets (and frees) a base tensor whose projection now holds it in another form. */
    public void releaseWeight(String name) {
        NDArray gone = weights.remove(name);
        if (gone != null) {
            releasedParameters += gone.getShape().size();
            gone.close();
        }
    }

    /**
     * Next-token logits for {@code inputIds [B, T]} placed at positions {@code cache.length()...}
     * (0 without a cache). With {@code lastOnly} only the last position's logits are computed,
     * which is all decoding needs.
     */
    public NDArray forward(NDArray inputIds, KvCache cache, boolean lastOnly) {
        return logits(textHiddenStates(inputIds, cache), lastOnly);
    }

    /**
     * The final normalised hidden states {@code [B, T, hidden]} of the text positions of
     * {@code inputIds}: {@link #forward} before the output head, for a loss that applies the head
     * itself (in blocks, see the tuning module's {@code CrossEntropy}).
     */
    public NDArray textHiddenStates(NDArray inputIds, KvCache cache) {
        NDArray hidden = embed(inputIds);
        if (virtualPrompt == null || (cache != null && cache.length() > 0)) {
            return hiddenStates(hidden, cache);
        }
        // prompt tuning: the virtual tokens take positions 0..n-1 before the text, as in PEFT;
        // adding to a zero array of the step keeps the broadcast copy (and its gradient path) in the step
        long b = hidden.getShape().get(0);
        long n = virtualPrompt.getShape().get(0);
        NDArray prefix = hidden.getManager().zeros(new Shape(b, n, config.hiddenSize)).add(virtualPrompt);
        NDArray normed = hiddenStates(prefix.concat(hidden, 1), cache);
        return normed.get(new NDIndex(":, {}:, :", n));
    }

    /**
     * Sets (or with {@code null} clears) prompt-tuning virtual tokens {@code [n, hidden]}: every
     * forward pass that starts a sequence reads them first, and their logits are dropped.
     */
    public void setVirtualPrompt(NDArray prompt) {
        if (prompt != null && (prompt.getShape().dimension() != 2 || prompt.getShape().get(1) != config.hiddenSize)) {
            throw new IllegalArgumentException("virtual prompt must be [n, " + config.hiddenSize + "], got " + prompt.getShape());
        }
        this.virtualPrompt = prompt;
    }

    /** How many positions the virtual prompt takes (0 without one). */
    public int virtualTokens() {
        return virtualPrompt == null ? 0 : (int) virtualPrompt.getShape().get(0);
    }

    /** As {@link #forward} but from input embeddings (prompt tuning prepends learned ones). */
    public NDArray forwardEmbeddings(NDArray hidden, KvCache cache, boolean lastOnly) {
        return logits(hiddenStates(hidden, cache), lastOnly);
    }

    /** The final normalised hidden states {@code [B, T, hidden]}, before the output head. */
    public NDArray hiddenStates(NDArray hidden, KvCache cache) {
        int start = cache == null ? 0 : cache.length();
        long t = hidden.getShape().get(1);
        NDArray mask = t > 1 ? causalMask(hidden.getManager(), (int) t, start) : null;
        NDArray x = hidden;
        for (DecoderLayer layer : layers) {
            x = layer.forward(x, rope, start, cache, mask);
        }
        if (cache != null) {
            cache.advance((int) t);
        }
        return norm.forward(x);
    }

    /**
     * The output head for repeated use within one step: the head itself, or, when it is tied to an
     * embedding held in fewer bits, a head over one F32 copy made in {@code step} (not one per call).
     */
    public Projection outputHead(NDManager step) {
        if (config.tieWordEmbeddings && embedTokens.getDataType() != DataType.FLOAT32) {
            return new Linear(embeddingTable(step), null);
        }
        return lmHead;
    }

    /** The norm after the last block, before the output head. */
    public RmsNorm finalNorm() {
        return norm;
    }

    /** The output head as held: a {@link Linear} over {@code lm_head.weight} or the tied embedding, or a wrapper. */
    public Projection lmHead() {
        return lmHead;
    }

    public NDArray logits(NDArray normed, boolean lastOnly) {
        NDArray x = lastOnly ? normed.get(new NDIndex(":, -1:, :")) : normed;
        return lmHead.forward(x);
    }

    /** Additive mask {@code [T, start+T]}: query i (at position start+i) sees keys 0..start+i. */
    static NDArray causalMask(NDManager manager, int t, int start) {
        float[] data = new float[t * (start + t)];
        for (int i = 0; i < t; i++) {
            for (int j = start + i + 1; j < start + t; j++) {
                data[i * (start + t) + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(data, new Shape(t, start + t));
    }

    public KvCache newCache(int batch, int capacity) {
        return new KvCache(config, batch, Math.min(capacity, config.contextLength()), manager);
    }

    public LlamaConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public List<DecoderLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** The token embedding tensor, or null when it is held quantized ({@link #quantizedEmbedding}). */
    public NDArray embedTokens() {
        return embedTokens;
    }

    /** Every base tensor by its Hugging Face name (the live arrays, not copies). */
    public Map<String, NDArray> weights() {
        return Collections.unmodifiableMap(weights);
    }

    /**
     * The tensors that define the model as it is now: the base weights, with any projection that
     * was replaced by a plain {@link Linear} (a merged LoRA, a fully tuned layer) taking its place.
     */
    public Map<String, NDArray> exportWeights() {
        Map<String, NDArray> out = new LinkedHashMap<>(weights);
        for (DecoderLayer layer : layers) {
            for (Map.Entry<String, Projection> e : layer.projections().entrySet()) {
                if (e.getValue() instanceof Linear linear) {
                    String key = "model.layers." + layer.index() + "." + e.getKey();
                    out.put(key + ".weight", linear.weight());
                    if (linear.bias() != null) {
                        out.put(key + ".bias", linear.bias());
                    }
                }
            }
        }
        return out;
    }

    /** Writes {@code config.json} and {@code model.safetensors} into {@code dir}. */
    public void save(Path dir) throws IOException {
        save(dir, Map.of());
    }

    /** As {@link #save(Path)}, with more tensors in the file (a classification head's {@code score.weight}). */
    public void save(Path dir, Map<String, NDArray> extraTensors) throws IOException {
        if (releasedParameters > 0) {
            throw new IllegalStateException("this model holds quantized weights; save the model it was loaded from instead");
        }
        config.write(dir);
        Map<String, NDArray> out = exportWeights();
        out.putAll(extraTensors);
        if (config.tieWordEmbeddings) {
            out.remove("lm_head.weight");
        }
        Safetensors.write(dir.resolve("model.safetensors"), out, null, false);
    }

    public long parameterCount() {
        return releasedParameters + weights.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    @Override
    public void close() {
        manager.close();
    }


}
