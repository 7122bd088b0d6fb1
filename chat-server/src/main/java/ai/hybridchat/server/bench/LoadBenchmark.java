package ai.hybridchat.server.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * {@code clients} concurrent loopback clients, each sending its next request as soon as the last
 * is answered, for a fixed time: requests/s, latency percentiles and errors (a non-2xx status or a
 * failed connection).
 */
public final class LoadBenchmark {
    /** {@code firstTokenP50Ms}: the median of the server's own {@code timings.firstTokenMs} in the replies (NaN when they carry none). */
    public record Result(String name, int clients, int requests, int errors, double seconds, double p50Ms, double p99Ms,
                         double firstTokenP50Ms) {
        public double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private static final java.util.regex.Pattern FIRST_TOKEN = java.util.regex.Pattern.compile("\"firstTokenMs\"\\s*:\\s*(\\d+)");

    private LoadBenchmark() {
    }

    /** {@code request.apply(i)} builds the i-th request of a client. */
    public static Result run(String name, int clients, Duration duration, IntFunction<HttpRequest> request) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + duration.toNanos();
        AtomicInteger errors = new AtomicInteger();
        List<Long> firstTokens = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Future<List<Long>>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                int i = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(request.apply(i++), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() / 100 != 2) {
                            errors.incrementAndGet();
                        }
                        java.util.regex.Matcher m = FIRST_TOKEN.matcher(r.body());
                        if (m.find()) {
                            firstTokens.add(Long.parseLong(m.group(1)));
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                    latencies.add(System.nanoTime() - t0);
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        double p50 = sorted.length == 0 ? 0 : sorted[(int) Math.floor(0.5 * (sorted.length - 1))] / 1e6;
        double p99 = sorted.length == 0 ? 0 : sorted[(int) Math.ceil(0.99 * (sorted.length - 1))] / 1e6;
        long[] first = firstTokens.stream().mapToLong(Long::longValue).sorted().toArray();
        double firstP50 = first.length == 0 ? Double.NaN : first[(int) Math.floor(0.5 * (first.length - 1))];
        return new Result(name, clients, sorted.length, errors.get(), seconds, p50, p99, firstP50);
    }

    public static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofMinutes(5)).GET().build();
    }

    public static HttpRequest postJson(int port, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
