package ai.hybridchat.core.quant;

import java.util.Locale;

/**
 * How a model's weights are held for inference ({@code --weights}, {@code generation.weights}):
 * F32 as loaded, or quantized at load into blocks of 32 values with one scale each, the layouts of
 * llama.cpp's {@code Q8_0} and {@code Q4_0}. Quantization applies to every projection and to the
 * token embedding (with a tied head, the head too); norms stay F32.
 */
public enum WeightFormat {
    F32, INT8, Q4;

    public static WeightFormat parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown weight format '" + name + "' (choose f32, int8 or q4)");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
