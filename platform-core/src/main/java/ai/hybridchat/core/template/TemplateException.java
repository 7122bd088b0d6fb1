package ai.hybridchat.core.template;

/** A template that cannot be parsed, or a render that fails (a type error, or the template's own {@code raise_exception}). */
public class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    /** Raised by the template itself through {@code raise_exception(message)}: the message is the template's. */
    public static final class Raised extends TemplateException {
        public Raised(String message) {
            super(message);
        }
    }
}
