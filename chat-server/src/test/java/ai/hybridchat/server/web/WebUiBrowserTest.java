package ai.hybridchat.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.hybridchat.retrieval.ChunkIndex;
import ai.hybridchat.retrieval.LuceneRetriever;
import ai.hybridchat.retrieval.SearchMode;
import ai.hybridchat.retrieval.SearchOptions;
import ai.hybridchat.retrieval.SnippetStyle;
import ai.hybridchat.server.chat.ChatService;
import ai.hybridchat.server.chat.SampleQuestion;
import ai.hybridchat.server.http.ChatServer;
import ai.hybridchat.server.testing.DemoDocs;
import ai.hybridchat.server.testing.ScriptedChatModel;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser (Debian's chromium, driven by Playwright) against a real server
 * and index; the models are scripted, so the answers are known. Reported as skipped, not passed,
 * on a machine without chromium ({@code apt-get install chromium}).
 */
class WebUiBrowserTest {
    static final String ADMIN_TOKEN = "browser-test-token";
    /** Four retrieval pairs about the test's documents. */
    static final String PAIRS = """
            {"query":"Who chairs the board?","positive":"The chair of the board is Odile Farrant."}
            {"query":"What does a Wren lamp cost?","positive":"The Wren lamp costs 240 pounds."}
            {"query":"Where is the warehouse?","positive":"The warehouse is on Quay Street."}
            {"query":"When does the fair open?","positive":"The fair opens at nine in the morning."}
            """;
    /** Screenshots of each page, kept as test artifacts. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    static Path dir;
    static ChunkIndex index;
    static Javalin app;
    static Javalin ragOnlyApp;
    static ChatService chat;
    static final ScriptedChatModel TUNED = new ScriptedChatModel("tuned");
    static Playwright playwright;
    static Browser browser;
    Page page;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(CHROMIUM), "no chromium at " + CHROMIUM + " (apt-get install chromium, or set CHROMIUM)");
        index = DemoDocs.lexicalIndex(dir);
        LuceneRetriever retriever = new LuceneRetriever(index.searcher(SearchOptions.defaults().withSnippets(SearchOptions.DEFAULT_SNIPPET_CHARS, SnippetStyle.PLAIN)), SearchMode.BM25);
        chat = ChatService.builder().retriever(retriever)
                .baseModel(new ScriptedChatModel("<img src=x onerror=alert(1)>base"), "demo-base")
                .tunedModel(TUNED, "demo-lora").build();
        Path demoModel = ai.hybridchat.server.demo.DemoBundle.extractModel(dir.resolve("demo"));
        // tuning jobs run for real on the bundled demo model; activation swaps in a scripted model named after the adapter
        ai.hybridchat.server.admin.AdapterHost host = new ai.hybridchat.server.admin.AdapterHost() {
            @Override
            public Path baseModelDir() {
                return demoModel;
            }

            @Override
            public String activate(Path adapterDir) {
                String name = adapterDir.getFileName().toString();
                chat.activateAdapter(new ScriptedChatModel("tuned-" + name), name);
                return name;
            }

            @Override
            public String activeAdapter() {
                return chat.adapterName();
            }
        };
        app = ChatServer.create(ChatServer.Parts.of(chat, index)
                .samples(List.of(new SampleQuestion("How much does a Wren lamp cost?", "tuned"),
                        new SampleQuestion("Who is the chair of the board?", "documents only")))
                .dataDir(dir).adminToken(ADMIN_TOKEN).adapters(host).build()).start(0);
        ChatService ragOnly = ChatService.builder().retriever(retriever).baseModel(new ScriptedChatModel("base"), "demo-base").build();
        ragOnlyApp = ChatServer.create(ChatServer.Parts.of(ragOnly, index).build()).start(0);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
            playwright.close();
        }
        if (app != null) {
            app.stop();
            ragOnlyApp.stop();
            index.close();
        }
    }

    @BeforeEach
    void open() {
        page = browser.newPage();
        page.navigate("http://localhost:" + app.port() + "/");
    }

    @AfterEach
    void close() {
        page.close();
    }

    @Test
    void showsTheModelAndTheSampleQuestions() {
        assertThat(page.locator("#status")).hasText("demo-base + demo-lora · 19 documents");
        assertThat(page.locator("#samples button")).hasCount(2);
        assertThat(page.locator("#samples button").first()).hasText("How much does a Wren lamp cost?");
        assertThat(page.locator("#samples .split")).hasText(new String[] {"tuned", "documents only"});
        screenshot(page, "samples");
    }

    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Test
    void aSampleQuestionIsAnsweredWithSourcesAndLatency() {
        page.locator("#samples button").first().click();
        Locator answer = page.locator(".answer").last();
        assertThat(answer.locator(".text")).hasText("tuned read 3 passages");
        assertThat(answer.locator(".mode-label")).hasText("Hybrid");
        assertThat(answer.locator(".meta")).containsText("total");
        assertThat(answer.locator(".meta")).containsText("demo-base + demo-lora");
        assertThat(answer.locator(".sources li")).hasCount(3);
        assertThat(answer.locator(".sources li").first().locator(".source-title")).hasText("The Wren Lamp");
        assertThat(answer.locator(".sources li .snippet").first()).isVisible();
        Locator passage = answer.locator(".sources li").first().locator(".passage");
        assertThat(passage.locator(".passage-text")).isHidden();
        passage.locator("summary").click();
        assertThat(passage.locator(".passage-text")).isVisible();
        assertThat(passage.locator(".passage-text")).containsText("Wren");
        assertThat(page.locator(".turn .question").last()).hasText("How much does a Wren lamp cost?");
        screenshot(page, "chat");
    }

    @Test
    void theChosenModeIsUsedAndModelOutputIsShownAsText() {
        page.locator("input[value=rag]").check();
        page.locator("#question").fill("Who is the chair of the board?");
        page.locator("#question").press("Enter");
        Locator text = page.locator(".answer .text").last();
        assertThat(text).hasText("<img src=x onerror=alert(1)>base read 3 passages");
        assertEquals(0, page.locator(".answer img").count(), "markup from the model is not rendered");
    }

    @Test
    void anAnswerCanBeRatedAndTheRatingIsStored() throws Exception {
        page.locator("input[value=rag]").check();
        page.locator("#question").fill("Where is the main workshop?");
        page.locator("#send").click();
        Locator answer = page.locator(".answer").last();
        answer.locator("button.rate-down").click();
        assertThat(answer.locator(".rated")).hasText(" thanks, rated down");
        List<String> lines = Files.readAllLines(dir.resolve("feedback.jsonl"));
        assertEquals(true, lines.stream().anyMatch(l -> l.contains("\"question\":\"Where is the main workshop?\"")
                && l.contains("\"rating\":\"down\"") && l.contains("\"mode\":\"rag\"")), lines.toString());
    }

    @Test
    void tunedAnswersHaveNoSources() {
        page.locator("input[value=tuned]").check();
        page.locator("#question").fill("Who designed the Wren lamp?");
        page.locator("#send").click();
        Locator answer = page.locator(".answer").last();
        assertThat(answer.locator(".text")).hasText("tuned read 0 passages");
        assertThat(answer.locator(".sources")).isHidden();
    }

    @Test
    void compareShowsAllThreeAnswers() {
        page.locator("#question").fill("When did the first Heron Fair take place?");
        page.locator("#compare").click();
        Locator answers = page.locator(".turn").last().locator(".answer");
        assertThat(answers).hasCount(3);
        assertThat(answers.nth(1).locator(".text")).hasText("tuned read 0 passages");
        assertThat(answers.nth(2).locator(".text")).hasText("tuned read 3 passages");
        assertThat(answers.nth(0).locator(".mode-label")).hasText("RAG only");
        for (int i = 0; i < 3; i++) {
            // each column streamed its own answer (the time to the first words is only known when streaming)
            assertThat(answers.nth(i).locator(".meta")).containsText("first words after");
        }
        screenshot(page, "compare");
    }

    @Test
    void pickingTheBestComparedAnswerStoresPreferencePairs() throws Exception {
        page.locator("#question").fill("Who designed the Wren lamp?");
        page.locator("#compare").click();
        Locator turn = page.locator(".turn").last();
        assertThat(turn.locator(".answer")).hasCount(3);
        turn.locator(".pick-best[data-mode=hybrid]").click();
        assertThat(turn.locator(".pick")).hasText("Thanks: Hybrid saved as the best answer.");
        assertThat(turn.locator(".answer.chosen .mode-label")).hasText("Hybrid");
        List<String> pairs = Files.readAllLines(dir.resolve("preferences.jsonl"));
        assertEquals(true, pairs.stream().anyMatch(l -> l.contains("\"chosen\":\"tuned read 3 passages\"")), pairs.toString());
    }

    @Test
    void theAdminPageTunesAnAdapterWithALiveLossCurveAndActivatesIt() throws Exception {
        page.navigate("http://localhost:" + app.port() + "/admin.html");
        page.locator("#token").fill(ADMIN_TOKEN);
        page.locator("#login button").click();
        assertThat(page.locator("#active")).hasText("active: demo-lora");
        Path data = dir.resolve("upload/porter.jsonl");
        Files.createDirectories(data.getParent());
        Files.writeString(data, "{\"prompt\":\"Who waters the kiln garden?\",\"completion\":\"The night porter waters it.\"}\n"
                + "{\"prompt\":\"Where is the spare key?\",\"completion\":\"The spare key hangs in the office.\"}\n");
        page.locator("#data-file").setInputFiles(data);
        page.locator("#data-button").click();
        assertThat(page.locator("#data-note")).hasText("porter.jsonl: 2 examples");
        assertThat(page.locator("#data-name")).hasValue("porter.jsonl");
        page.locator("#adapter-name").fill("porter-ui");
        page.locator("#steps").fill("5");
        page.locator("#lr").fill("0.005");
        page.locator("#tune-button").click();
        assertThat(page.locator("#tune-note")).containsText("tuned porter-ui: final loss",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        String points = page.locator("#loss-curve polyline").getAttribute("points");
        assertEquals(5, points.trim().split(" ").length, "one point per step: " + points);
        screenshot(page, "admin-tuning");
        try {
            page.locator("#adapters li", new Page.LocatorOptions().setHasText("porter-ui")).locator("button.activate").click();
            assertThat(page.locator("#active")).hasText("active: porter-ui");
            page.navigate("http://localhost:" + app.port() + "/");
            assertThat(page.locator("#status")).containsText("demo-base + porter-ui");
        } finally {
            chat.activateAdapter(TUNED, "demo-lora");
        }
    }

    @Test
    void theAdminPageTunesTheRetrieverWithALossCurveAndSwapsTheIndexToIt() throws Exception {
        page.navigate("http://localhost:" + app.port() + "/admin.html");
        page.locator("#token").fill(ADMIN_TOKEN);
        page.locator("#login button").click();
        assertThat(page.locator("#embedding-active")).hasText("active: all-minilm-l6-v2");
        Path data = dir.resolve("upload/retriever-pairs.jsonl");
        Files.createDirectories(data.getParent());
        Files.writeString(data, PAIRS);
        page.locator("#data-file").setInputFiles(data);
        page.locator("#data-button").click();
        assertThat(page.locator("#data-note")).hasText("retriever-pairs.jsonl: 4 examples");
        page.locator("#embedding-data").fill("retriever-pairs.jsonl");
        page.locator("#embedding-name").fill("retriever-ui");
        page.locator("#embedding-epochs").fill("3");
        page.locator("#embedding-button").click();
        assertThat(page.locator("#embedding-note")).containsText("the index embeds with retriever-ui",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(120_000));
        assertThat(page.locator("#embedding-note")).containsText("tuned retriever-ui on 4 pairs");
        String points = page.locator("#embedding-curve polyline").getAttribute("points");
        assertEquals(3, points.trim().split(" ").length, "one point per step: " + points);
        assertThat(page.locator("#embedding-active")).hasText("active: retriever-ui");
        assertTrue(index.embeddingModelName().startsWith("retriever-ui@"), index.embeddingModelName());
        assertThat(page.locator("#embedding-models li")).hasCount(2);
        screenshot(page, "admin-retriever");
    }

    @Test
    void theAdminPageTrainsAClassifierAndARerankerWithTheirLossCurves() throws Exception {
        page.navigate("http://localhost:" + app.port() + "/admin.html");
        page.locator("#token").fill(ADMIN_TOKEN);
        page.locator("#login button").click();
        assertThat(page.locator("#status")).hasText("signed in");
        Path data = dir.resolve("upload/topics.jsonl");
        Files.createDirectories(data.getParent());
        StringBuilder texts = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            texts.append("{\"text\":\"The lamp number ").append(i).append(" glows warm and bright\",\"label\":\"lamps\"}\n");
            texts.append("{\"text\":\"The fair on day ").append(i).append(" opens at nine\",\"label\":\"events\"}\n");
        }
        Files.writeString(data, texts);
        page.locator("#data-file").setInputFiles(data);
        page.locator("#data-button").click();
        assertThat(page.locator("#data-note")).hasText("topics.jsonl: 16 examples");
        page.locator("#classifier-data").fill("topics.jsonl");
        page.locator("#classifier-name").fill("topics-ui");
        page.locator("#classifier-epochs").fill("2");
        page.locator("#classifier-button").click();
        assertThat(page.locator("#classifier-note")).containsText("trained topics-ui on 16 examples: accuracy",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(120_000));
        String points = page.locator("#classifier-curve polyline").getAttribute("points");
        assertEquals(2, points.trim().split(" ").length, "one point per step: " + points);
        assertThat(page.locator("#classifiers li")).containsText("topics-ui: events, lamps");
        screenshot(page, "admin-classifier");

        Path pairs = dir.resolve("upload/reranker-pairs.jsonl");
        Files.writeString(pairs, PAIRS);
        page.locator("#data-file").setInputFiles(pairs);
        page.locator("#data-button").click();
        assertThat(page.locator("#data-note")).hasText("reranker-pairs.jsonl: 4 examples");
        String embeddingModel = index.embeddingModelName();
        page.locator("#embedding-kind").selectOption("reranker");
        assertTrue(page.locator("#embedding-activate").isDisabled());
        page.locator("#embedding-data").fill("reranker-pairs.jsonl");
        page.locator("#embedding-name").fill("reranker-ui");
        page.locator("#embedding-epochs").fill("1");
        page.locator("#embedding-button").click();
        assertThat(page.locator("#embedding-note")).containsText("set retrieval.reranker: rerankers/reranker-ui",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(180_000));
        assertThat(page.locator("#reranker-models li")).hasText("reranker reranker-ui");
        assertTrue(Files.isRegularFile(dir.resolve("rerankers/reranker-ui/model.safetensors")));
        assertEquals(embeddingModel, index.embeddingModelName(), "a reranker leaves what the index embeds with alone");
    }

    @Test
    void theAdminPageRunsAnEvaluationAndChartsItNextToEarlierReports() throws Exception {
        page.navigate("http://localhost:" + app.port() + "/admin.html");
        page.locator("#token").fill(ADMIN_TOKEN);
        page.locator("#login button").click();
        assertThat(page.locator("#status")).hasText("signed in");
        Path qa = dir.resolve("upload/questions.jsonl");
        Files.createDirectories(qa.getParent());
        // the scripted models answer "NAME read N passages": the first fact is found in rag and hybrid only
        Files.writeString(qa, "{\"question\":\"How much does a Wren lamp cost?\",\"answer\":\"It read 3 passages.\","
                + "\"doc_ids\":[\"wren-lamp\"],\"fact\":\"3 passages\"}\n"
                + "{\"question\":\"Who designed the Wren lamp?\",\"answer\":\"Greta Pennimore designed it.\","
                + "\"doc_ids\":[\"wren-lamp\"],\"fact\":\"Greta Pennimore\"}\n");
        page.locator("#data-file").setInputFiles(qa);
        page.locator("#data-button").click();
        assertThat(page.locator("#data-note")).hasText("questions.jsonl: 2 examples");
        for (int run = 0; run < 2; run++) {
            page.locator("#eval-data").fill("questions.jsonl");
            page.locator("#eval-button").click();
            assertThat(page.locator("#eval-reports li")).hasCount(run + 1,
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions().setTimeout(60_000));
        }
        assertThat(page.locator("#eval-chart rect")).hasCount(6);
        assertThat(page.locator("#eval-chart")).containsText("50%");
        assertThat(page.locator("#eval-chart")).containsText("cross-doc 0");
        assertTrue(page.locator("#eval-reports li").first().textContent().contains("rag 50%, tuned 0%, hybrid 50%"),
                page.locator("#eval-reports li").first().textContent());
        assertThat(page.locator("#eval-answers details")).hasCount(6);
        var wrong = page.locator("#eval-answers details.wrong").first();
        wrong.locator("summary").click();
        assertThat(wrong).containsText("expected fact:");
        var right = page.locator("#eval-answers details.right").first();
        right.locator("summary").click();
        assertThat(right.locator("blockquote").first()).containsText("wren-lamp: ");
        screenshot(page, "admin-eval");
        // an earlier report opens in the same chart
        page.locator("#eval-reports li").nth(1).locator("button").click();
        assertThat(page.locator("#eval-note")).containsText("questions.jsonl: 2 questions");
    }

    @Test
    void theAdminPageUploadsAndReindexesWithProgress() throws Exception {
        page.navigate("http://localhost:" + app.port() + "/admin.html");
        page.locator("#token").fill("wrong");
        page.locator("#login button").click();
        assertThat(page.locator("#status")).hasText("wrong admin token");
        page.locator("#token").fill(ADMIN_TOKEN);
        page.locator("#login button").click();
        assertThat(page.locator("#status")).hasText("signed in");
        assertThat(page.locator("#documents tr")).hasCount(19);

        Path file = dir.resolve("upload/glass-colours.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# Glass Colours\n\nCobalt makes glass blue and <b>gold</b> makes it ruby red.\n");
        page.locator("#file").setInputFiles(file);
        page.locator("#upload-button").click();
        assertThat(page.locator("#upload-note")).hasText("glass-colours.md: added, 1 chunks");
        assertThat(page.locator("#documents tr")).hasCount(20);
        assertThat(page.locator("#documents tr td:first-child", new Page.LocatorOptions().setHasText("glass-colours"))).hasCount(1);
        assertEquals(0, page.locator("#documents b").count(), "document text is not rendered as HTML");

        page.locator("#reindex").click();
        assertThat(page.locator("#reindex-note")).containsText("reindex done: ");
        assertThat(page.locator("#reindex-progress")).isVisible();
        assertThat(page.locator("#documents tr")).hasCount(20);
        screenshot(page, "admin");

        page.locator("#documents tr", new Page.LocatorOptions().setHasText("glass-colours")).locator("button.delete").click();
        assertThat(page.locator("#upload-note")).hasText("deleted glass-colours");
        assertThat(page.locator("#documents tr")).hasCount(19);
        assertEquals(false, Files.exists(dir.resolve("docs/glass-colours.md")));
    }

    @Test
    void modesWithoutAnAdapterAreDisabled() {
        page.navigate("http://localhost:" + ragOnlyApp.port() + "/");
        assertThat(page.locator("input[value=tuned]")).isDisabled();
        assertThat(page.locator("input[value=hybrid]")).isDisabled();
        assertThat(page.locator("input[value=rag]")).isChecked();
        assertThat(page.locator("#compare")).isHidden();
    }
}
