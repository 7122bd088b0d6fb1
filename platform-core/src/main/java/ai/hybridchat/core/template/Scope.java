package ai.hybridchat.core.template;

import java.util.Map;

/** The variables a template sees at one point of a render: its own, then its parent's, up to the globals. */
final class Scope {
    final Scope parent;
    final Map<String, Object> vars;

    Scope(Scope parent, Map<String, Object> vars) {
        this.parent = parent;
        this.vars = vars;
    }

    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) {
                return s.vars.get(name);
            }
        }
        return new Py.Undefined(name);
    }
}
