package ai.hybridchat.tuning.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.model.TextTokenizer;
import ai.hybridchat.tuning.testing.TestCorpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelBpeTrainerTest {
    @TempDir Path dir;

    @Test
    void trainedTokenizerLoadsInHuggingFaceTokenizersAndRoundTripsAnyText() throws Exception {
        TestCorpus.writeTokenizer(dir, 400);
        try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
            for (String text : List.of("The package manager installs software.", "Quellhaven Abbey, 14 months — ünïcödé ✓ 日本",
                    "  spaces\tand\nnewlines  ")) {
                long[] ids = tokenizer.encode(text);
                assertEquals(text, tokenizer.decode(ids), "round trip of " + text);
            }
            // merges learned from the corpus make frequent words short
            assertTrue(tokenizer.encode(" package").length <= 2, "a frequent word should be one or two tokens");
            assertTrue(tokenizer.encode("zqxj").length >= 3, "an unseen string falls back to bytes");
        }
    }

    @Test
    void specialTokensAreSingleIdsAndTheChatTemplateRenders() throws Exception {
        TestCorpus.writeTokenizer(dir, 400);
        try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
            assertEquals(4, tokenizer.tokenId("<|end|>"));
            assertEquals(2, tokenizer.tokenId("<|user|>"));
            String prompt = ChatTemplate.from(tokenizer).render(List.of(new ChatTemplate.Message("user", "Hello?")), true);
            assertEquals("<|user|>\nHello?<|end|>\n<|assistant|>\n", prompt);
            long[] ids = tokenizer.encode(prompt);
            assertEquals(2, ids[0]);
            assertEquals(3, ids[ids.length - 2], "<|assistant|> is one token before the newline");
        }
    }
}
