package ai.hybridchat.tuning.sft;

import ai.djl.ndarray.NDArray;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.LlamaModel;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningBase;
import ai.hybridchat.tuning.TuningDefaults;
import ai.hybridchat.tuning.TuningMetadata;
import ai.hybridchat.tuning.TuningMethod;
import ai.hybridchat.tuning.TuningOutputs;
import ai.hybridchat.tuning.TuningResult;
import ai.hybridchat.tuning.lora.LoraInjector;
import ai.hybridchat.tuning.train.ProgressListener;
import ai.hybridchat.tuning.train.TrainingLoop;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Supervised LoRA (Hu et al. 2021): low-rank adapters on the chosen projections train, the base is
 * frozen; written as a PEFT adapter whose {@code training.json} keeps the training questions. The
 * run stops at its target loss only once every question-only training answer is learned.
 */
public class LoraMethod implements TuningMethod {
    @Override
    public String name() {
        return "lora";
    }

    @Override
    public TuningDefaults.Recipe recipe() {
        return TuningDefaults.SUPERVISED_LORA;
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        return TuningMetadata.lora(o);
    }

    @Override
    public boolean writesSwappableAdapter() {
        return true;
    }

    /** The scheme the base is held in while the adapters train; null: F32. */
    protected ModelQuantizer.Scheme quantization(TuneOptions o) {
        return null;
    }

    @Override
    public TuningResult run(TuneOptions o, ProgressListener listener, BooleanSupplier cancelled) throws IOException {
        ModelQuantizer.Scheme quantization = quantization(o);
        try (TuningBase base = TuningBase.load(o.base())) {
            TextTokenizer tokenizer = base.tokenizer();
            LlamaModel model = base.model();
            SupervisedData data = SupervisedData.prepare(o, tokenizer, listener);
            ModelQuantizer.Report held = null;
            if (quantization != null) {
                held = ModelQuantizer.quantize(model, quantization);
                listener.onMessage(String.format("qlora: base held in %s, %,d bytes = %.1f%% of its %,d F32 bytes",
                        quantization.name().toLowerCase(Locale.ROOT), held.heldBytes(), 100 * held.fraction(),
                        held.f32Bytes()));
            }
            List<LoraLinear> loras = LoraInjector.inject(model, o.targetModules(), o.rank(), o.alpha(), o.dropout(),
                    o.seed(), model.manager());
            List<NDArray> params = LoraInjector.startTraining(loras);
            long trainable = params.stream().mapToLong(p -> p.getShape().size()).sum();
            listener.onMessage(o.method() + ": " + loras.size() + " projections, " + trainable + " trainable parameters ("
                    + String.format("%.2f%%", 100.0 * trainable / (held != null ? held.f32Bytes() / 4 : model.parameterCount()))
                    + " of the base), "
                    + data.train().size() + " examples, " + data.steps() + " steps");
            TrainingLoop.Result result = data.train(o, model, params, listener, cancelled,
                    data.everyAnswerLearned(model, loras, o, tokenizer, listener));
            for (LoraLinear l : loras) {
                l.setTraining(false);
            }
            Map<String, Object> meta = TuningMetadata.of(o, result, data.train().size(), data.steps());
            meta.put("questions", data.questions());
            if (held != null) {
                meta.put("quantization", Map.of("scheme", held.scheme().name().toLowerCase(Locale.ROOT),
                        "base_bytes_held", held.heldBytes(), "base_bytes_f32", held.f32Bytes(), "fraction", held.fraction()));
            }
            TuningOutputs.writeLoraAdapter(model, o, meta);
            return new TuningResult(o.out(), result, data.train().size(), data.skipped());
        }
    }
}
