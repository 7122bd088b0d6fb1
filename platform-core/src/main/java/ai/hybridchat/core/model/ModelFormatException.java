package ai.hybridchat.core.model;

/** A model folder, weight file or tokenizer that cannot be used; the message names the file and tensor. */
public class ModelFormatException extends IllegalArgumentException {
    public ModelFormatException(String message) {
        super(message);
    }
}
