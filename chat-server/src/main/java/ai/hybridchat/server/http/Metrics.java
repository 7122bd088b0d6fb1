package ai.hybridchat.server.http;

import ai.hybridchat.retrieval.ChunkIndex;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;
import java.util.Comparator;
import java.util.List;
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
        static final Comparator<Key> ORDER = Comparator.comparing(Key::route).thenComparing(Key::method)
                .thenComparingInt(Key::status);
    }

    /** The count and total time of one series. */
    private record Series(LongAdder count, DoubleAdder seconds) {
    }

    private final Map<Key, Series> series = new ConcurrentHashMap<>();
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
        Series s = series.computeIfAbsent(key, k -> new Series(new LongAdder(), new DoubleAdder()));
        s.count().increment();
        s.seconds().add(millis / 1000.0);
    }

    void metrics(Context ctx) {
        List<Key> keys = series.keySet().stream().sorted(Key.ORDER).toList();
        StringBuilder out = new StringBuilder();
        out.append("# HELP http_requests_total HTTP requests answered, by method, route and status.\n");
        out.append("# TYPE http_requests_total counter\n");
        keys.forEach(k -> out.append("http_requests_total").append(labels(k)).append(' ')
                .append(series.get(k).count().sum()).append('\n'));
        out.append("# HELP http_request_duration_seconds_sum Time spent answering, by method, route and status.\n");
        out.append("# TYPE http_request_duration_seconds_sum counter\n");
        keys.forEach(k -> out.append("http_request_duration_seconds_sum").append(labels(k)).append(' ')
                .append(String.format(Locale.ROOT, "%.6f", series.get(k).seconds().sum())).append('\n'));
        out.append("# HELP index_documents Documents in the search index.\n# TYPE index_documents gauge\n");
        out.append("index_documents ").append(index.documentCount()).append('\n');
        out.append("# HELP index_chunks Chunks in the search index.\n# TYPE index_chunks gauge\n");
        out.append("index_chunks ").append(index.chunkCount()).append('\n');
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(out.toString());
    }

    private static String labels(Key k) {
        return "{method=\"" + k.method() + "\",route=\"" + escape(k.route()) + "\",status=\"" + k.status() + "\"}";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
