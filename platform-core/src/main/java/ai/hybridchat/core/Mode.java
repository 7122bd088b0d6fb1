package ai.hybridchat.core;

import java.util.Locale;

/** The three ways the platform answers a question. */
public enum Mode {
    /** Base model reading retrieved passages. */
    RAG,
    /** Base model plus the domain adapter, no retrieval. */
    TUNED,
    /** Base model plus the domain adapter, reading retrieved passages. */
    HYBRID;

    public boolean usesRetrieval() {
        return this != TUNED;
    }

    public boolean usesAdapter() {
        return this != RAG;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code rag|tuned|hybrid}; the message names the valid values. */
    public static Mode parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("mode is required: one of rag, tuned, hybrid");
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + value + "': expected rag, tuned or hybrid");
        }
    }
}
