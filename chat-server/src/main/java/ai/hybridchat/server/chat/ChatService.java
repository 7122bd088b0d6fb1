package ai.hybridchat.server.chat;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Citation;
import ai.hybridchat.core.Mode;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import ai.hybridchat.core.prompt.RagPrompt;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Answers a question in one of the three {@link Mode}s.
 *
 * <ul>
 *   <li>{@code rag}: the top {@code k} passages from the {@link Retriever}, laid out by
 *       {@link RagPrompt}, read by the base model;</li>
 *   <li>{@code tuned}: the question alone ({@link RagPrompt} without passages), answered by the
 *       base model with the domain adapter;</li>
 *   <li>{@code hybrid}: the passages, read by the adapted model.</li>
 * </ul>
 *
 * The citations are the retrieved passages, so the user can check what the answer was based on.
 * The two models are LangChain4j {@link ChatModel}s, so an in-process model and a remote
 * OpenAI-compatible server are interchangeable; a model that also implements
 * {@link StreamingChatModel} streams its tokens, any other answers in one piece.
 */
public final class ChatService {
    public static final int DEFAULT_PASSAGES = 3;

    private final Retriever retriever;
    private final ChatModel baseModel;
    private volatile ChatModel tunedModel;
    private final String modelName;
    private volatile String adapterName;
    private volatile TunedScope tunedScope;
    private final java.util.function.Supplier<java.util.Set<String>> subjects;
    private final int passages;
    private final ConversationMemories memories = new ConversationMemories(1000, 4);

    private ChatService(Builder b) {
        this.retriever = Objects.requireNonNull(b.retriever, "retriever");
        this.baseModel = Objects.requireNonNull(b.baseModel, "baseModel");
        this.tunedModel = b.tunedModel;
        this.modelName = Objects.requireNonNull(b.modelName, "modelName");
        this.adapterName = b.tunedModel == null ? null : Objects.requireNonNull(b.adapterName, "adapterName");
        this.tunedScope = b.tunedScope;
        this.subjects = b.subjects;
        if (b.passages < 1) {
            throw new IllegalArgumentException("passages must be at least 1, got " + b.passages);
        }
        this.passages = b.passages;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String modelName() {
        return modelName;
    }

    /** The adapter's name, or null when no adapter is loaded (then only {@code rag} is available). */
    public String adapterName() {
        return adapterName;
    }

    /**
     * Switches the tuned and hybrid modes to another adapter without a restart. Requests already
     * generating finish on the model they started with; later ones use the new one.
     */
    public synchronized void activateAdapter(ChatModel model, String name) {
        activateAdapter(model, name, null);
    }

    /** As above, with the questions the adapter was tuned on ({@code scope}; null: it answers everything). */
    public synchronized void activateAdapter(ChatModel model, String name, TunedScope scope) {
        this.tunedModel = Objects.requireNonNull(model, "model");
        this.adapterName = Objects.requireNonNull(name, "name");
        this.tunedScope = scope;
    }

    public int passages() {
        return passages;
    }

    public boolean isAvailable(Mode mode) {
        return !mode.usesAdapter() || tunedModel != null;
    }

    public List<Mode> availableModes() {
        return List.of(Mode.values()).stream().filter(this::isAvailable).toList();
    }

    /**
     * Answers in one piece.
     *
     * @throws ModeUnavailableException when the mode needs the adapter and none is loaded
     * @throws IllegalArgumentException for a blank question, or one the model cannot take
     */
    public Answer answer(String question, Mode mode) {
        return stream(question, mode, piece -> { });
    }

    /** As {@link #answer(String, Mode)}, continuing conversation {@code conversationId} (null: none). */
    public Answer answer(String question, Mode mode, String conversationId) {
        return stream(question, mode, conversationId, piece -> { });
    }

    /**
     * Answers, handing each piece of text to {@code onText} as the model produces it. If
     * {@code onText} throws (the client went away), generation stops and the exception propagates.
     */
    public Answer stream(String question, Mode mode, Consumer<String> onText) {
        return stream(question, mode, null, onText);
    }

    /**
     * Answers within a conversation: the model reads the last turns of conversation
     * {@code conversationId} (LangChain4j's {@link MessageWindowChatMemory}, the plain questions and
     * answers, not the passages read then) before this question with its passages; the turn is
     * then remembered. Retrieval uses this question alone.
     */
    public Answer stream(String question, Mode mode, String conversationId, Consumer<String> onText) {
        long start = System.nanoTime();
        requireAnswerable(question, mode);
        Retrieval retrieval = mode.usesRetrieval() ? retrieve(question) : Retrieval.NONE;
        ChatMemory memory = conversationId == null ? null : memories.get(conversationId + "/" + mode.wireName());
        Answer answer = generate(question, mode, retrieval, onText, start, memory == null ? List.of() : memory.messages());
        if (memory != null) {
            memory.add(UserMessage.from(question));
            memory.add(dev.langchain4j.data.message.AiMessage.from(answer.answer().isEmpty() ? "(no answer)" : answer.answer()));
        }
        return answer;
    }

    /**
     * Answers in every mode at once, side by side: one retrieval for the modes that read passages,
     * then the three generations in parallel (each on its own thread, as three requests would be).
     */
    public Map<Mode, Answer> compare(String question) {
        for (Mode mode : Mode.values()) {
            requireAnswerable(question, mode);
        }
        Retrieval retrieval = retrieve(question);
        Map<Mode, CompletableFuture<Answer>> running = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            Retrieval used = mode.usesRetrieval() ? retrieval : Retrieval.NONE;
            // each answer's total counts the shared retrieval it read, as if it had run alone
            long start = System.nanoTime() - used.nanos();
            running.put(mode, CompletableFuture.supplyAsync(() -> generate(question, mode, used, piece -> { }, start, List.of()),
                    COMPARE_POOL));
        }
        Map<Mode, Answer> answers = new EnumMap<>(Mode.class);
        for (Map.Entry<Mode, CompletableFuture<Answer>> e : running.entrySet()) {
            try {
                answers.put(e.getKey(), e.getValue().join());
            } catch (CompletionException ex) {
                if (ex.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw ex;
            }
        }
        return answers;
    }

    /** Daemon threads for the parallel answers of {@link #compare}. */
    private static final java.util.concurrent.ExecutorService COMPARE_POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "compare");
        t.setDaemon(true);
        return t;
    });

    /**
     * The ids under which the bare models are offered to OpenAI clients: the base model's name,
     * and {@code name+adapter} when the adapter is loaded. They read messages as they are, with no
     * retrieval and no prompt layout: what a model server such as vLLM offers.
     */
    public List<String> modelIds() {
        return tunedModel == null ? List.of(modelName) : List.of(modelName, modelName + "+" + adapterName);
    }

    /**
     * Lets a bare model (an id of {@link #modelIds()}) continue the conversation {@code messages}.
     *
     * @throws IllegalArgumentException for an unknown id or messages the model cannot take
     */
    public String complete(String modelId, List<ChatMessage> messages, Consumer<String> onText) {
        int i = modelIds().indexOf(modelId);
        if (i < 0) {
            throw new IllegalArgumentException("no model '" + modelId + "'; models: " + modelIds());
        }
        return call(i == 0 ? baseModel : tunedModel, ChatRequest.builder().messages(messages).build(), onText).strip();
    }

    /** @throws ModeUnavailableException when the mode needs the adapter and none is loaded */
    public void requireAvailable(Mode mode) {
        if (!isAvailable(mode)) {
            throw new ModeUnavailableException("mode '" + mode.wireName() + "' needs the domain adapter, and "
                    + modelName + " is served without one; available: rag");
        }
    }

    private void requireAnswerable(String question, Mode mode) {
        Objects.requireNonNull(mode, "mode");
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("the question is empty");
        }
        requireAvailable(mode);
    }

    private record Retrieval(List<RetrievedPassage> passages, long nanos) {
        static final Retrieval NONE = new Retrieval(List.of(), 0);
    }

    private Retrieval retrieve(String question) {
        long t0 = System.nanoTime();
        List<RetrievedPassage> found = retriever.retrieve(question, passages);
        return new Retrieval(found, System.nanoTime() - t0);
    }

    private Answer generate(String question, Mode mode, Retrieval retrieval, Consumer<String> onText, long start,
                            List<ChatMessage> history) {
        TunedScope scope = tunedScope;
        if (mode == Mode.TUNED && scope != null) {
            return boundedTuned(question, scope, history, onText, start);
        }
        List<String> texts = retrieval.passages().stream().map(p -> p.chunk().text()).toList();
        List<ChatMessage> messages = new ArrayList<>(history);
        messages.add(UserMessage.from(RagPrompt.userMessage(question, texts)));
        ChatRequest request = ChatRequest.builder().messages(messages).build();
        ChatModel model = mode.usesAdapter() ? tunedModel : baseModel;
        long t0 = System.nanoTime();
        String text = null;
        if (mode == Mode.HYBRID && scope != null && model instanceof ai.hybridchat.core.langchain.GroundedChatModel
                && !retrieval.passages().isEmpty() && scope.wasTunedOn(question)) {
            // a question the adapter was tuned on: its own answer, if a retrieved passage states it
            String own = call(model, request, piece -> { }).strip();
            if (PassageSupport.supporting(own, retrieval.passages()) != null) {
                text = own;
                onText.accept(own);
            }
        }
        if (text == null) {
            if (model instanceof ai.hybridchat.core.langchain.GroundedChatModel grounded && !retrieval.passages().isEmpty()) {
                model = grounded.groundedIn(question, retrieval.passages());
            }
            text = call(model, request, onText);
        }
        long end = System.nanoTime();
        List<Citation> citations = new ArrayList<>();
        for (RetrievedPassage p : CitationOrder.supportFirst(text, retrieval.passages())) {
            citations.add(p.toCitation());
        }
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("retrievalMs", millis(retrieval.nanos()));
        timings.put("generationMs", millis(end - t0));
        timings.put("totalMs", millis(end - start));
        return new Answer(text.strip(), mode, citations, modelName, mode.usesAdapter() ? adapterName : null, timings);
    }

    /**
     * The tuned mode of an adapter that keeps its training questions: a question far from all of
     * them, or an answer that is not about the subject the question names, gets
     * {@link TunedScope#ABSTENTION}, not another question's memorised fact. The answer is checked
     * whole before it is sent, so it reaches a streaming client in one piece.
     */
    private Answer boundedTuned(String question, TunedScope scope, List<ChatMessage> history, Consumer<String> onText,
                                long start) {
        long t0 = System.nanoTime();
        String text = TunedScope.ABSTENTION;
        if (scope.covers(question)) {
            List<ChatMessage> messages = new ArrayList<>(history);
            messages.add(UserMessage.from(RagPrompt.userMessage(question, List.of())));
            String generated = call(tunedModel, ChatRequest.builder().messages(messages).build(), piece -> { }).strip();
            if (TunedScope.addressesSubject(question, generated, subjects.get())) {
                text = generated;
            }
        }
        onText.accept(text);
        long end = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("retrievalMs", 0L);
        timings.put("generationMs", millis(end - t0));
        timings.put("totalMs", millis(end - start));
        return new Answer(text, Mode.TUNED, List.of(), modelName, adapterName, timings);
    }

    private static String call(ChatModel model, ChatRequest request, Consumer<String> onText) {
        if (!(model instanceof StreamingChatModel streaming)) {
            String text = model.chat(request).aiMessage().text();
            text = text == null ? "" : text;
            onText.accept(text);
            return text;
        }
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String piece) {
                onText.accept(piece);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            String text = done.join().aiMessage().text();
            return text == null ? "" : text;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("generation failed: " + cause.getMessage(), cause);
        }
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }

    /** Settings of a {@link ChatService}; {@code tunedModel} may be left out (then only rag answers). */
    public static final class Builder {
        private Retriever retriever;
        private ChatModel baseModel;
        private ChatModel tunedModel;
        private String modelName;
        private String adapterName;
        private TunedScope tunedScope;
        private java.util.function.Supplier<java.util.Set<String>> subjects = java.util.Set::of;
        private int passages = DEFAULT_PASSAGES;

        private Builder() {
        }

        public Builder retriever(Retriever retriever) {
            this.retriever = retriever;
            return this;
        }

        /** The base model, for {@code rag}. */
        public Builder baseModel(ChatModel model, String name) {
            this.baseModel = model;
            this.modelName = name;
            return this;
        }

        /** The base model with the domain adapter, for {@code tuned} and {@code hybrid}. */
        public Builder tunedModel(ChatModel model, String adapterName) {
            return tunedModel(model, adapterName, null);
        }

        /**
         * As above; the {@code tuned} mode abstains on questions outside {@code scope} (null: none,
         * it answers everything).
         */
        public Builder tunedModel(ChatModel model, String adapterName, TunedScope scope) {
            this.tunedModel = model;
            this.adapterName = adapterName;
            this.tunedScope = scope;
            return this;
        }

        /**
         * The content words of the documents' titles (default: none), by which a bounded tuned
         * mode checks that an answer is about what the question names.
         */
        public Builder subjects(java.util.function.Supplier<java.util.Set<String>> subjects) {
            this.subjects = java.util.Objects.requireNonNull(subjects, "subjects");
            return this;
        }

        /** How many passages the retrieving modes read (default {@value #DEFAULT_PASSAGES}). */
        public Builder passages(int k) {
            this.passages = k;
            return this;
        }

        public ChatService build() {
            return new ChatService(this);
        }
    }
}
