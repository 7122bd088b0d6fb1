package ai.hybridchat.core.model;

import java.util.Arrays;

/**
 * Turns generated token ids into text one token at a time without decoding the whole output
 * again at every step (which makes a long answer quadratic). Each step decodes only the last few
 * tokens twice, with and without the new one, and returns the difference: the window starts one
 * token before the text already returned, so tokenizers whose pieces depend on their left
 * neighbour (SentencePiece's leading space, byte-level merges) decode correctly, and text that
 * ends in half a UTF-8 character waits for the next token. The technique of Hugging Face's
 * text-generation-inference ({@code decode_token}).
 */
final class IncrementalDetokenizer {
    private final TextTokenizer tokenizer;
    private long[] ids = new long[16];
    private int size;
    private int prefixOffset;
    private int readOffset;

    IncrementalDetokenizer(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds a token; returns the new text it completes (possibly empty). */
    String add(long id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String before = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
        String after = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
        if (after.length() > before.length() && !after.endsWith("\uFFFD") && after.startsWith(before)) {
            prefixOffset = readOffset;
            readOffset = size;
            return after.substring(before.length());
        }
        return "";
    }
}
