package ai.hybridchat.server.http;

import io.javalin.http.Context;

/**
 * The headers every response carries so a browser keeps the pages to themselves: scripts, styles
 * and connections from this origin only (the pages have no inline script or style), never framed
 * by another site (clickjacking), no content-type guessing, no referrer sent elsewhere.
 */
final class SecurityHeaders {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    static void add(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
