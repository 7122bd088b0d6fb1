package ai.hybridchat.core.gguf;

import java.util.Locale;

/** The tensor types of ggml this project reads and writes, with their numbers and block sizes as ggml.h defines them. */
public enum GgmlType {
    F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q8_0(8, 32, 34);

    public final int id;
    /** Values per block. */
    public final int blockValues;
    /** Bytes per block: Q8_0 is an F16 scale and 32 int8, Q4_0 an F16 scale and 16 bytes of nibbles. */
    public final int blockBytes;

    GgmlType(int id, int blockValues, int blockBytes) {
        this.id = id;
        this.blockValues = blockValues;
        this.blockBytes = blockBytes;
    }

    public long bytes(long values) {
        return values / blockValues * blockBytes;
    }

    public static GgmlType of(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new GgufFormatException("tensor type " + id + " is not read here (F32, F16, Q8_0 and Q4_0 are)");
    }

    /** {@code --type f32|f16|q8_0|q4_0}. */
    public static GgmlType parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown GGUF type '" + name + "' (choose f32, f16, q8_0 or q4_0)");
        }
    }
}
