package ai.hybridchat.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A Server-Sent Events response written as the events happen: {@code event: NAME} and one line
 * of JSON {@code data} per event, flushed at once. Javalin's own {@code sse()} routes answer GET
 * only, and a chat is a POST, so the few lines of the format are written here.
 */
public final class SseStream {
    /** The client closed the connection; generation should stop. */
    public static final class ClientGone extends UncheckedIOException {
        ClientGone(IOException cause) {
            super("the client closed the event stream", cause);
        }
    }

    private final OutputStream out;

    private SseStream(OutputStream out) {
        this.out = out;
    }

    /**
     * An event stream that sends its 200 headers with its first event. Until then nothing is
     * committed, so input the model refuses before it generates (a prompt over the context) is
     * still answered as a plain JSON error with its status.
     */
    public static final class Lazy {
        private final Context ctx;
        private final Consumer<SseStream> onOpen;
        private SseStream open;

        /** {@code onOpen}: what to send first once the stream opens. */
        public Lazy(Context ctx, Consumer<SseStream> onOpen) {
            this.ctx = ctx;
            this.onOpen = onOpen;
        }

        public synchronized SseStream stream() {
            if (open == null) {
                open = SseStream.open(ctx);
                onOpen.accept(open);
            }
            return open;
        }

        public synchronized boolean opened() {
            return open != null;
        }
    }

    public static boolean requested(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/event-stream");
    }

    /** Sends the 200 headers; from here on errors travel as {@code error} events. */
    public static SseStream open(Context ctx) {
        var res = ctx.res();
        res.setStatus(200);
        res.setCharacterEncoding("UTF-8");
        res.setContentType("text/event-stream");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        try {
            res.flushBuffer();
            return new SseStream(res.getOutputStream());
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    public void send(String event, Object data) {
        write("event: " + event + "\ndata: " + json(data) + "\n\n");
    }

    /** An unnamed event, as OpenAI's streaming API sends them. */
    public void sendData(Object data) {
        write("data: " + json(data) + "\n\n");
    }

    /** The end marker of an OpenAI stream. */
    public void sendDone() {
        write("data: [DONE]\n\n");
    }

    private static String json(Object data) {
        try {
            return ServerJson.MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event", e);
        }
    }

    private synchronized void write(String event) {
        byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }
}
