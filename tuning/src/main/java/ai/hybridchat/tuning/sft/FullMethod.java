package ai.hybridchat.tuning.sft;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Full fine-tuning: every weight trains; the result is a complete Hugging Face model folder. */
public final class FullMethod implements TuningMethod {
    @Override
    public String name() {
        return "full";
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            SupervisedData data = SupervisedData.prepare(o, tokenizer, listener);
            List<NDArray> params = new ArrayList<>(new LinkedHashSet<>(model.weights().values()));
            listener.onMessage("full: " + model.parameterCount() + " trainable parameters, " + data.train().size()
                    + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = data.train(o, model, params, listener, cancelled);
            TuningOutputs.writeModelFolder(model, o, TuningMetadata.of(o, result, data.train().size(), data.steps()), Map.of(), null);
            return new TuningResult(o.out(), result, data.train().size(), data.skipped());
        }
    }
}
