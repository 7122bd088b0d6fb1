package ai.hybridchat.server.chat;

import ai.hybridchat.core.RetrievedPassage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether one retrieved passage states what an answer claims: every number and every name (a
 * capitalised word past the answer's first) of the answer is in the same passage. The hybrid mode
 * keeps the adapter's own answer when a passage supports it (the adapter's wording, the documents'
 * facts), and reads the passages instead when none does (a fact that changed since tuning, or one
 * the adapter never learned). Hand-written: a claim is a handful of surface tokens here, and no
 * library in the project extracts them.
 */
public final class PassageSupport {
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    private static final Pattern NAME = Pattern.compile("(?<=\\s)\\p{Lu}[\\p{L}'-]+");

    private PassageSupport() {
    }

    /** The numbers and names an answer claims; empty when it claims none. */
    static Set<String> claims(String answer) {
        Set<String> out = new LinkedHashSet<>();
        Matcher n = NUMBER.matcher(answer);
        while (n.find()) {
            out.add(n.group());
        }
        Matcher w = NAME.matcher(answer);
        while (w.find()) {
            out.add(w.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The passage that supports every claim of {@code answer}, or null when none does or it claims nothing. */
    public static RetrievedPassage supporting(String answer, List<RetrievedPassage> passages) {
        Set<String> claims = claims(answer);
        if (claims.isEmpty()) {
            return null;
        }
        for (RetrievedPassage p : passages) {
            String text = p.chunk().text();
            Set<String> numbers = new LinkedHashSet<>();
            NUMBER.matcher(text).results().forEach(r -> numbers.add(r.group()));
            String lower = " " + text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}'-]+", " ") + " ";
            boolean all = true;
            for (String c : claims) {
                boolean number = Character.isDigit(c.charAt(0));
                if (number ? !numbers.contains(c) : !lower.contains(" " + c + " ")) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return p;
            }
        }
        return null;
    }
}
