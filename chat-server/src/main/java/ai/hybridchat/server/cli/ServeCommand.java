package ai.hybridchat.server.cli;

import ai.hybridchat.core.quant.WeightFormat;
import ai.hybridchat.server.app.PlatformServer;
import ai.hybridchat.server.config.ConfigLoader;
import ai.hybridchat.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code platform serve [--port 7070] [--config platform.yaml] [--data-dir DIR]}: the chat
 * server and web UI. Without a config it is the embedded demo (bundled documents, model and
 * adapter); flags override the config file.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the chat server and web UI (no flags: the embedded demo on port 7070).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: 7070, or the config's).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to listen on (default: 127.0.0.1, or the "
            + "config's host; 0.0.0.0 opens the server to the network: put TLS in front, see docs/SECURITY.md).")
    String host;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration (see docs).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Index, documents and adapters (default: ./data).")
    Path dataDir;

    @Option(names = "--weights", paramLabel = "FORMAT", converter = Converters.Weights.class,
            description = "f32, int8 or q4: how the local model's weights are held (default: f32, or the config's "
                    + "generation.weights).")
    WeightFormat weights;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig settings = config == null ? ServerConfig.defaults() : ConfigLoader.load(config);
        if (port != null) {
            settings = settings.withPort(port);
        }
        if (dataDir != null) {
            settings = settings.withDataDir(dataDir);
        }
        if (host != null) {
            settings = settings.withHost(host);
        }
        if (weights != null) {
            settings = settings.withWeights(weights);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PlatformServer server = PlatformServer.start(settings, line -> {
            err.println(line);
            err.flush();
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "platform-shutdown"));
        out.println("serving " + server.chat().modelName()
                + (server.chat().adapterName() == null ? "" : " + " + server.chat().adapterName())
                + " at http://" + hostForUrl(settings.server().host()) + ":" + server.port() + "/");
        out.flush();
        stopped.await();
        return 0;
    }

    /** An address as a browser takes it: loopback and "all interfaces" as localhost, IPv6 in brackets. */
    static String hostForUrl(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("127.0.0.1") || host.equals("::1")) {
            return "localhost";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
