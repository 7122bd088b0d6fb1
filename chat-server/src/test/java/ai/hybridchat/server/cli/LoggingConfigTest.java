package ai.hybridchat.server.cli;

import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Tests run with logback-test.xml, so the shipped logback.xml is checked here: a broken one prints a stack trace on every command. */
class LoggingConfigTest {
    @Test
    void shippedLogbackConfigIsWellFormedAndLogsToStderr() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("logback.xml")) {
            assertNotNull(in);
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            assertEquals("System.err", doc.getElementsByTagName("target").item(0).getTextContent());
        }
    }
}
