package ai.hybridchat.server.testing;

import ai.hybridchat.server.cli.PlatformCli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code platform} command line in-process and captures what it printed. */
public final class Cli {
    public record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PlatformCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
