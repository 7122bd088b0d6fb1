package ai.hybridchat.core.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerTypeTest {
    @Test
    void questionsAskForTheirKindOfAnswer() {
        assertEquals(AnswerType.PERSON, AnswerType.askedBy("Who paid for the new keystone?"));
        assertEquals(AnswerType.PERSON, AnswerType.askedBy("Which group funded the 1996 restoration?"));
        assertEquals(AnswerType.PLACE, AnswerType.askedBy("Where are vans with a tail lift inspected?"));
        assertEquals(AnswerType.DURATION, AnswerType.askedBy("How soon is the birth grant paid?"));
        assertEquals(AnswerType.DURATION, AnswerType.askedBy("Within what time must time off in lieu be taken?"));
        assertEquals(AnswerType.DATE, AnswerType.askedBy("When is the equipment grant paid?"));
        assertEquals(AnswerType.DATE, AnswerType.askedBy("In what year did the bridge open?"));
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("How long is Kingsmead Bridge?"));
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("What is the monthly limit of the fuel card?"));
        assertNull(AnswerType.askedBy("Describe the bridge."));
    }

    @Test
    void sentencesHoldAnAnswerOfAType() {
        assertTrue(AnswerType.PERSON.foundIn("The Ashcombe Heritage Society paid for that repair."));
        assertTrue(AnswerType.PERSON.foundIn("It was designed by Josiah Pellow, the borough surveyor."));
        assertFalse(AnswerType.PERSON.foundIn("Its cracked keystone was replaced in 1964."));
        assertTrue(AnswerType.PLACE.foundIn("The inspection is carried out at the Hollin Road depot."));
        assertTrue(AnswerType.DURATION.foundIn("It is paid within 21 days of the birth certificate being received."));
        assertFalse(AnswerType.DURATION.foundIn("A one-time birth grant of 450 euros is paid to each new parent."));
        assertTrue(AnswerType.DATE.foundIn("It is paid with the salary of the first full month."));
        assertTrue(AnswerType.DATE.foundIn("It opened in 1868."));
        assertTrue(AnswerType.QUANTITY.foundIn("Its limit is 260 euros per month."));
        assertFalse(AnswerType.QUANTITY.foundIn("Every Board vehicle carries its own fuel card."));
    }

    @Test
    void theFirstWhWordAsksNotALaterClause() {
        assertNull(AnswerType.askedBy("What happens to the travel meal allowance when the host provides lunch?"),
                "'when' opens a clause");
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("How much of an expensive course must be repaid by someone who leaves soon after it?"));
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("What did Gasworks Bridge cost when it was new?"));
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("Is there a cheaper rate for the choir if I'm retired, and how much?"));
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("Up to what amount does the Board pay?"));
        assertEquals(AnswerType.PLACE, AnswerType.askedBy("In which town was it built?"));
        assertNull(AnswerType.askedBy("Do I have to pay for ingredients?"));
    }

    @Test
    void anAgentIsNotAPlaceAndAClockTimeOrACodeIsNotAQuantity() {
        assertFalse(AnswerType.PLACE.foundIn("Rehearsals are led by Bronwen Tallis."), "'by' before a name is its agent");
        assertTrue(AnswerType.PLACE.foundIn("They take place in the Lantern Room."));
        assertFalse(AnswerType.QUANTITY.foundIn("Classes take place in Workshop W3 on Mondays at 6pm."));
        assertFalse(AnswerType.QUANTITY.foundIn("Doors open at 7.40pm or at 18:30."));
        assertTrue(AnswerType.QUANTITY.foundIn("It takes no more than 8 students."));
        assertTrue(AnswerType.QUANTITY.foundIn("It is 12.50 pounds, or 2,500 euros a year."));
        assertTrue(AnswerType.QUANTITY.foundIn("There are twelve sessions."));
    }

    @Test
    void theWhPhraseIsNotTheTopic() {
        assertEquals("is Kingsmead Bridge?", AnswerType.withoutWhPhrase("How long is Kingsmead Bridge?"));
        assertEquals("did the bridge open?", AnswerType.withoutWhPhrase("In what year did the bridge open?"));
        assertEquals("Describe it.", AnswerType.withoutWhPhrase("Describe it."));
        assertFalse(ReaderFeatures.contentWords(AnswerType.withoutWhPhrase("How long is it?")).contains("long"));
    }

    @Test
    void aSentenceKnowsTheOneBeforeItInItsParagraph() {
        List<SentenceUnit> units = SentenceUnits.of(List.of(new ai.hybridchat.core.Chunk("a#0", "a", "A", "", 0,
                "# A\n\nA full restoration followed in 1996. It was funded by the Stavely Canal Society.\nNew line.", "")));
        assertEquals(3, units.size());
        assertEquals("", units.get(0).previous());
        assertEquals("A full restoration followed in 1996.", units.get(1).previous());
        assertEquals("A full restoration followed in 1996. It was funded by the Stavely Canal Society.", units.get(1).withPrevious());
        assertEquals("", units.get(2).previous(), "a new line is a new paragraph");
    }

    @Test
    void aFaqQuestionIsContextForItsAnswerAndATableRowReadsAsItsCells() {
        List<SentenceUnit> units = SentenceUnits.of(List.of(new ai.hybridchat.core.Chunk("c#0", "c", "Bookkeeping", "", 0,
                "**Is there an exam?** Yes, the exam costs 45 pounds extra.\n| Departure | Arrival |\n|---|---|\n| 07:10 | 07:55 |", "")));
        assertEquals(List.of("Yes, the exam costs 45 pounds extra.", "Departure, Arrival", "07:10, 07:55"),
                units.stream().map(SentenceUnit::sentence).toList());
        assertEquals("Is there an exam?", units.get(0).previous());
    }

    @Test
    void timesOfDayAnswerWhatTime() {
        assertEquals(AnswerType.TIME_OF_DAY, AnswerType.askedBy("What time does the pottery class start?"));
        assertTrue(AnswerType.TIME_OF_DAY.foundIn("Sessions start at 7.10pm in Room 4."));
        assertTrue(AnswerType.TIME_OF_DAY.foundIn("The first sailing leaves at 06:45."));
        assertTrue(AnswerType.DATE.foundIn("The first sailing leaves at 06:45."), "a time of day also answers 'when'");
        assertEquals(AnswerType.DATE, AnswerType.askedBy("When does the choir start?"));
        assertTrue(AnswerType.TIME_OF_DAY.foundIn("They take place on Thursdays at 7.40pm in the Lantern Room."));
        assertTrue(AnswerType.TIME_OF_DAY.foundIn("Doors open at 18:30."));
        assertFalse(AnswerType.TIME_OF_DAY.foundIn("The term starts on 25 September."), "a date does not say when in the day");
        assertFalse(AnswerType.TIME_OF_DAY.foundIn("It costs 12.50 pounds."), "a price with a decimal point is not a clock time");
        assertTrue(AnswerType.PERSON.foundIn("Tutor: Hamish Trevarrow"), "a name after a label's colon");
    }

    @Test
    void anAnswerIsNotWhatTheQuestionAlreadySaysNorALinesNumber() {
        String q = "Who paid to resurface Swan Meadow Bridge in 2017?";
        assertTrue(AnswerType.PERSON.foundIn("The deck of Swan Meadow Bridge was resurfaced in 2017."), "a name, without the question");
        assertFalse(AnswerType.PERSON.foundIn("The deck of Swan Meadow Bridge was resurfaced in 2017.", q));
        assertTrue(AnswerType.PERSON.foundIn("The Ashcombe Rotary Club paid for the work.", q));
        assertFalse(AnswerType.DATE.foundIn("It was resurfaced in 2017.", "What was done to the bridge in 2017?"));
        assertFalse(AnswerType.QUANTITY.foundIn("Rule 4.4: Every Board vehicle carries its own fuel card.", "What is the fuel card's limit?"));
        assertTrue(AnswerType.QUANTITY.foundIn("Rule 4.4: Its limit is 260 euros per month.", "What is the fuel card's limit?"));
        assertEquals(AnswerType.QUANTITY, AnswerType.askedBy("What do pensioners pay for Watercolour for Everyone?"));
    }
}
