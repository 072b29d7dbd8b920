package com.healthcare.kafka.connect.fhir.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private static final List<String> TYPES = List.of("Patient", "Observation");

    @Test
    void typedAndUntypedEntries() {
        QueryParameters q = QueryParameters.parse("Observation:status=final,amended&_security:not=R;Patient:active=true",
                TYPES);
        assertThat(q.errors()).isEmpty();
        assertThat(q.forType("Observation")).extracting(QueryParameters.Param::toQuery)
                .containsExactly("_security:not=R", "status=final,amended");
        assertThat(q.forType("Patient")).extracting(QueryParameters.Param::toQuery)
                .containsExactly("_security:not=R", "active=true");
    }

    @Test
    void commaStartsANewEntryOnlyBeforeAParameter() {
        assertThat(QueryParameters.split("Observation:status=final,Patient:active=true"))
                .containsExactly("Observation:status=final", "Patient:active=true");
        assertThat(QueryParameters.split("code=http://loinc.org|1234-5,http://loinc.org|999-9"))
                .containsExactly("code=http://loinc.org|1234-5,http://loinc.org|999-9");
        assertThat(QueryParameters.split("name:exact=Smith,status=final"))
                .containsExactly("name:exact=Smith", "status=final");
    }

    @Test
    void managedParametersAreIgnored() {
        QueryParameters q = QueryParameters.parse("_lastUpdated=gt:${{TIMESTAMP}}&_count=5&Patient:_sort=-name",
                TYPES);
        assertThat(q.errors()).isEmpty();
        assertThat(q.ignoredManaged()).hasSize(3);
        assertThat(q.forType("Patient")).isEmpty();
    }

    @Test
    void errorsNameTheEntry() {
        QueryParameters q = QueryParameters.parse("Encounter:status=x&Patients:active=true&novalue=&=x", TYPES);
        assertThat(q.errors()).hasSize(4);
        assertThat(q.errors().get(0)).contains("Encounter", "not in fhir.resource.types");
        assertThat(q.errors().get(1)).contains("'Patients'", "not a FHIR R4 resource type");
        assertThat(q.errors().get(2)).contains("no value");
    }

    @Test
    void valuesAreEncodedForTheQuery() {
        assertThat(QueryParameters.encode("2024-01-01T10:00:00.123+01:00")).isEqualTo("2024-01-01T10:00:00.123%2B01:00");
        assertThat(QueryParameters.encode("http://loinc.org|1234-5")).isEqualTo("http://loinc.org%7C1234-5");
        assertThat(QueryParameters.encode("a b&c")).isEqualTo("a%20b%26c");
        assertThat(QueryParameters.encode("already%7Cencoded")).isEqualTo("already%7Cencoded");
        assertThat(QueryParameters.encode("Zoë")).isEqualTo("Zo%C3%AB");
    }
}
