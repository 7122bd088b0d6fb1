package ai.hybridchat.core;

import java.util.List;
import java.util.Map;

/** What a chat turn returns: the text, how it was produced, what it cites and how long it took. */
public record Answer(String answer, Mode mode, List<Citation> citations, String model, String adapter,
                     Map<String, Long> timingsMs) {
    public Answer {
        citations = citations == null ? List.of() : List.copyOf(citations);
        timingsMs = timingsMs == null ? Map.of() : Map.copyOf(timingsMs);
    }
}
