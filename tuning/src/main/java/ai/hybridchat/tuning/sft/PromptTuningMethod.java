package ai.hybridchat.tuning.sft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hybridchat.core.adapter.PeftPromptAdapter;
import ai.hybridchat.core.io.Json;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Prompt tuning (Lester et al. 2021): only {@code n} virtual-token embeddings train, prepended to
 * every input; the base is frozen. Initialised from a text's token embeddings (repeated to fill
 * {@code n}, as PEFT does) or, without one, from the embeddings of random vocabulary tokens, which
 * Lester et al. found better than random vectors at the scale of a pretrained model's embeddings.
 */
public final class PromptTuningMethod implements TuningMethod {
    @Override
    public String name() {
        return "prompt-tuning";
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("num_virtual_tokens", o.methodOptions().virtualTokens());
        hp.put("prompt_tuning_init_text", o.methodOptions().promptInit());
        return hp;
    }

    @Override
    public boolean writesSwappableAdapter() {
        return true;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            SupervisedData data = SupervisedData.prepare(o, tokenizer, listener);
            int n = o.methodOptions().virtualTokens();
            String initText = o.methodOptions().promptInit();
            long[] init = initText == null ? new long[0] : tokenizer.encodeLiteral(initText);
            if (initText != null && init.length == 0) {
                throw new IllegalArgumentException("--prompt-init text has no tokens");
            }
            Random random = new Random(o.seed());
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = init.length > 0 ? init[i % init.length] : random.nextInt(model.config().vocabSize);
            }
            NDArray prompt;
            try (NDManager scratch = model.manager().newSubManager()) {
                float[] rows = model.embed(scratch.create(ids, new Shape(1, n))).toFloatArray();
                prompt = model.manager().create(rows, new Shape(n, model.config().hiddenSize));
            }
            model.setVirtualPrompt(prompt);
            listener.onMessage("prompt-tuning: " + n + " virtual tokens, " + prompt.getShape().size()
                    + " trainable parameters, " + data.train().size() + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = data.train(o, model, List.of(prompt), listener, cancelled);
            Map<String, Object> meta = TuningMetadata.of(o, result, data.train().size(), data.steps());
            PeftPromptAdapter.save(model, prompt, initText, o.base().toString(), o.out(),
                    Map.of("training.json", Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(meta)));
            return new TuningResult(o.out(), result, data.train().size(), data.skipped());
        }
    }
}
