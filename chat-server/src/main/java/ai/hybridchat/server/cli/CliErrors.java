package ai.hybridchat.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * One line on stderr per failure, never a bare stack trace (set {@code PLATFORM_DEBUG=1} to get
 * it as well). Exit codes: 2 for a wrong command line, 1 for a command that failed.
 */
final class CliErrors {
    static final int FAILED = 1;
    static final int USAGE = 2;

    private CliErrors() {
    }

    static int onParameterException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage()
                + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return USAGE;
    }

    static int onExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
        if (debug()) {
            e.printStackTrace(err);
        }
        return FAILED;
    }

    /** The message a user can act on: ours and the libraries' messages name the file or value. */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException || t instanceof CommandLine.ExecutionException) && t.getCause() != null
                && t.getMessage() == null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName() + (debug() ? "" : " (set PLATFORM_DEBUG=1 for details)");
        }
        message = message.strip().replaceAll("\\s*\\R\\s*", " ");
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException || t instanceof IOException
                || t instanceof UncheckedIOException) {
            return message;
        }
        return t.getClass().getSimpleName() + ": " + message;
    }

    static boolean debug() {
        String value = System.getenv("PLATFORM_DEBUG");
        return value != null && !value.isBlank() && !"0".equals(value);
    }
}
