package ai.hybridchat.server.eval;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Citation;
import ai.hybridchat.core.Mode;
import ai.hybridchat.server.chat.ChatService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Asks a {@link ChatService} every question of an evaluation set in each mode and scores the
 * answers: token F1 against the reference, whether the key fact is there ({@link KeyFact}),
 * whether a cited passage states it (supported), whether the answer states a fact of a document
 * the item does not name ({@link CrossDocumentCheck}), whether a cited passage comes from a
 * document the item names, and latency.
 */
public final class EvalRunner {
    /**
     * One answer, scored. {@code factHit}, {@code supported}, {@code citationHit} and
     * {@code foreignTerms} are null where they do not apply (no fact, no retrieval, no doc ids,
     * no collection to check against).
     */
    public record Row(String question, String mode, String answer, String reference, String fact, double f1, Boolean factHit,
                      Boolean supported, Boolean citationHit, List<String> foreignTerms, List<String> citedDocs,
                      List<String> citedPassages, long totalMs) {
    }

    /**
     * The averages of one mode; rates are null when no item could be scored that way.
     * {@code supportedRate}: of the answers with passages, the share whose key fact a cited
     * passage states. {@code crossDocumentErrors}: answers that state another document's fact.
     */
    public record ModeSummary(String mode, int questions, double meanF1, Double factAccuracy, Double supportedRate,
                              Integer crossDocumentErrors, Double citationHitRate,
                              long meanLatencyMs, long p50LatencyMs, long p95LatencyMs) {
    }

    public record Result(List<ModeSummary> summaries, List<Row> rows) {
    }

    private final ChatService chat;
    private final CrossDocumentCheck crossDocument;

    public EvalRunner(ChatService chat) {
        this(chat, null);
    }

    /** @param crossDocument the collection the answers come from; null: no cross-document check */
    public EvalRunner(ChatService chat, CrossDocumentCheck crossDocument) {
        this.chat = chat;
        this.crossDocument = crossDocument;
    }

    /** How far a run is: {@code done} of {@code total} questions answered in every mode. */
    public interface Progress {
        void answered(int done, int total);
    }

    /** @throws IllegalStateException (before asking anything) when a mode needs an adapter that is not loaded */
    public Result run(List<QaItem> items, Collection<Mode> modes, Consumer<String> progress) {
        return run(items, modes, (done, total) -> progress.accept("answered " + done + "/" + total), () -> false);
    }

    /** As above, reporting numbers, and stopping between questions once {@code cancelled} says so. */
    public Result run(List<QaItem> items, Collection<Mode> modes, Progress progress, BooleanSupplier cancelled) {
        modes.forEach(chat::requireAvailable);
        Map<Mode, List<Row>> byMode = new LinkedHashMap<>();
        modes.forEach(m -> byMode.put(m, new ArrayList<>()));
        int done = 0;
        for (QaItem item : items) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("evaluation cancelled after " + done + " questions");
            }
            for (Mode mode : modes) {
                byMode.get(mode).add(score(item, mode, chat.answer(item.question(), mode), crossDocument));
            }
            done++;
            progress.answered(done, items.size());
        }
        List<ModeSummary> summaries = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        byMode.forEach((mode, list) -> {
            summaries.add(summarise(mode, list));
            rows.addAll(list);
        });
        return new Result(summaries, rows);
    }

    static Row score(QaItem item, Mode mode, Answer answer) {
        return score(item, mode, answer, null);
    }

    static Row score(QaItem item, Mode mode, Answer answer, CrossDocumentCheck crossDocument) {
        List<String> cited = answer.citations().stream().map(Citation::docId).distinct().toList();
        Boolean citationHit = mode.usesRetrieval() && !item.docIds().isEmpty()
                ? cited.stream().anyMatch(item.docIds()::contains) : null;
        KeyFact fact = KeyFact.of(item);
        boolean hasFact = fact.phrase() != null || !fact.terms().isEmpty();
        Boolean factHit = hasFact ? fact.in(answer.answer()) : null;
        Boolean supported = hasFact && mode.usesRetrieval()
                ? factHit && answer.citations().stream().anyMatch(c -> c.text() != null && fact.in(c.text())) : null;
        List<String> foreign = crossDocument == null || item.docIds().isEmpty() ? null
                : crossDocument.foreignTerms(answer.answer(), item);
        List<String> passages = answer.citations().stream().map(c -> c.docId() + ": " + c.text()).toList();
        return new Row(item.question(), mode.wireName(), answer.answer(), item.answer(), hasFact ? fact.describe() : null,
                AnswerMetrics.tokenF1(answer.answer(), item.answer()), factHit, supported, citationHit, foreign, cited,
                passages, answer.timings().totalMs());
    }

    static ModeSummary summarise(Mode mode, List<Row> rows) {
        double f1 = rows.stream().mapToDouble(Row::f1).average().orElse(0);
        List<Long> latencies = rows.stream().map(Row::totalMs).sorted(Comparator.naturalOrder()).toList();
        long mean = Math.round(latencies.stream().mapToLong(Long::longValue).average().orElse(0));
        List<List<String>> checked = rows.stream().map(Row::foreignTerms).filter(f -> f != null).toList();
        Integer crossErrors = checked.isEmpty() ? null : (int) checked.stream().filter(f -> !f.isEmpty()).count();
        return new ModeSummary(mode.wireName(), rows.size(), f1, rate(rows.stream().map(Row::factHit).toList()),
                rate(rows.stream().map(Row::supported).toList()), crossErrors,
                rate(rows.stream().map(Row::citationHit).toList()), mean, percentile(latencies, 0.5), percentile(latencies, 0.95));
    }

    private static Double rate(List<Boolean> hits) {
        List<Boolean> scored = hits.stream().filter(h -> h != null).toList();
        return scored.isEmpty() ? null : scored.stream().filter(h -> h).count() / (double) scored.size();
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
