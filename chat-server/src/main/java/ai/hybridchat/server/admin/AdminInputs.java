package ai.hybridchat.server.admin;

import ai.hybridchat.core.io.Json;
import ai.hybridchat.retrieval.FileDocumentLoader;
import ai.hybridchat.server.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** What admin requests carry, checked before anything is written: one uploaded file, a plain name. */
public final class AdminInputs {
    /** The largest upload accepted: the loader's own file limit. */
    public static final long MAX_UPLOAD_BYTES = FileDocumentLoader.DEFAULT_MAX_BYTES;

    private AdminInputs() {
    }

    /**
     * The multipart field, or the right 4xx: Jetty refuses a part over the size limit (or a
     * malformed body) with a ServletException, which would otherwise surface as a 500.
     */
    static UploadedFile uploaded(Context ctx, String field) {
        try {
            int files = ctx.uploadedFiles().size();
            if (files > 1) {
                throw ApiException.badRequest("one file per upload, got " + files + ": send each in its own request");
            }
            return ctx.uploadedFile(field);
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("size") || m.contains("exceed") || m.contains("too large")) {
                    throw new ApiException(413, "payload_too_large", "the upload is larger than " + MAX_UPLOAD_BYTES + " bytes");
                }
            }
            throw ApiException.badRequest("the body is not valid multipart/form-data: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The longest name in UTF-8 bytes: file systems allow 255 bytes (not characters: 120 CJK
     * characters are 360 bytes), and the platform adds prefixes and suffixes of its own.
     */
    static final int MAX_NAME_BYTES = 200;

    /** A plain name (no folders, no parent references, not hidden, at most {@value #MAX_NAME_BYTES} UTF-8 bytes), or a 400 naming the field. */
    static String plainName(String raw, String field) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        String name = raw.strip();
        if (name.contains("/") || name.contains("\\") || name.contains("..") || name.startsWith(".")
                || name.chars().anyMatch(c -> c < 0x20) || name.length() > 120
                || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw ApiException.badRequest("'" + field + "' must be a plain name without folders, got '"
                    + raw.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return name;
    }

    /** A whole number in [min, max], the fallback when absent, else a 400 naming the field. */
    static int whole(JsonNode body, String field, int fallback, int min, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
            throw ApiException.badRequest("'" + field + "' must be a whole number from " + min + " to " + max + ", got " + n);
        }
        return n.asInt();
    }

    /** A number in (min, max], the fallback when absent, else a 400 naming the field. */
    static double number(JsonNode body, String field, double fallback, double min, double max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || !(n.asDouble() > min && n.asDouble() <= max)) {
            throw ApiException.badRequest("'" + field + "' must be a number above " + min + " and at most " + max + ", got " + n);
        }
        return n.asDouble();
    }

    static String text(JsonNode body, String field, String fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string, got " + n);
        }
        return n.asText();
    }

    /** A boolean, the fallback when absent, else a 400 naming the field. */
    static boolean flag(JsonNode body, String field, boolean fallback) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    /** True when the first non-blank line of a JSONL file is a JSON object with {@code field}; false when it is not JSON (the reader names the line). */
    static boolean firstRecordHas(Path file, String field) throws IOException {
        return firstRecord(file).has(field);
    }

    /** The first non-blank line of a JSONL file as JSON; an empty object when it is not JSON (the dataset reader names the line). */
    static JsonNode firstRecord(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            String first = lines.map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
            try {
                JsonNode node = Json.MAPPER.readTree(first);
                return node == null ? Json.MAPPER.createObjectNode() : node;
            } catch (IOException e) {
                return Json.MAPPER.createObjectNode();
            }
        }
    }
}
