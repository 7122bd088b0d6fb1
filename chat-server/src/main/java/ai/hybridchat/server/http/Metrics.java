package ai.hybridchat.server.http;

import ai.hybridchat.retrieval.ChunkIndex;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code GET /metrics} in Prometheus' text exposition format: requests and their total time per
 * route, method and status, and the index's size. Written by hand because the format is a few
 * lines of text and these are all the series there are; a client library would bring a registry,
 * collectors and a second HTTP server this does not need.
 */
final class Metrics {
    private record Key(String method, String route, int status) {
    }

    private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<Key, DoubleAdder> seconds = new ConcurrentHashMap<>();
    private final ChunkIndex index;

    Metrics(ChunkIndex index) {
        this.index = index;
    }

    /** Records one finished request; the route is the matched path template, so ids do not explode the series. */
    void record(Context ctx, float millis) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException noEndpoint) {
            // static files and unknown paths have no endpoint (Javalin throws rather than return null)
            route = ctx.statusCode() == 404 ? "unmatched" : "static";
        }
        Key key = new Key(ctx.method().name(), route, ctx.statusCode());
        requests.computeIfAbsent(key, k -> new LongAdder()).increment();
        seconds.computeIfAbsent(key, k -> new DoubleAdder()).add(millis / 1000.0);
    }

    void metrics(Context ctx) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP http_requests_total HTTP requests answered, by method, route and status.\n");
        out.append("# TYPE http_requests_total counter\n");
        sorted(requests).forEach((k, v) -> out.append("http_requests_total").append(labels(k)).append(' ').append(v.sum()).append('\n'));
        out.append("# HELP http_request_duration_seconds_sum Time spent answering, by method, route and status.\n");
        out.append("# TYPE http_request_duration_seconds_sum counter\n");
        sorted(seconds).forEach((k, v) -> out.append("http_request_duration_seconds_sum").append(labels(k)).append(' ')
                .append(String.format(Locale.ROOT, "%.6f", v.sum())).append('\n'));
        out.append("# HELP index_documents Documents in the search index.\n# TYPE index_documents gauge\n");
        out.append("index_documents ").append(index.documentCount()).append('\n');
        out.append("# HELP index_chunks Chunks in the search index.\n# TYPE index_chunks gauge\n");
        out.append("index_chunks ").append(index.chunkCount()).append('\n');
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(out.toString());
    }

    private static <V> Map<String, Map.Entry<Key, V>> sortedEntries(Map<Key, V> m) {
        Map<String, Map.Entry<Key, V>> s = new TreeMap<>();
        m.entrySet().forEach(e -> s.put(e.getKey().route() + e.getKey().method() + e.getKey().status(), e));
        return s;
    }

    private static <V> Map<Key, V> sorted(Map<Key, V> m) {
        Map<Key, V> out = new java.util.LinkedHashMap<>();
        sortedEntries(m).values().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static String labels(Key k) {
        return "{method=\"" + k.method() + "\",route=\"" + escape(k.route()) + "\",status=\"" + k.status() + "\"}";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
