package ai.hybridchat.core.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's Python semantics and its limits, beyond the published templates of ChatTemplateConformanceTest. */
class JinjaTemplateTest {
    static String render(String template, Object... keyValues) {
        Map<String, Object> context = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            context.put((String) keyValues[i], keyValues[i + 1]);
        }
        return JinjaTemplate.parse(template).render(context);
    }

    @Test
    void valuesArePrintedAsPythonPrintsThem() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", null);
        assertEquals("None True 2.5 ['x', 1] {'a': 1, 'b': None} ", render("{{ n }} {{ t }} {{ f }} {{ l }} {{ m }} {{ u }}",
                "n", null, "t", true, "f", 2.5, "l", List.of("x", 1), "m", m));
    }

    @Test
    void textInValuesIsNeverTemplateCode() {
        assertEquals("{{ 7*7 }} {% for i in range(3) %}x{% endfor %}",
                render("{{ content }}", "content", "{{ 7*7 }} {% for i in range(3) %}x{% endfor %}"));
    }

    @Test
    void stringMethodsSlicesAndNamespacesWorkAsInPython() {
        assertEquals("cba|b|a,b|x |True", render(
                "{{ s[::-1] }}|{{ s[1:-1] }}|{{ 'a,b'.split(',') | join(',') }}|{{ '  x \\n'.rstrip('\\n').lstrip() }}|"
                        + "{% set ns = namespace(found=false) %}{% for c in s %}{% if c == 'b' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
                "s", "abc"));
    }

    @Test
    void whitespaceControlTrimsAndStripsBlocksAsHuggingFaceConfiguresJinja() {
        assertEquals("a\nb\n", render("{% if true %}\na\n  {% endif %}\nb\n"));
        assertEquals("ab", render("a  {%- if true -%}  \n  b{% endif %}"));
        assertEquals("  x", render("  {{ 'x' }}"), "lstrip_blocks leaves print tags alone");
    }

    @Test
    void filtersBindTighterThanArithmeticAndTestsTighterThanNot() {
        assertEquals("2 True", render("{{ l | length - 1 }} {{ not x is none }}", "l", List.of(1, 2, 3), "x", "y"));
    }

    @Test
    void computingWithWhatIsMissingIsAnErrorButTestingItIsNot() {
        assertEquals("no", render("{% if missing is defined %}yes{% else %}no{% endif %}"));
        assertThrows(TemplateException.class, () -> render("{{ missing + 'x' }}"));
        assertThrows(TemplateException.class, () -> render("{{ none_value + 'x' }}", "none_value", null));
    }

    @Test
    void whatTheEngineDoesNotSupportIsAnErrorThatSaysSoAtParseTime() {
        TemplateException e = assertThrows(TemplateException.class, () -> JinjaTemplate.parse("a\n{% macro m() %}{% endmacro %}"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("macro"), e.getMessage());
        assertThrows(TemplateException.class, () -> JinjaTemplate.parse("{% if x %}unclosed"));
        assertThrows(TemplateException.class, () -> JinjaTemplate.parse("{{ x "));
    }

    @Test
    void aRunawayTemplateIsStopped() {
        assertThrows(TemplateException.class, () -> render("{% for i in range(100000000) %}{% endfor %}"));
        assertThrows(TemplateException.class, () -> render("{% for i in range(3000) %}{% for j in range(3000) %}{{ big }}{% endfor %}{% endfor %}",
                "big", "x".repeat(1000)));
    }

    @Test
    void onlyANamespaceTakesAttributeAssignments() {
        assertThrows(TemplateException.class, () -> render("{% set d.x = 1 %}", "d", new HashMap<>(Map.of("x", 0))));
    }
}
