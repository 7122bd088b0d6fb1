package ai.hybridchat.server.http;

import ai.hybridchat.server.api.ApiException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address (Javalin's {@code ip()}): {@code burst} requests at once, then
 * {@code perSecond} a second; beyond that a 429 with {@code Retry-After}. For endpoints that write
 * what strangers send ({@code /api/feedback}), so one client cannot fill the store or drown the
 * others. The table of clients is bounded (least recently seen out first).
 */
final class ClientRateLimit {
    private static final int MAX_CLIENTS = 10_000;

    private final double burst;
    private final double perSecond;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    ClientRateLimit(double burst, double perSecond) {
        this.burst = burst;
        this.perSecond = perSecond;
    }

    void check(Context ctx) {
        double wait = take(ctx.ip(), System.nanoTime() / 1e9);
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString((long) Math.ceil(wait)));
            throw new ApiException(429, "too_many_requests", "too many requests from this client: try again in "
                    + (long) Math.ceil(wait) + " s");
        }
    }

    /** Takes one token for {@code client} at time {@code now} (seconds); 0 when granted, else seconds to wait. */
    synchronized double take(String client, double now) {
        double[] b = buckets.computeIfAbsent(client, k -> new double[] {burst, now});
        b[0] = Math.min(burst, b[0] + (now - b[1]) * perSecond);
        b[1] = now;
        if (b[0] >= 1) {
            b[0] -= 1;
            return 0;
        }
        return (1 - b[0]) / perSecond;
    }
}
