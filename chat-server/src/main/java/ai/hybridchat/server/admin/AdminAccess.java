package ai.hybridchat.server.admin;

import ai.hybridchat.server.api.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin API's gate: {@code Authorization: Bearer TOKEN}. Without a configured token the admin
 * API is closed (403); a missing or wrong token is 401. The token is compared in constant time and
 * appears in no message or log line.
 */
public final class AdminAccess {
    private final byte[] token;
    private final String what;

    public AdminAccess(String token) {
        this(token, "admin");
    }

    /** A gate named {@code what} in its messages (the admin API, metrics). */
    public AdminAccess(String token, String what) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.what = what;
    }

    public boolean open() {
        return token != null;
    }

    public void check(Context ctx) {
        if (token == null) {
            throw new ApiException(403, "forbidden",
                    "the admin API is closed: set adminToken in the config file or PLATFORM_ADMIN_TOKEN in the environment");
        }
        String header = ctx.header("Authorization");
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, given)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"" + what + "\"");
            throw new ApiException(401, "unauthorized", header == null
                    ? "the " + what + " endpoint needs an Authorization: Bearer header" : "wrong " + what + " token");
        }
    }
}
