package ai.hybridchat.tuning.sft;

import ai.hybridchat.core.quant.ModelQuantizer;
import ai.hybridchat.tuning.TuneOptions;
import ai.hybridchat.tuning.TuningMetadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** QLoRA (Dettmers et al. 2023): the same adapters as {@link LoraMethod} over a base held quantized (NF4 by default). */
public final class QloraMethod extends LoraMethod {
    @Override
    public String name() {
        return "qlora";
    }

    @Override
    public Map<String, Object> hyperparameters(TuneOptions o) {
        Map<String, Object> hp = new LinkedHashMap<>(TuningMetadata.lora(o));
        hp.put("quantization", o.methodOptions().quantization());
        return hp;
    }

    @Override
    protected ModelQuantizer.Scheme quantization(TuneOptions o) {
        return ModelQuantizer.Scheme.parse(o.methodOptions().quantization());
    }
}
