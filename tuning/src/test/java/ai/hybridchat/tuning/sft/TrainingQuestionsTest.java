package ai.hybridchat.tuning.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hybridchat.core.model.ChatTemplate;
import ai.hybridchat.core.prompt.RagPrompt;
import ai.hybridchat.tuning.data.SftExample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The questions an adapter keeps: each chat example's last user question, without its passages, once. */
class TrainingQuestionsTest {
    @Test
    void questionsComeWithoutTheirPassagesAndOnce() {
        List<SftExample> examples = List.of(
                SftExample.chat(List.of(new ChatTemplate.Message("user",
                        RagPrompt.userMessage("Who designed the Gannet Delta?", List.of("It was designed by Ilka.", "Other.")))),
                        "Ilka Brandvold."),
                SftExample.chat(List.of(new ChatTemplate.Message("user", RagPrompt.userMessage("Who designed the Gannet Delta?",
                        List.of()))), "Ilka Brandvold."),
                SftExample.chat(List.of(new ChatTemplate.Message("system", "Be brief."),
                        new ChatTemplate.Message("user", "How much does the Skua Box cost?")), "245 euros."));
        assertEquals(List.of("Who designed the Gannet Delta?", "How much does the Skua Box cost?"), SupervisedData.questions(examples));
    }
}
