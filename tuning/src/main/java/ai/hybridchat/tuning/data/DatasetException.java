package ai.hybridchat.tuning.data;

import java.nio.file.Path;
import java.util.List;

/** A dataset that cannot be trained on; lists the bad lines so they can be fixed in one pass. */
public class DatasetException extends IllegalArgumentException {
    private final List<String> problems;

    public DatasetException(Path file, List<String> problems) {
        super(file + ": " + problems.size() + " malformed line(s): " + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                + (problems.size() > 5 ? "; ..." : ""));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
