package dev.bpflab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The wall between server and agent: libbpf (JNA) and learners' programs stay out of the server's JVM. The agent
 * module is not even on the server's class path, so an import of it does not compile; this also catches the agent's
 * packages, or JNA, creeping into the server by another road (a copied class, a new dependency).
 */
class AgentWallTest {
    /** The server module's own compiled classes (tests run from the repository root). */
    private static final JavaClasses SERVER = new ClassFileImporter()
            .importPath(Path.of("server", "target", "classes"));

    @Test
    void noServerClassUsesAgentCodeOrJna() {
        noClasses().that().resideOutsideOfPackage("dev.bpflab.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.bpflab.agent..", "com.sun.jna..")
                .because("the server starts the agent as a process (or in a VM) and never links it")
                .check(SERVER);
    }

    @Test
    void theServerHoldsNoAgentClasses() {
        noClasses().should().resideInAPackage("dev.bpflab.agent..")
                .because("agent code lives in the agent module only")
                .check(SERVER);
    }
}
