package ai.hybridchat.core.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RagPromptTest {
    @Test
    void aMessageReadsBackIntoItsQuestionAndPassages() {
        String message = RagPrompt.userMessage(" Who is\nthe chair? ", List.of("The chair is Tobias.\nHe joined in 1998.", "[2] looks like a number"));
        RagPrompt.Parsed parsed = RagPrompt.parse(message);
        assertEquals("Who is the chair?", parsed.question());
        assertEquals(List.of("The chair is Tobias. He joined in 1998.", "[2] looks like a number"), parsed.passages());
    }

    @Test
    void aMessageWithoutPassagesOrInAnotherLayoutIsAllQuestion() {
        assertEquals(new RagPrompt.Parsed("Who is the chair?", List.of()), RagPrompt.parse(RagPrompt.userMessage("Who is the chair?", List.of())));
        assertEquals(new RagPrompt.Parsed("hello there", List.of()), RagPrompt.parse("hello there"));
        String odd = "Context:\nnot numbered\ntext\n\nQuestion: q";
        assertEquals(new RagPrompt.Parsed(odd, List.of()), RagPrompt.parse(odd));
    }
}
