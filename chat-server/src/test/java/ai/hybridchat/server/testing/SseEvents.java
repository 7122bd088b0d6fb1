package ai.hybridchat.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parses a whole text/event-stream body into events. */
public final class SseEvents {
    public record Event(String name, JsonNode data) {
    }

    private SseEvents() {
    }

    public static List<Event> parse(String body) {
        List<Event> events = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            if (!data.isEmpty()) {
                try {
                    events.add(new Event(name, new ObjectMapper().readTree(data.toString())));
                } catch (IOException e) {
                    throw new AssertionError("bad event data: " + data, e);
                }
            }
        }
        return events;
    }
}
