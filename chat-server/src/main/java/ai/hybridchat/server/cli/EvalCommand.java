package ai.hybridchat.server.cli;

import ai.hybridchat.core.Mode;
import ai.hybridchat.server.app.Platform;
import ai.hybridchat.server.config.ConfigLoader;
import ai.hybridchat.server.config.ServerConfig;
import ai.hybridchat.server.eval.EvalReport;
import ai.hybridchat.server.eval.EvalRunner;
import ai.hybridchat.server.eval.QaItem;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code platform eval --qa FILE [--modes rag,tuned,hybrid] --report DIR}: asks the platform
 * (the same assembly {@code serve} runs: demo by default, or {@code --config}) every question
 * in each mode and writes {@code report.json} and {@code report.md}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Answer an evaluation set in each mode and report F1, fact accuracy, citation hits and latency.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--qa", required = true, paramLabel = "FILE",
            description = "JSONL: {\"question\", \"answer\", \"doc_ids\"?, \"fact\"?} per line.")
    Path qa;

    @Option(names = "--modes", paramLabel = "MODES", split = ",", defaultValue = "rag,tuned,hybrid",
            converter = ModeConverter.class, description = "Modes to compare (default: ${DEFAULT-VALUE}).")
    List<Mode> modes;

    @Option(names = "--report", required = true, paramLabel = "DIR", description = "Folder for report.json and report.md.")
    Path report;

    @Option(names = "--config", paramLabel = "FILE", description = "Platform configuration, as for serve (default: the demo).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Index, documents and adapters (default: ./data).")
    Path dataDir;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N questions.")
    Integer limit;

    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return Mode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        List<QaItem> items = QaItem.read(qa);
        if (limit != null) {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
            }
            items = items.subList(0, Math.min(limit, items.size()));
        }
        List<Mode> distinct = new ArrayList<>(new LinkedHashSet<>(modes));
        ServerConfig settings = config == null ? ServerConfig.defaults() : ConfigLoader.load(config);
        if (dataDir != null) {
            settings = settings.withDataDir(dataDir);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Platform platform = Platform.open(settings, line -> {
            err.println(line);
            err.flush();
        })) {
            EvalRunner.Result result = new EvalRunner(platform.chat(), platform.crossDocumentCheck()).run(items, distinct, line -> {
                err.println(line);
                err.flush();
            });
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("qa", qa.toString());
            about.put("questions", items.size());
            about.put("model", platform.chat().modelName());
            about.put("adapter", platform.chat().adapterName());
            about.put("retrievalK", settings.retrievalK());
            about.put("retrievalMode", settings.retrievalMode().wireName());
            about.put("maxNewTokens", settings.maxNewTokens());
            about.put("copyWeight", settings.remote() == null ? settings.copyWeight() : null);
            about.put("date", Instant.now().toString());
            EvalReport.write(report, about, result);
            out.print(EvalReport.table(result));
            out.println("report: " + report.resolve("report.md"));
            return 0;
        }
    }
}
