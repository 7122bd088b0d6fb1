package ai.hybridchat.core.langchain;

import ai.hybridchat.core.RetrievedPassage;
import dev.langchain4j.model.chat.ChatModel;
import java.util.List;

/**
 * A chat model that can be told, beside the prompt, which passages a question is asked about:
 * the typed channel for grounding. The prompt still shows the passages (the model reads them);
 * the model may also use them while decoding (a local model's copy pointer). A request that does
 * not come through here (an OpenAI client talking to the bare model) is never grounded, whatever
 * its text looks like.
 */
public interface GroundedChatModel {
    /** This model, for one request about {@code passages} (best-ranked first). */
    ChatModel groundedIn(String question, List<RetrievedPassage> passages);
}
