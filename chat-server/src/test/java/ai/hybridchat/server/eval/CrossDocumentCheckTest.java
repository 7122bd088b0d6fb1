package ai.hybridchat.server.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrossDocumentCheckTest {
    final CrossDocumentCheck check = new CrossDocumentCheck(Map.of(
            "bicycles", "Bicycles on board. Bicycles cost 2.30 crowns each way at weekends.",
            "pets", "Pets on board. A pet ticket costs 1.90 crowns. Quillon Sound Ferries welcomes dogs.",
            "about", "Quillon Sound Ferries was founded in 1931."));

    @Test
    void aNameOrNumberOnlyInAnotherDocumentIsACrossDocumentError() {
        QaItem item = new QaItem("How much is a bicycle at weekends?", "Bicycles cost 2.30 crowns at weekends.",
                List.of("bicycles"), "2.30 crowns");
        assertEquals(List.of(), check.foreignTerms("Bicycles cost 2.30 crowns each way.", item));
        assertEquals(List.of("1", "90"), check.foreignTerms("A bicycle costs 1.90 crowns.", item));
        assertEquals(List.of(), check.foreignTerms("A bicycle costs 7.77 crowns.", item), "invented, not another document's");
    }

    @Test
    void termsOfTheQuestionOrTheReferenceAnswerAreTheItemsOwn() {
        QaItem item = new QaItem("How much is a bicycle at weekends?",
                "Under the Quillon Sound Ferries bicycle policy, bicycles cost 2.30 crowns at weekends.", List.of("bicycles"),
                "2.30 crowns");
        assertEquals(List.of(), check.foreignTerms(
                "Under the Quillon Sound Ferries bicycle policy, bicycles cost 2.30 crowns per bike.", item));
        assertEquals(List.of("1931"), check.foreignTerms("Quillon Sound Ferries has carried bicycles since 1931.", item));
    }
}
