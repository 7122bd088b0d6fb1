package ai.hybridchat.server.cli;

import ai.hybridchat.server.bench.BenchCommand;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code platform}: the one executable of the platform. Each sub-command is its own class; this
 * one wires them, and {@link CliErrors} turns every failure into one line on stderr and a
 * non-zero exit code (1: the command failed, 2: the command line is wrong).
 */
@Command(name = "platform", mixinStandardHelpOptions = true, version = "platform 0.1.0",
        description = "Hybrid RAG + fine-tuning chatbot platform.",
        subcommands = {
                ServeCommand.class,
                IndexCommand.class,
                SearchCommand.class,
                RetrievalEvalCommand.class,
                SolrConfigCommand.class,
                GenerateCommand.class,
                ChatTemplateCommand.class,
                ScoreCommand.class,
                PretrainCommand.class,
                TuneCommand.class,
                MergeCommand.class,
                ExportGgufCommand.class,
                EvalCommand.class,
                RagDataCommand.class,
                ReaderTrainCommand.class,
                ReadingExercisesCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class PlatformCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing sub-command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        int code = execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(code);
    }

    /** Runs a command line in-process, printing to the given streams; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new PlatformCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(CliErrors::onExecutionException);
        cli.setParameterExceptionHandler(CliErrors::onParameterException);
        try {
            return cli.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
