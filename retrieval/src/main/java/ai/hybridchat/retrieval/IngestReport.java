package ai.hybridchat.retrieval;

import java.util.List;

/** What an ingest did: one update per document read, and the files skipped with the reason. */
public record IngestReport(List<IndexUpdate> indexed, List<SkippedFile> skipped) {
    public IngestReport {
        indexed = List.copyOf(indexed);
        skipped = List.copyOf(skipped);
    }

    public long count(IndexUpdate.Outcome outcome) {
        return indexed.stream().filter(u -> u.outcome() == outcome).count();
    }

    public int chunks() {
        return indexed.stream().mapToInt(IndexUpdate::chunks).sum();
    }

    /** One line for logs and the CLI: {@code 3 added, 1 updated, 0 unchanged (12 chunks), 1 skipped}. */
    public String summary() {
        return count(IndexUpdate.Outcome.ADDED) + " added, " + count(IndexUpdate.Outcome.UPDATED) + " updated, "
                + count(IndexUpdate.Outcome.UNCHANGED) + " unchanged (" + chunks() + " chunks), "
                + skipped.size() + " skipped";
    }
}
