package ai.hybridchat.core.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jinja chat template, parsed once and rendered with Python's semantics, as Hugging Face's
 * {@code apply_chat_template} renders it with jinja2 ({@code trim_blocks}, {@code lstrip_blocks},
 * an immutable sandbox: no attribute of a value can be assigned but a {@code namespace}'s).
 *
 * <p>Why hand-written: the reference renderer is Python's jinja2, and a chat template's output
 * depends on Python's values ({@code None} printed as "None", {@code ==} by value on dicts,
 * {@code str.strip}'s whitespace set, string methods, slices with steps, transformers' own
 * {@code tojson}). Jinjava, the Java Jinja engine, renders Java values; configured with trim and
 * lstrip blocks and the same functions it matched 109 of the 182 reference renders of
 * {@code chat-templates/} and none of Qwen2.5, Qwen3, Llama 3.1/3.2 or Mistral Nemo. The
 * templates use a small closed part of Jinja (no macros, includes or inheritance), which is what
 * Hugging Face's own JavaScript port (@huggingface/jinja) and llama.cpp's minja implement for the
 * same reason. Template text is code; the values it reads (messages, documents) are data and are
 * never parsed.
 */
public final class JinjaTemplate {
    /** Rendered output longer than this is refused. */
    static final long MAX_OUTPUT_CHARS = 8L * 1024 * 1024;
    /** Loop iterations over a whole render. */
    static final long MAX_ITERATIONS = 10_000_000;

    private final List<Node> body;

    private JinjaTemplate(List<Node> body) {
        this.body = body;
    }

    /**
     * Python's {@code str.strip()}, {@code lstrip()} or {@code rstrip()} (its whitespace is wider
     * than Java's), for code that mirrors what Python does around a template's output.
     */
    public static String pythonStrip(String s, boolean left, boolean right) {
        return Py.strip(s, null, left, right);
    }

    /** @throws TemplateException when the template is not valid Jinja (or uses what is not supported) */
    public static JinjaTemplate parse(String source) {
        return new JinjaTemplate(JinjaParser.parse(source));
    }

    /**
     * Renders with {@code context}: values are {@code null}, Boolean, Long or Integer, Double,
     * String, List, Map and {@link TemplateFunction}s.
     */
    public String render(Map<String, Object> context) {
        Map<String, Object> globals = new HashMap<>();
        // jinja2's own globals; the caller's context may replace them
        globals.put("namespace", (TemplateFunction) Filters::namespace);
        globals.put("range", (TemplateFunction) (args, kw) -> Filters.range(args));
        globals.put("dict", (TemplateFunction) (args, kw) -> Filters.dict(kw));
        context.forEach((k, v) -> globals.put(k, Py.normalise(v)));
        Renderer r = new Renderer();
        r.block(body, new Scope(new Scope(null, globals), new HashMap<>()));
        return r.out.toString();
    }

    private static final class LoopControl extends RuntimeException {
        final boolean isBreak;

        LoopControl(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    private static final class Renderer {
        final StringBuilder out = new StringBuilder();
        long iterations;

        void block(List<Node> nodes, Scope scope) {
            for (Node n : nodes) {
                node(n, scope);
            }
        }

        void node(Node n, Scope scope) {
            if (n instanceof Node.Text t) {
                write(t.text());
            } else if (n instanceof Node.Print p) {
                write(Py.str(Eval.eval(p.value(), scope)));
            } else if (n instanceof Node.If i) {
                block(Py.truthy(Eval.eval(i.test(), scope)) ? i.then() : i.otherwise(), scope);
            } else if (n instanceof Node.For f) {
                loop(f, scope);
            } else if (n instanceof Node.Set s) {
                assign(s, scope);
            } else if (n instanceof Node.Block b) {
                block(b.body(), scope);
            } else if (n instanceof Node.Break) {
                throw new LoopControl(true);
            } else if (n instanceof Node.Continue) {
                throw new LoopControl(false);
            } else {
                write(Py.str(Eval.eval((Node.Expr) n, scope)));
            }
        }

        private void assign(Node.Set s, Scope scope) {
            Object value = Eval.eval(s.value(), scope);
            if (s.attribute() == null) {
                scope.vars.put(s.name(), value);
                return;
            }
            Object target = scope.get(s.name());
            if (!(target instanceof Py.Namespace ns)) {
                throw new TemplateException("cannot assign attribute on non-namespace object");
            }
            ns.put(s.attribute(), value);
        }

        private void loop(Node.For f, Scope scope) {
            List<Object> items = Py.iterate(Eval.eval(f.iterable(), scope));
            if (f.filter() != null) {
                List<Object> kept = new ArrayList<>();
                for (Object item : items) {
                    Scope probe = new Scope(scope, new HashMap<>());
                    bind(f.targets(), item, probe);
                    if (Py.truthy(Eval.eval(f.filter(), probe))) {
                        kept.add(item);
                    }
                }
                items = kept;
            }
            if (items.isEmpty()) {
                block(f.empty(), scope);
                return;
            }
            int n = items.size();
            for (int i = 0; i < n; i++) {
                if (++iterations > MAX_ITERATIONS) {
                    throw new TemplateException("the template loops more than " + MAX_ITERATIONS + " times");
                }
                Scope inner = new Scope(scope, new HashMap<>());
                Map<String, Object> loop = new LinkedHashMap<>();
                loop.put("index", (long) i + 1);
                loop.put("index0", (long) i);
                loop.put("revindex", (long) (n - i));
                loop.put("revindex0", (long) (n - i - 1));
                loop.put("first", i == 0);
                loop.put("last", i == n - 1);
                loop.put("length", (long) n);
                loop.put("previtem", i > 0 ? items.get(i - 1) : new Py.Undefined("previtem"));
                loop.put("nextitem", i + 1 < n ? items.get(i + 1) : new Py.Undefined("nextitem"));
                loop.put("depth", 1L);
                loop.put("depth0", 0L);
                inner.vars.put("loop", loop);
                bind(f.targets(), items.get(i), inner);
                try {
                    block(f.body(), inner);
                } catch (LoopControl c) {
                    if (c.isBreak) {
                        break;
                    }
                }
            }
        }

        private static void bind(List<String> targets, Object item, Scope scope) {
            if (targets.size() == 1) {
                scope.vars.put(targets.get(0), item);
                return;
            }
            List<Object> parts = Py.iterate(item);
            if (parts.size() != targets.size()) {
                throw new TemplateException("cannot unpack " + parts.size() + " values into " + targets.size() + " names");
            }
            for (int i = 0; i < targets.size(); i++) {
                scope.vars.put(targets.get(i), parts.get(i));
            }
        }

        private void write(String s) {
            if (out.length() + (long) s.length() > MAX_OUTPUT_CHARS) {
                throw new TemplateException("the rendered prompt exceeds " + MAX_OUTPUT_CHARS + " characters");
            }
            out.append(s);
        }
    }
}
