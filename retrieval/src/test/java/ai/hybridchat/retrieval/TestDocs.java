package ai.hybridchat.retrieval;

import ai.hybridchat.core.Document;

import java.util.List;
import java.util.Map;

/** A handful of small documents on unrelated topics, so each distinctive query has one right answer. */
final class TestDocs {
    private TestDocs() {
    }

    static Document doc(String id, String title, String text) {
        return new Document(id, title, id + ".md", text, Map.of());
    }

    static final Document VOLCANO = doc("volcano", "Volcanoes", """
            A volcano is a rupture in the crust of a planet where lava, volcanic ash and gases escape from a \
            magma chamber below the surface. Eruptions can build steep cones over thousands of years.

            Stratovolcanoes such as Mount Fuji erupt explosively, while shield volcanoes like those of Hawaii \
            release runny basalt lava flows.""");

    static final Document SOURDOUGH = doc("sourdough", "Sourdough baking", """
            Sourdough bread is leavened by a starter: a culture of wild yeast and lactic acid bacteria kept \
            alive by regular feeding with flour and water.

            Feed the starter every day, keep it at room temperature, and bake when it doubles in size and \
            smells pleasantly sour.""");

    static final Document PENGUINS = doc("penguins", "Emperor penguins", """
            Emperor penguins breed during the Antarctic winter. The male balances the single egg on his feet \
            for about two months while the female hunts at sea.

            These flightless birds huddle together on the sea ice to survive blizzards and temperatures far \
            below freezing.""");

    static final Document GC = doc("jvm-gc", "Garbage collection on the JVM", """
            The Java virtual machine reclaims memory with a garbage collector. G1 splits the heap into regions \
            and collects the ones with the most garbage first.

            ZGC and Shenandoah keep pause times under a few milliseconds by relocating objects concurrently \
            with the application threads.""");

    static final Document TAXES = doc("taxes", "Filing a tax return", """
            An income tax return reports what you earned during the fiscal year. Gather your wage statements, \
            receipts for deductible expenses and last year's assessment before you start.

            Late filing usually costs a penalty, so ask for an extension before the deadline if you need one.""");

    static List<Document> all() {
        return List.of(VOLCANO, SOURDOUGH, PENGUINS, GC, TAXES);
    }
}
