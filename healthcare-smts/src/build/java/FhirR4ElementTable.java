import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceBlockDefinition;

/**
 * Build-time generator (run by healthcare-smts/pom.xml in generate-resources with the Java source launcher; HAPI
 * FHIR is on its classpath only, never in the plugin zip): writes the FHIR R4 element table that
 * FhirResourceExtractor's Struct inference and MaskPhi's path checks read at run time.
 *
 * <p>Lines: {@code R <resourceType>} for every R4 resource type, then {@code C <owner> <jsonName> <target>} for
 * every child HAPI resolves from {@code owner.getChildByName(jsonName).getChildByName(jsonName)}, and
 * {@code C <owner> <element>[x]} (no target) for choice elements. Owners are resource and datatype names, or the
 * path of a backbone element ({@code Observation.component}); a target is such an owner or a primitive type name
 * ({@code decimal}, {@code integer}, {@code string} ...).
 */
public final class FhirR4ElementTable {

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        FhirContext ctx = FhirContext.forR4();
        Map<BaseRuntimeElementDefinition<?>, String> names = new IdentityHashMap<>();
        Deque<BaseRuntimeElementCompositeDefinition<?>> work = new ArrayDeque<>();
        List<String> lines = new ArrayList<>();
        lines.add("# FHIR R4 element table generated at build time from HAPI FHIR " + ctx.getVersion().getVersion()
                + " " + args[1] + "; do not edit.");
        for (String type : new TreeSet<>(ctx.getResourceTypes())) {
            BaseRuntimeElementCompositeDefinition<?> def = ctx.getResourceDefinition(type);
            names.put(def, type);
            work.add(def);
            lines.add("R\t" + type);
        }
        while (!work.isEmpty()) {
            BaseRuntimeElementCompositeDefinition<?> def = work.poll();
            String owner = names.get(def);
            TreeSet<String> jsonNames = new TreeSet<>();
            TreeSet<String> choices = new TreeSet<>();
            List<BaseRuntimeChildDefinition> children = new ArrayList<>(def.getChildren());
            children.addAll(def.getChildrenAndExtension());
            for (BaseRuntimeChildDefinition child : children) {
                jsonNames.addAll(child.getValidChildNames());
                String element = child.getElementName();
                if (!child.getValidChildNames().contains(element)) {
                    choices.add(element);
                }
            }
            for (String choice : choices) {
                lines.add("C\t" + owner + "\t" + choice + "[x]");
            }
            for (String jsonName : jsonNames) {
                BaseRuntimeChildDefinition child = def.getChildByName(jsonName);
                BaseRuntimeElementDefinition<?> target;
                try {
                    target = child == null ? null : child.getChildByName(jsonName);
                } catch (RuntimeException | AssertionError e) {
                    target = null; // a name HAPI lists but cannot resolve: no type, as at run time before
                }
                if (target == null) {
                    continue;
                }
                String name = names.get(target);
                if (name == null) {
                    if (target instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
                        name = target instanceof RuntimeResourceBlockDefinition
                                ? owner + "." + child.getElementName() : target.getName();
                        if (names.containsValue(name)) {
                            throw new IllegalStateException("two FHIR definitions named " + name);
                        }
                        names.put(target, name);
                        work.add(composite);
                    } else {
                        name = target.getName();
                    }
                }
                lines.add("C\t" + owner + "\t" + jsonName + "\t" + name);
            }
        }
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
    }
}
