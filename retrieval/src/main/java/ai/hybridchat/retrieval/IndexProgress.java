package ai.hybridchat.retrieval;

/** Told after each document is indexed, for long ingests that report progress. */
@FunctionalInterface
public interface IndexProgress {
    IndexProgress NONE = (done, total) -> { };

    void indexed(int done, int total);
}
