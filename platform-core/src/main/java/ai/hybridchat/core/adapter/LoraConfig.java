package ai.hybridchat.core.adapter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** PEFT's {@code adapter_config.json} for LoRA; field names are PEFT's so the file round-trips. */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class LoraConfig {
    @JsonProperty("peft_type") public String peftType = "LORA";
    @JsonProperty("task_type") public String taskType = "CAUSAL_LM";
    @JsonProperty("r") public int r = 8;
    @com.fasterxml.jackson.annotation.JsonIgnore public double loraAlpha = 16;
    @JsonProperty("lora_dropout") public double loraDropout = 0.0;
    @JsonProperty("target_modules") public List<String> targetModules = List.of("q_proj", "v_proj");
    @JsonProperty("base_model_name_or_path") public String baseModelNameOrPath;
    @JsonProperty("bias") public String bias = "none";
    @JsonProperty("fan_in_fan_out") public boolean fanInFanOut = false;
    @JsonProperty("inference_mode") public boolean inferenceMode = true;
    @JsonProperty("init_lora_weights") public boolean initLoraWeights = true;
    @JsonProperty("use_rslora") public boolean useRslora = false;
    @JsonProperty("use_dora") public boolean useDora = false;
    @JsonProperty("modules_to_save") public List<String> modulesToSave;
    @JsonProperty("layers_to_transform") public List<Integer> layersToTransform;
    @JsonProperty("revision") public String revision;

    /** PEFT types {@code lora_alpha} as an int: write a whole alpha as one. */
    @JsonProperty("lora_alpha")
    Number loraAlphaJson() {
        return loraAlpha == Math.rint(loraAlpha) ? (Number) (long) loraAlpha : (Number) loraAlpha;
    }

    @JsonProperty("lora_alpha")
    void loraAlphaJson(double alpha) {
        loraAlpha = alpha;
    }

    public double scalingAlpha() {
        // rsLoRA scales by alpha / sqrt(r); express it as the alpha that gives that scaling under alpha / r
        return useRslora ? loraAlpha * Math.sqrt(r) : loraAlpha;
    }
}
