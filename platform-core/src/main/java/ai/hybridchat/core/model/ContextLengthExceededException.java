package ai.hybridchat.core.model;

/** A prompt plus the tokens asked for is longer than the model's context: the caller's input, not a failure. */
public final class ContextLengthExceededException extends IllegalArgumentException {
    public ContextLengthExceededException(String message) {
        super(message);
    }
}
