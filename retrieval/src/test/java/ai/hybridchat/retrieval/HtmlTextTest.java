package ai.hybridchat.retrieval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlTextTest {
    @Test
    void titleFallsBackToFirstH1() {
        HtmlText.Extracted e = HtmlText.extract("<body><h1 class=\"t\">Setup <em>guide</em></h1><p>Install it.</p></body>");
        assertEquals("Setup guide", e.title().orElseThrow());
        assertEquals("Setup guide\n\nInstall it.", e.text());
    }

    @Test
    void entitiesAreDecodedAfterTagsAreGoneSoEscapedMarkupStaysText() {
        assertEquals("<script>alert(1)</script> & more", HtmlText.extract(
                "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>").text());
        assertEquals("\u00e9\u00e9 &unknown; x", HtmlText.decodeEntities("&#233;&eacute; &unknown; x"));
    }

    @Test
    void sourceWhitespaceCollapsesLikeABrowser() {
        assertEquals("one two\nthree", HtmlText.extract("<div>one\n   two<br/>three</div>").text());
    }
}
