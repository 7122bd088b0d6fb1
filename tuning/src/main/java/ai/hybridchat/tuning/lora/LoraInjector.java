package ai.hybridchat.tuning.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hybridchat.core.adapter.LoraLinear;
import ai.hybridchat.core.model.DecoderLayer;
import ai.hybridchat.core.model.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Wraps the chosen projections of a model in fresh LoRA layers, initialised as PEFT does:
 * {@code A} Kaiming-uniform, {@code B} zero, so training starts from exactly the base model.
 */
public final class LoraInjector {
    private LoraInjector() {
    }

    /** Returns the new trainable arrays (every A and B). */
    public static List<LoraLinear> inject(LlamaModel model, List<String> targets, int rank, double alpha, double dropout,
                                          long seed, NDManager manager) {
        Random random = new Random(seed);
        List<LoraLinear> added = new ArrayList<>();
        for (DecoderLayer layer : model.layers()) {
            for (String name : DecoderLayer.PROJECTIONS) {
                String shortName = name.substring(name.indexOf('.') + 1);
                if (!targets.contains(shortName)) {
                    continue;
                }
                LoraLinear lora = LoraLinear.initialised(layer.projection(name), rank, alpha, (float) dropout, random, manager);
                layer.replace(name, lora);
                added.add(lora);
            }
        }
        if (added.isEmpty()) {
            throw new IllegalArgumentException("no projection matches target modules " + targets
                    + " (choose from q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
        }
        return added;
    }

    /** Puts the adapters in training mode (dropout on) and returns what trains: every {@code lora_A} and {@code lora_B}. */
    public static List<NDArray> startTraining(List<LoraLinear> loras) {
        List<NDArray> params = new ArrayList<>();
        for (LoraLinear l : loras) {
            l.setTraining(true);
            params.add(l.loraA());
            params.add(l.loraB());
        }
        return params;
    }
}
