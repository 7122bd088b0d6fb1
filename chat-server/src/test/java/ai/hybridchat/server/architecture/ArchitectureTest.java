package ai.hybridchat.server.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import graph of the main code of every module (docs/ARCHITECTURE.md), read from the class
 * files by ArchUnit, so an inline qualified name counts as much as an import.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the sibling modules are class folders in a reactor build and jars with -pl: both are read,
                // test jars are not
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("ai.hybridchat");
    }

    @Test
    void modulesDependDownwardOnly() {
        ArchRule layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("platform-core").definedBy("ai.hybridchat.core..")
                .layer("retrieval").definedBy("ai.hybridchat.retrieval..")
                .layer("tuning").definedBy("ai.hybridchat.tuning..")
                .layer("chat-server").definedBy("ai.hybridchat.server..")
                .whereLayer("chat-server").mayNotBeAccessedByAnyLayer()
                .whereLayer("retrieval").mayOnlyBeAccessedByLayers("chat-server")
                .whereLayer("tuning").mayOnlyBeAccessedByLayers("chat-server")
                .whereLayer("platform-core").mayOnlyBeAccessedByLayers("retrieval", "tuning", "chat-server");
        layers.check(main);
    }

    @Test
    void noImportCircleBetweenPackages() {
        slices().matching("ai.hybridchat.(**)").should().beFreeOfCycles().check(main);
    }

    /** Each source file is a slice: a nested class belongs to the file of its outermost class. */
    @Test
    void noImportCircleBetweenFiles() {
        SliceAssignment byFile = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                JavaClass outer = c;
                while (outer.getEnclosingClass().isPresent()) {
                    outer = outer.getEnclosingClass().get();
                }
                return SliceIdentifier.of(outer.getName());
            }

            @Override
            public String getDescription() {
                return "source files";
            }
        };
        slices().assignedFrom(byFile).should().beFreeOfCycles().check(main);
    }
}
