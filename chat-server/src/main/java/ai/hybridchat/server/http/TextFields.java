package ai.hybridchat.server.http;

import ai.hybridchat.server.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;

/** String fields of request bodies from strangers: present, a string, not blank, bounded, well-formed Unicode. */
public final class TextFields {
    private TextFields() {
    }

    /** The field's text, or a 400 naming the field and what is wrong with it. */
    public static String required(JsonNode body, String field, int maxChars) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return check(node, "'" + field + "'", maxChars);
    }

    /** {@code node} as text, described as {@code what} in the 400 when it is not a usable string. */
    public static String check(JsonNode node, String what, int maxChars) {
        if (!node.isTextual()) {
            throw ApiException.badRequest(what + " must be a string");
        }
        String text = node.asText();
        if (text.isBlank()) {
            throw ApiException.badRequest(what + " is empty");
        }
        if (text.length() > maxChars) {
            throw ApiException.badRequest(what + " is longer than " + maxChars + " characters");
        }
        requireWellFormed(text, what);
        return text;
    }

    /**
     * A 400 for a lone surrogate: JSON's {@code \\uD800} escape decodes to one, and it cannot be
     * written as UTF-8 (the store would fail with a 500) nor tokenized.
     */
    public static void requireWellFormed(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.badRequest(what + " is not valid Unicode: a lone surrogate at character " + i);
            }
        }
    }
}
