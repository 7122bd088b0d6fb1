package ai.hybridchat.retrieval;

/** How a snippet marks the query terms it contains. */
public enum SnippetStyle {
    /** HTML-escaped text with matches in {@code <b>...</b>}: safe to insert into a page as HTML. */
    HTML("<b>", "</b>", true),
    /** The text as is, matches unmarked: for terminals, prompts and JSON consumers. */
    PLAIN("", "", false);

    final String pre;
    final String post;
    final boolean escapeHtml;

    SnippetStyle(String pre, String post, boolean escapeHtml) {
        this.pre = pre;
        this.post = post;
        this.escapeHtml = escapeHtml;
    }
}
