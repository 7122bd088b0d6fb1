package ai.hybridchat.tuning.testing;

import ai.hybridchat.tuning.pretrain.ByteLevelBpeTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A small English text and a tokenizer trained on it, written to a test folder. */
public final class TestCorpus {
    public static final String TEXT = """
            The package manager installs software from the network. It keeps a list of packages and their versions.
            A file system stores files in directories. Each file has an owner, a group and permissions.
            The kernel loads modules when a device appears. Drivers talk to the hardware on behalf of programs.
            Users log in with a name and a password. The administrator can create new users and groups.
            A backup copies important files to another disk. Restoring a backup brings the files back.
            The network interface has an address. Packets travel from one address to another through routers.
            """;

    private TestCorpus() {
    }

    public static void writeTokenizer(Path dir, int vocab) throws IOException {
        var trainer = new ByteLevelBpeTrainer(vocab);
        ByteLevelBpeTrainer.write(trainer.train(List.of(TEXT, TEXT.toUpperCase(), "0123456789 ?!.,;:'\"()[]{}-+=/")), dir, 512);
    }
}
