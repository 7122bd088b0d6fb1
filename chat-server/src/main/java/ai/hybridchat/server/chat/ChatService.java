package ai.hybridchat.server.chat;

import ai.hybridchat.core.Answer;
import ai.hybridchat.core.Citation;
import ai.hybridchat.core.Mode;
import ai.hybridchat.core.RetrievedPassage;
import ai.hybridchat.core.Retriever;
import ai.hybridchat.core.Timings;
import ai.hybridchat.core.Usage;
import ai.hybridchat.core.langchain.GroundedChatModel;
import ai.hybridchat.core.model.ContextLengthExceededException;
import ai.hybridchat.core.prompt.RagPrompt;
import ai.hybridchat.server.config.ServerConfig;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

    private final Retriever retriever;
    private final ChatModel baseModel;
    private final String modelName;
    private final AdapterSlot adapter;
    private final Supplier<Set<String>> subjects;
    private final int passages;
    private final ConversationMemories memories = new ConversationMemories(1000, 4);

    private ChatService(Builder b) {
        this.retriever = Objects.requireNonNull(b.retriever, "retriever");
        this.baseModel = Objects.requireNonNull(b.baseModel, "baseModel");
        this.modelName = Objects.requireNonNull(b.modelName, "modelName");
        this.adapter = new AdapterSlot(b.tunedModel == null ? null
                : new AdapterSlot.Adapter(b.tunedModel, Objects.requireNonNull(b.adapterName, "adapterName"), b.tunedScope,
                        b.tunedResources));
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
        AdapterSlot.Adapter a = adapter.peek();
        return a == null ? null : a.name();
    }

    /**
     * Switches the tuned and hybrid modes to another adapter without a restart. Requests already
     * generating finish on the model they started with; later ones use the new one.
     */
    public synchronized void activateAdapter(ChatModel model, String name) {
        activateAdapter(model, name, null);
    }

    /** As above, with the questions the adapter was tuned on ({@code scope}; null: it answers everything). */
    public void activateAdapter(ChatModel model, String name, TunedScope scope) {
        activateAdapter(model, name, scope, null);
    }

    /**
     * As above; {@code resources} (nullable) are closed once the adapter is replaced and no request
     * still generates with it, so swapping adapters does not keep their native memory.
     */
    public void activateAdapter(ChatModel model, String name, TunedScope scope, AutoCloseable resources) {
        adapter.swap(new AdapterSlot.Adapter(model, name, scope, resources));
    }

    /** Lets go of the adapter (closed once the requests using it are done). */
    public void close() {
        adapter.close();
    }

    public int passages() {
        return passages;
    }

    public boolean isAvailable(Mode mode) {
        return !mode.usesAdapter() || adapter.peek() != null;
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
        ChatMemory memory = conversationId == null ? null : memories.get(conversationId + "/" + mode.wireName());
        Answer answer = stream(memory == null ? List.of() : memory.messages(), question, mode, null, onText);
        if (memory != null) {
            memory.add(UserMessage.from(question));
            memory.add(AiMessage.from(answer.answer().isEmpty() ? "(no answer)" : answer.answer()));
        }
        return answer;
    }

    /**
     * Answers {@code question} after the turns of {@code history} (system messages included, as
     * an OpenAI client sends a conversation), with the request's decoding {@code parameters} (null:
     * the model's defaults). Retrieval uses the question alone; the model reads the last
     * {@link #HISTORY_MESSAGES} messages of the history and every system message in it.
     */
    public Answer stream(List<ChatMessage> history, String question, Mode mode, ChatRequestParameters parameters,
                         Consumer<String> onText) {
        long start = System.nanoTime();
        requireAnswerable(question, mode);
        Retrieval retrieval = mode.usesRetrieval() ? retrieve(question) : Retrieval.NONE;
        List<ChatMessage> read = window(history);
        int dropped = history.size() - read.size();
        try (AdapterSlot.Lease lease = mode.usesAdapter() ? leaseFor(mode) : null) {
            return fitting(question, mode, retrieval, onText, start, read, dropped, parameters,
                    lease == null ? null : lease.adapter());
        }
    }

    private AdapterSlot.Lease leaseFor(Mode mode) {
        AdapterSlot.Lease lease = adapter.acquire();
        if (lease == null) {
            requireAvailable(mode); // swapped out since the check: the same error as before it
        }
        return lease;
    }

    /** Generates, leaving out the oldest turns of {@code read} until the prompt fits the context. */
    private Answer fitting(String question, Mode mode, Retrieval retrieval, Consumer<String> onText, long start,
                           List<ChatMessage> read, int dropped, ChatRequestParameters parameters, AdapterSlot.Adapter tuned) {
        while (true) {
            try {
                Answer answer = generate(question, mode, retrieval, onText, start, read, parameters, tuned);
                return dropped == 0 ? answer : answer.withHistoryDropped(dropped);
            } catch (ContextLengthExceededException e) {
                // the oldest turn goes, as chat servers trim a conversation to the context; the
                // length is checked before any token is generated, so nothing was sent yet
                int oldest = firstTurn(read);
                if (oldest < 0) {
                    throw e;
                }
                // a turn is a user message and the replies after it: a reply never starts what is read
                read = new ArrayList<>(read);
                do {
                    read.remove(oldest);
                    dropped++;
                } while (oldest < read.size() && !(read.get(oldest) instanceof UserMessage));
            }
        }
    }

    /** The index of the first message that is not a system message, or -1. */
    private static int firstTurn(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.get(i) instanceof SystemMessage)) {
                return i;
            }
        }
        return -1;
    }

    /** How many earlier messages (besides system messages) an answer reads: the window /api/chat keeps too. */
    public static final int HISTORY_MESSAGES = 4;

    private static List<ChatMessage> window(List<ChatMessage> history) {
        List<ChatMessage> system = new ArrayList<>();
        List<ChatMessage> turns = new ArrayList<>();
        for (ChatMessage m : history) {
            (m instanceof SystemMessage ? system : turns).add(m);
        }
        List<ChatMessage> out = new ArrayList<>(system);
        out.addAll(turns.subList(Math.max(0, turns.size() - HISTORY_MESSAGES), turns.size()));
        return out;
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
        try (AdapterSlot.Lease lease = leaseFor(Mode.HYBRID)) {
            return compareWith(question, retrieval, lease.adapter());
        }
    }

    private Map<Mode, Answer> compareWith(String question, Retrieval retrieval, AdapterSlot.Adapter tuned) {
        Map<Mode, CompletableFuture<Answer>> running = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            Retrieval used = mode.usesRetrieval() ? retrieval : Retrieval.NONE;
            // each answer's total counts the shared retrieval it read, as if it had run alone
            long start = System.nanoTime() - used.nanos();
            running.put(mode, CompletableFuture.supplyAsync(() -> generate(question, mode, used, piece -> { }, start, List.of(), null,
                    tuned), COMPARE_POOL));
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
    private static final ExecutorService COMPARE_POOL = Executors.newCachedThreadPool(r -> {
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
        AdapterSlot.Adapter a = adapter.peek();
        return a == null ? List.of(modelName) : List.of(modelName, modelName + "+" + a.name());
    }

    /** What a bare model said, and what it cost. */
    public record Completion(String text, Usage usage) {
    }

    /**
     * Lets a bare model (an id of {@link #modelIds()}) continue the conversation {@code messages}
     * with the request's decoding {@code parameters} (null: the model's defaults).
     *
     * @throws IllegalArgumentException for an unknown id or messages the model cannot take
     */
    public Completion complete(String modelId, List<ChatMessage> messages, ChatRequestParameters parameters,
                               Consumer<String> onText) {
        if (modelId.equals(modelName)) {
            Generated g = call(baseModel, request(messages, parameters), onText);
            return new Completion(g.text(), g.usage());
        }
        try (AdapterSlot.Lease lease = adapter.acquire()) {
            if (lease == null || !modelId.equals(modelName + "+" + lease.adapter().name())) {
                throw new IllegalArgumentException("no model '" + modelId + "'; models: " + modelIds());
            }
            Generated g = call(lease.adapter().model(), request(messages, parameters), onText);
            return new Completion(g.text(), g.usage());
        }
    }

    private static ChatRequest request(List<ChatMessage> messages, ChatRequestParameters parameters) {
        ChatRequest.Builder b = ChatRequest.builder().messages(messages);
        if (parameters != null) {
            b.parameters(parameters);
        }
        return b.build();
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

    /** One answer; {@code tuned} is the adapter the request holds (null for rag). */
    private Answer generate(String question, Mode mode, Retrieval retrieval, Consumer<String> client, long start,
                            List<ChatMessage> history, ChatRequestParameters parameters, AdapterSlot.Adapter tuned) {
        long[] firstText = {-1};
        Consumer<String> onText = piece -> {
            if (firstText[0] < 0 && !piece.isEmpty()) {
                firstText[0] = System.nanoTime();
            }
            client.accept(piece);
        };
        TunedScope scope = tuned == null ? null : tuned.scope();
        if (mode == Mode.TUNED && scope != null) {
            return boundedTuned(question, tuned, history, parameters, onText, start);
        }
        List<String> texts = retrieval.passages().stream().map(p -> p.chunk().text()).toList();
        List<ChatMessage> messages = new ArrayList<>(history);
        messages.add(UserMessage.from(RagPrompt.userMessage(question, texts)));
        ChatRequest request = request(messages, parameters);
        ChatModel model = mode.usesAdapter() ? tuned.model() : baseModel;
        long t0 = System.nanoTime();
        Generated generated = null;
        Usage usage = Usage.NONE;
        if (mode == Mode.HYBRID && scope != null && model instanceof GroundedChatModel
                && !retrieval.passages().isEmpty() && scope.wasTunedOn(question)) {
            // a question the adapter was tuned on: its own answer, if a retrieved passage states it
            Generated own = call(model, request, piece -> { });
            usage = own.usage();
            if (PassageSupport.supporting(own.text(), retrieval.passages()) != null) {
                generated = own;
                onText.accept(own.text());
            }
        }
        if (generated == null) {
            if (model instanceof GroundedChatModel grounded && !retrieval.passages().isEmpty()) {
                model = grounded.groundedIn(question, retrieval.passages());
            }
            generated = call(model, request, onText);
            usage = usage.plus(generated.usage());
        }
        String text = generated.text();
        long end = System.nanoTime();
        List<Citation> citations = new ArrayList<>();
        for (RetrievedPassage p : CitationOrder.supportFirst(text, retrieval.passages())) {
            citations.add(p.toCitation());
        }
        Timings timings = new Timings(millis(retrieval.nanos()), millis(end - t0), millis(end - start),
                millis((firstText[0] < 0 ? end : firstText[0]) - start));
        return new Answer(text.strip(), mode, citations, modelName, mode.usesAdapter() ? tuned.name() : null, timings, usage, 0);
    }

    /**
     * The tuned mode of an adapter that keeps its training questions: a question far from all of
     * them, or an answer that is not about the subject the question names, gets
     * {@link TunedScope#ABSTENTION}, not another question's memorised fact. The answer is checked
     * whole before it is sent, so it reaches a streaming client in one piece.
     */
    private Answer boundedTuned(String question, AdapterSlot.Adapter tuned, List<ChatMessage> history,
                                ChatRequestParameters parameters, Consumer<String> onText, long start) {
        TunedScope scope = tuned.scope();
        long t0 = System.nanoTime();
        String text = TunedScope.ABSTENTION;
        Usage usage = Usage.NONE;
        if (scope.covers(question)) {
            List<ChatMessage> messages = new ArrayList<>(history);
            messages.add(UserMessage.from(RagPrompt.userMessage(question, List.of())));
            Generated generated = call(tuned.model(), request(messages, parameters), piece -> { });
            usage = generated.usage();
            if (scope.isTrainingQuestion(question) || TunedScope.addressesSubject(question, generated.text(), subjects.get())) {
                text = generated.text().strip();
            }
        }
        onText.accept(text);
        long end = System.nanoTime();
        Timings timings = new Timings(0, millis(end - t0), millis(end - start));
        return new Answer(text, Mode.TUNED, List.of(), modelName, tuned.name(), timings, usage, 0);
    }

    /** One generation's text and cost. */
    private record Generated(String text, Usage usage) {
        static Generated of(ChatResponse response) {
            String text = response.aiMessage() == null || response.aiMessage().text() == null ? "" : response.aiMessage().text();
            TokenUsage tokens = response.tokenUsage();
            Usage usage = new Usage(tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount(),
                    tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount(),
                    response.finishReason() == FinishReason.LENGTH);
            return new Generated(text, usage);
        }
    }

    private static Generated call(ChatModel model, ChatRequest request, Consumer<String> onText) {
        if (!(model instanceof StreamingChatModel streaming)) {
            Generated g = Generated.of(model.chat(request));
            onText.accept(g.text());
            return g;
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
            return Generated.of(done.join());
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
        private AutoCloseable tunedResources;
        private Supplier<Set<String>> subjects = Set::of;
        private int passages = ServerConfig.Retrieval.DEFAULT_K;

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
            return tunedModel(model, adapterName, scope, null);
        }

        /** As above; {@code resources} (nullable) are closed when this adapter is replaced and no longer used. */
        public Builder tunedModel(ChatModel model, String adapterName, TunedScope scope, AutoCloseable resources) {
            this.tunedModel = model;
            this.adapterName = adapterName;
            this.tunedScope = scope;
            this.tunedResources = resources;
            return this;
        }

        /**
         * The content words of the documents' titles (default: none), by which a bounded tuned
         * mode checks that an answer is about what the question names.
         */
        public Builder subjects(Supplier<Set<String>> subjects) {
            this.subjects = Objects.requireNonNull(subjects, "subjects");
            return this;
        }

        /** How many passages the retrieving modes read (default {@value ServerConfig.Retrieval#DEFAULT_K}). */
        public Builder passages(int k) {
            this.passages = k;
            return this;
        }

        public ChatService build() {
            return new ChatService(this);
        }
    }
}
