package ai.hybridchat.server.http;

/** The body of every error response: a short machine-readable code and a sentence for people. */
public record ApiError(String error, String detail) {
}
