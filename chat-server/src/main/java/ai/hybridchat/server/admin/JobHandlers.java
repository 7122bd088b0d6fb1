package ai.hybridchat.server.admin;

import ai.hybridchat.server.api.ApiException;
import ai.hybridchat.server.api.SseStream;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The jobs API: list, look at one, follow its events over SSE (replayed from the start), cancel. */
final class JobHandlers {
    private final JobRunner jobs;

    JobHandlers(JobRunner jobs) {
        this.jobs = jobs;
    }

    void list(Context ctx) {
        ctx.json(Map.of("jobs", jobs.all().stream().map(Job::view).toList()));
    }

    void get(Context ctx) {
        ctx.json(job(ctx).view());
    }

    void cancel(Context ctx) {
        Job job = job(ctx);
        if (!jobs.cancel(job.id())) {
            throw new ApiException(409, "conflict", job.id() + " has already finished (" + job.state().name().toLowerCase() + ")");
        }
        ctx.status(202).json(job.view());
    }

    /** Every event of the job so far, then each new one, until it is done or the client leaves. */
    void events(Context ctx) throws InterruptedException {
        Job job = job(ctx);
        LinkedBlockingQueue<Map<String, Object>> queue = new LinkedBlockingQueue<>();
        Consumer<Map<String, Object>> subscriber = queue::add;
        SseStream sse = SseStream.open(ctx);
        job.subscribe(subscriber);
        try {
            while (true) {
                Map<String, Object> event = queue.poll(15, TimeUnit.SECONDS);
                if (event == null) {
                    sse.send("ping", Map.of("state", job.state().name().toLowerCase()));
                    continue;
                }
                sse.send(String.valueOf(event.get("event")), event);
                if ("done".equals(event.get("event"))) {
                    return;
                }
            }
        } catch (SseStream.ClientGone gone) {
            // the client stopped listening; the job goes on
        } finally {
            job.unsubscribe(subscriber);
        }
    }

    private Job job(Context ctx) {
        String id = ctx.pathParam("id");
        return jobs.get(id).orElseThrow(() -> new ApiException(404, "not_found", "no job '" + id + "'"));
    }
}
