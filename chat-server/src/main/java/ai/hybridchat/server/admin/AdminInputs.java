package ai.hybridchat.server.admin;

import ai.hybridchat.retrieval.FileDocumentLoader;
import ai.hybridchat.server.api.ApiException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

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
}
