package ai.hybridchat.retrieval;

import java.util.List;

/**
 * What an ingest did: one update per document read, the files skipped with the reason, and (for
 * a sync) the documents deleted because their file is gone.
 */
public record IngestReport(List<IndexUpdate> indexed, List<SkippedFile> skipped, List<String> deleted) {
    public IngestReport {
        indexed = List.copyOf(indexed);
        skipped = List.copyOf(skipped);
        deleted = List.copyOf(deleted);
    }

    public IngestReport(List<IndexUpdate> indexed, List<SkippedFile> skipped) {
        this(indexed, skipped, List.of());
    }

    /** True when the index changed: something added, updated or deleted. */
    public boolean changed() {
        return count(IndexUpdate.Outcome.ADDED) + count(IndexUpdate.Outcome.UPDATED) + deleted.size() > 0;
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
                + (deleted.isEmpty() ? "" : deleted.size() + " deleted, ")
                + skipped.size() + " skipped";
    }
}
