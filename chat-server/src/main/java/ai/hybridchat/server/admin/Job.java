package ai.hybridchat.server.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A long admin task (a reindex, a tuning run): its state and every progress event so far, which
 * late subscribers replay before they receive new ones, so a client that connects to the event
 * stream after the start misses nothing.
 */
public final class Job {
    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    /**
     * Events kept for replay; beyond it the oldest after the first are dropped (a long run emits a
     * progress event every few steps, and a job's memory must not grow with its length).
     */
    static final int MAX_KEPT_EVENTS = 2000;

    private final String id;
    private final String kind;
    private final Instant created = Instant.now();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Consumer<Map<String, Object>>> subscribers = new ArrayList<>();
    private volatile State state = State.QUEUED;
    private volatile boolean cancelRequested;
    private volatile String error;
    private volatile Object result;

    Job(String id, String kind) {
        this.id = id;
        this.kind = kind;
    }

    public String id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public State state() {
        return state;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    /** Records and broadcasts one event ({@code event} names its kind). */
    public void emit(String event, Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", event);
        e.putAll(data);
        List<Consumer<Map<String, Object>>> targets;
        synchronized (this) {
            if (events.size() >= MAX_KEPT_EVENTS) {
                events.remove(1);
            }
            events.add(e);
            targets = List.copyOf(subscribers);
        }
        for (Consumer<Map<String, Object>> s : targets) {
            try {
                s.accept(e);
            } catch (RuntimeException gone) {
                unsubscribe(s);
            }
        }
    }

    /** Replays the events so far to {@code subscriber}, then sends it each new one. */
    public void subscribe(Consumer<Map<String, Object>> subscriber) {
        List<Map<String, Object>> past;
        synchronized (this) {
            past = List.copyOf(events);
            subscribers.add(subscriber);
        }
        past.forEach(subscriber);
    }

    public synchronized void unsubscribe(Consumer<Map<String, Object>> subscriber) {
        subscribers.remove(subscriber);
    }

    void running() {
        state = State.RUNNING;
        emit("state", Map.of("state", state.name().toLowerCase()));
    }

    void finished(State end, Object result, String error) {
        this.result = result;
        this.error = error;
        this.state = end;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", end.name().toLowerCase());
        if (error != null) {
            data.put("error", error);
        }
        if (result != null) {
            data.put("result", result);
        }
        emit("done", data);
    }

    public boolean finished() {
        return state == State.SUCCEEDED || state == State.FAILED || state == State.CANCELLED;
    }

    /** The JSON view of the job. */
    public synchronized Map<String, Object> view() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("kind", kind);
        v.put("state", state.name().toLowerCase());
        v.put("created", created.toString());
        v.put("events", events.size());
        if (error != null) {
            v.put("error", error);
        }
        if (result != null) {
            v.put("result", result);
        }
        return v;
    }
}
