package ai.hybridchat.server.chat;

/** A mode was asked for that the loaded models cannot serve (tuned or hybrid without an adapter). */
public final class ModeUnavailableException extends IllegalStateException {
    public ModeUnavailableException(String message) {
        super(message);
    }
}
