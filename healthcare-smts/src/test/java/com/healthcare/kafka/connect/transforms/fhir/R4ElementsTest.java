package com.healthcare.kafka.connect.transforms.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;

import org.hl7.fhir.r4.model.ResourceType;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceBlockDefinition;

/** The generated table answers as HAPI FHIR's own R4 definitions do (HAPI is a test and build dependency only). */
class R4ElementsTest {

    private static final FhirContext HAPI = FhirContext.forR4();
    private final R4Elements table = R4Elements.r4();

    @Test
    void knowsExactlyTheR4ResourceTypes() {
        for (ResourceType type : ResourceType.values()) {
            assertThat(table.isResourceType(type.name())).as(type.name()).isTrue();
        }
        assertThat(table.isResourceType("Patient")).isTrue();
        assertThat(table.isResourceType("patient")).isFalse();
        assertThat(table.isResourceType("MedicationKnowledge")).isTrue();
        assertThat(table.isResourceType("SubscriptionTopic")).as("R5 only").isFalse();
    }

    @Test
    void everyChildOfEveryResourceHasHapisType() {
        int checked = 0;
        for (String type : new TreeSet<>(HAPI.getResourceTypes())) {
            BaseRuntimeElementCompositeDefinition<?> def = HAPI.getResourceDefinition(type);
            for (BaseRuntimeChildDefinition child : def.getChildren()) {
                for (String name : child.getValidChildNames()) {
                    BaseRuntimeElementDefinition<?> target = hapiChild(def, name);
                    String actual = table.childType(type, name);
                    if (target == null) {
                        assertThat(actual).as(type + "." + name).isNull();
                    } else if (target instanceof RuntimeResourceBlockDefinition) {
                        assertThat(table.isComplex(actual)).as(type + "." + name + " backbone").isTrue();
                    } else {
                        assertThat(actual).as(type + "." + name).isEqualTo(target.getName());
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).as("children checked").isGreaterThan(4_000);
    }

    /** As the transform asked HAPI before the table: a name HAPI cannot resolve has no type. */
    private static BaseRuntimeElementDefinition<?> hapiChild(BaseRuntimeElementCompositeDefinition<?> def,
                                                          String name) {
        try {
            BaseRuntimeChildDefinition child = def.getChildByName(name);
            return child == null ? null : child.getChildByName(name);
        } catch (RuntimeException | AssertionError e) {
            return null; // HAPI lists some names it then cannot resolve (extensionExtension)
        }
    }

    @Test
    void resolvesNestedNumberTypesAndChoices() {
        assertThat(table.childType("Observation", "valueQuantity")).isEqualTo("Quantity");
        assertThat(table.childType("Quantity", "value")).isEqualTo("decimal");
        String component = table.childType("Observation", "component");
        assertThat(table.childType(component, "valueInteger")).isEqualTo("integer");
        assertThat(table.childType("Extension", "valueDecimal")).isEqualTo("decimal");
        assertThat(table.childType("Patient", "multipleBirthInteger")).isEqualTo("integer");
        assertThat(table.childType("Observation", "value")).as("a choice has no type of its own").isNull();
        assertThat(table.hasElement("Observation", "value")).isTrue();
        assertThat(table.isChoice("Observation", "value")).isTrue();
        assertThat(table.hasElement("Patient", "address")).isTrue();
        assertThat(table.hasElement("Patient", "adress")).isFalse();
        assertThat(table.childType("Patient", "nosuch")).isNull();
        assertThat(table.childType("NoSuchType", "id")).isNull();
    }
}
