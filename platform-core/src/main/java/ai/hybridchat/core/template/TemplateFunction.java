package ai.hybridchat.core.template;

import java.util.List;
import java.util.Map;

/** A callable a template can call, such as a chat template's {@code raise_exception} or jinja2's {@code range}. */
@FunctionalInterface
public interface TemplateFunction {
    Object call(List<Object> args, Map<String, Object> keywords);
}
