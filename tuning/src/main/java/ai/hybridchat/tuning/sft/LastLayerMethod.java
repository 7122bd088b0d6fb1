package ai.hybridchat.tuning.sft;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TrainingRun;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.classify.ClassifierTuner;
import ai.hybridchat.tuning.classify.LabeledText;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Last-layer fine-tuning: the top {@code topLayers} blocks and the final norm train, everything
 * below stays frozen. On {@code {"text","label"}} data the output layer is replaced by a
 * classification head ({@link ClassifierTuner}); on chat data the language-model head trains.
 */
public final class LastLayerMethod implements TuningMethod {
    @Override
    public String name() {
        return "last-layer";
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        return Map.of("top_layers", o.methodOptions().topLayers());
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        if (LabeledText.isClassificationData(o.data())) {
            return new ClassifierTuner(listener).run(o, cancelled);
        }
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            SupervisedData data = SupervisedData.prepare(o, tokenizer, listener);
            List<NDArray> params = TrainingRun.topLayers(model, o.methodOptions().topLayers());
            params.add(model.config().tieWordEmbeddings ? model.embedTokens() : model.weights().get("lm_head.weight"));
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            listener.onMessage("last-layer: top " + o.methodOptions().topLayers() + " block(s), final norm and head, "
                    + trainable + " trainable parameters, " + data.train().size() + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = data.train(o, model, params, listener, cancelled);
            TuningOutputs.writeModelFolder(model, o, TuningMetadata.of(o, result, data.train().size(), data.steps()), Map.of(), null);
            return new TuningResult(o.out(), result, data.train().size(), data.skipped());
        }
    }
}
