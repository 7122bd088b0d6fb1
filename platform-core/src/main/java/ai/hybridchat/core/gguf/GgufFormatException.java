package ai.hybridchat.core.gguf;

/** A GGUF file this project cannot read: what is wrong, in the file's terms. */
public final class GgufFormatException extends RuntimeException {
    public GgufFormatException(String message) {
        super(message);
    }
}
