package ai.hybridchat.core.model;

/** Small configurations for tests: every feature of the family, a few thousand parameters. */
public final class TinyModels {
    private TinyModels() {
    }

    public static LlamaConfig llama(boolean tied, boolean qkvBias, int heads, int kvHeads) {
        LlamaConfig c = new LlamaConfig();
        c.architectures = java.util.List.of(qkvBias ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
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
}
