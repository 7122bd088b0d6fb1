package ai.hybridchat.server.admin;

import java.io.IOException;
import java.nio.file.Path;

/** What tuning jobs and adapter activation need from the running platform. */
public interface AdapterHost {
    /** The base model adapters are tuned on and applied to. */
    Path baseModelDir();

    /** Loads the adapter and makes tuned and hybrid answers use it; returns its name. */
    String activate(Path adapterDir) throws IOException;

    /** The adapter tuned and hybrid answers use now, or null. */
    String activeAdapter();
}
