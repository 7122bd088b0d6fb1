package ai.hybridchat.tuning.pretrain;

import ai.hybridchat.core.prompt.RagPrompt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generic reading-comprehension exercises made from the pre-training corpus itself, so a small
 * base model learns the skill retrieval-augmented answering needs (find the passage that
 * matches the question, restate its sentence) without ever seeing a deployment's documents.
 *
 * <p>Each exercise shows a few numbered passages, asks about one sentence of one of them, and
 * expects that sentence as the answer. Questions come from a handful of templates: a "what is X"
 * form when the sentence defines its subject, otherwise a question naming its opening words. No
 * language model is involved; the questions are simple by design.
 */
public final class ReadingExercises {
    /** A question with its context passages and the expected answer. */
    public record Exercise(String question, List<String> passages, String answer) {
        public String userMessage() {
            return RagPrompt.userMessage(question, passages);
        }
    }

    private static final Pattern SENTENCE = Pattern.compile("[^.!?]*[A-Za-z][^.!?]*[.!?](?=\\s|$)");
    private static final Pattern DEFINITION = Pattern.compile(
            "^(?:The |A |An )([A-Za-z][\\w-]*(?: [\\w-]+){0,4}) (is|are|was|were) (.{8,})$");
    private static final Set<String> STOPWORDS = Set.of("the", "a", "an", "of", "to", "in", "and", "or", "is", "are",
            "was", "were", "be", "it", "this", "that", "for", "on", "with", "as", "by", "at", "from", "you", "your",
            "can", "if", "not", "which", "these", "those", "its", "their", "has", "have", "will", "may", "also", "but");

    private final List<String> paragraphs;
    private final Random random;

    public ReadingExercises(List<String> texts, long seed) {
        this.random = new Random(seed);
        this.paragraphs = new ArrayList<>();
        for (String text : texts) {
            for (String p : text.split("\n")) {
                String s = p.strip();
                // prose paragraphs of a size the demo's passages have; skip code, tables and headings
                if (!s.matches("^[A-Z].*[.!?]$") || letterShare(s) < 0.8) {
                    continue;
                }
                // passages of one or two whole sentences, the size of the demo's chunks
                List<String> sentences = sentences(s);
                for (int i = 0; i < sentences.size(); i += 2) {
                    String passage = i + 1 < sentences.size() ? sentences.get(i) + " " + sentences.get(i + 1) : sentences.get(i);
                    if (passage.length() > 300 && i + 1 < sentences.size()) {
                        passage = sentences.get(i);
                        i--;
                    }
                    if (passage.length() >= 40 && passage.length() <= 300) {
                        paragraphs.add(passage);
                    }
                }
            }
        }
        if (paragraphs.size() < 10) {
            throw new IllegalArgumentException("the corpus has too few prose paragraphs for reading exercises");
        }
    }

    public int paragraphCount() {
        return paragraphs.size();
    }

    public Exercise next(int passages) {
        while (true) {
            String target = paragraphs.get(random.nextInt(paragraphs.size()));
            List<String> sentences = sentences(target);
            if (sentences.isEmpty()) {
                continue;
            }
            String sentence = sentences.get(random.nextInt(sentences.size())).strip();
            String question = question(sentence);
            if (question == null) {
                continue;
            }
            List<String> context = new ArrayList<>();
            context.add(target);
            while (context.size() < passages) {
                String other = paragraphs.get(random.nextInt(paragraphs.size()));
                if (!context.contains(other)) {
                    context.add(other);
                }
            }
            Collections.shuffle(context, random);
            if (random.nextBoolean()) {
                // retrieval ranks the passage holding the answer first most of the time
                context.remove(target);
                context.add(0, target);
            }
            return new Exercise(question, context, sentence);
        }
    }

    static List<String> sentences(String paragraph) {
        List<String> out = new ArrayList<>();
        Matcher m = SENTENCE.matcher(paragraph);
        while (m.find()) {
            String s = m.group().strip();
            if (s.length() >= 25 && Character.isUpperCase(s.charAt(0))) {
                out.add(s);
            }
        }
        return out;
    }

    private static final String[] TEMPLATES = {"What about %s?", "Tell me about %s.", "What does it say about %s?",
        "What is known about %s?"};

    /**
     * A question that names the start of the sentence: "What is the X?" when the sentence defines
     * its subject ("The X is ..."), otherwise its first two to four words behind a template. The
     * answer then begins with words of the question, as a restating answer to a real question
     * does ("Who is the chair of the board?" - "The chair of the board is ..."): the reader finds
     * those words in a passage and copies on from there, the induction-head skill (Olsson et al.,
     * 2022) that copy exercises in pre-training grow.
     */
    String question(String sentence) {
        String body = sentence.substring(0, sentence.length() - 1);
        Matcher d = DEFINITION.matcher(body);
        if (d.matches() && sentence.matches("^(The|A|An) .*") && !STOPWORDS.contains(d.group(1).toLowerCase(Locale.ROOT))) {
            String article = sentence.substring(0, sentence.indexOf(' ')).toLowerCase(Locale.ROOT);
            return "What " + d.group(2) + " " + article + " " + d.group(1) + "?";
        }
        String[] words = body.split(" ");
        if (words.length < 6) {
            return null;
        }
        int k = 2 + random.nextInt(3);
        String phrase = String.join(" ", Arrays.copyOfRange(words, 0, k)).replaceAll("[,;:()\"]", "");
        return String.format(TEMPLATES[random.nextInt(TEMPLATES.length)], phrase);
    }

    private static double letterShare(String s) {
        int letters = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c) || c == ' ') {
                letters++;
            }
        }
        return (double) letters / s.length();
    }
}
