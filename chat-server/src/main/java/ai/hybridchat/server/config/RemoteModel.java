package ai.hybridchat.server.config;

import java.net.URI;

/**
 * A remote OpenAI-compatible server (vLLM, Ollama, llama.cpp server, another instance of this
 * platform) that generates instead of the in-process model, for models that outgrow one CPU.
 * Retrieval and the prompt layout stay here; the server sees ready prompts.
 *
 * @param baseUrl    the OpenAI API root, e.g. {@code http://gpu-box:8000/v1}
 * @param apiKey     bearer token for the server; null falls back to {@code OPENAI_API_KEY}
 * @param model      the model that answers {@code rag}
 * @param tunedModel the domain-tuned model (a LoRA served by vLLM, say) for {@code tuned} and
 *                   {@code hybrid}; null serves rag only
 */
public record RemoteModel(String baseUrl, String apiKey, String model, String tunedModel) {
    public RemoteModel {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("remote.baseUrl is required: the server's OpenAI API root, e.g. http://host:8000/v1");
        }
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("remote.baseUrl is not a URL: " + baseUrl);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("remote.baseUrl must be an http(s) URL, got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("remote.model is required: the name the server gives the model");
        }
    }

    public String effectiveApiKey() {
        return apiKey != null ? apiKey : System.getenv("OPENAI_API_KEY");
    }

    @Override
    public String toString() {
        // never print the key
        return "RemoteModel[baseUrl=" + baseUrl + ", model=" + model + ", tunedModel=" + tunedModel + "]";
    }
}
