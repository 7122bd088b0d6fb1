package ai.hybridchat.core;

import java.util.List;

/**
 * What a chat turn returns: the text, how it was produced, what it cites, how long it took, the
 * tokens it cost, and how many of the conversation's earliest messages were left out so that the
 * prompt fits the model's context ({@code historyDropped}, 0 when all were read).
 */
public record Answer(String answer, Mode mode, List<Citation> citations, String model, String adapter,
                     Timings timings, Usage usage, int historyDropped) {
    public Answer {
        citations = citations == null ? List.of() : List.copyOf(citations);
        timings = timings == null ? Timings.NONE : timings;
        usage = usage == null ? Usage.NONE : usage;
    }

    /** The same answer, noting that {@code dropped} earliest messages of the conversation were not read. */
    public Answer withHistoryDropped(int dropped) {
        return new Answer(answer, mode, citations, model, adapter, timings, usage, dropped);
    }
}
