package com.healthcare.kafka.connect.fhirclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BundleReaderTest {

    private static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"3\","
            + "\"lastUpdated\":\"2024-05-01T10:00:00.123+02:00\"},\"name\":[{\"family\":\"Müller\",\"given\":[\"Zoë\"]}],"
            + "\"multipleBirthInteger\":2,\"extension\":[{\"url\":\"x\",\"valueDecimal\":1.50}]}";

    @Test
    void searchPageGivesEachResourceVerbatimAndTheNextLink() {
        String bundle = "{ \"resourceType\" : \"Bundle\", \"type\":\"searchset\", \"meta\":{\"lastUpdated\":"
                + "\"2024-05-01T12:00:00Z\"}, \"link\":[{\"relation\":\"self\",\"url\":\"http://s/Patient\"},"
                + "{\"relation\":\"next\",\"url\":\"http://s?_getpages=abc&_getpagesoffset=2\"}],"
                + "\"entry\":[{\"fullUrl\":\"http://s/Patient/p1\",\"resource\":" + PATIENT
                + ",\"search\":{\"mode\":\"match\"}},{\"resource\":{\"resourceType\":\"Organization\",\"id\":\"o\"},"
                + "\"search\":{\"mode\":\"include\"}}]}";
        BundleReader.Page page = BundleReader.readBundle(bundle.getBytes(StandardCharsets.UTF_8), "test");
        assertThat(page.nextUrl()).isEqualTo("http://s?_getpages=abc&_getpagesoffset=2");
        assertThat(page.lastUpdated()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(page.entries()).hasSize(2);
        BundleReader.Entry first = page.entries().get(0);
        assertThat(first.resource().id()).isEqualTo("p1");
        assertThat(first.resource().versionId()).isEqualTo("3");
        assertThat(first.resource().lastUpdated()).isEqualTo("2024-05-01T10:00:00.123+02:00");
        assertThat(first.searchMode()).isEqualTo("match");
        assertThat(page.json(first.resource())).isEqualTo(PATIENT);
        assertThat(page.entries().get(1).searchMode()).isEqualTo("include");
    }

    @Test
    void historyEntriesKeepRequestAndResponse() {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
                + "{\"fullUrl\":\"http://s/Patient/p2\",\"request\":{\"method\":\"DELETE\",\"url\":"
                + "\"http://s/Patient/p2/_history/4\"},\"response\":{\"status\":\"200 OK\",\"etag\":\"W/\\\"4\\\"\"}},"
                + "{\"resource\":" + PATIENT + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/p1\"}}]}";
        BundleReader.Page page = BundleReader.readBundle(bundle.getBytes(StandardCharsets.UTF_8), "test");
        assertThat(page.nextUrl()).isNull();
        BundleReader.Entry delete = page.entries().get(0);
        assertThat(delete.resource()).isNull();
        assertThat(delete.requestMethod()).isEqualTo("DELETE");
        assertThat(delete.requestUrl()).isEqualTo("http://s/Patient/p2/_history/4");
        assertThat(delete.responseEtag()).isEqualTo("W/\"4\"");
        assertThat(page.entries().get(1).requestMethod()).isEqualTo("PUT");
    }

    @Test
    void aSingleResourceIsItsOwnEntry() {
        BundleReader.Page page = BundleReader.read(PATIENT.getBytes(StandardCharsets.UTF_8), "test");
        assertThat(page.resourceType()).isEqualTo("Patient");
        assertThat(page.json(page.entries().get(0).resource())).isEqualTo(PATIENT);
    }

    @Test
    void anOperationOutcomeWhereABundleWasExpectedIsReadable() {
        String outcome = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"processing\","
                + "\"diagnostics\":\"Unknown search parameter \\\"foo\\\"\"}]}";
        assertThatThrownBy(() -> BundleReader.readBundle(outcome.getBytes(StandardCharsets.UTF_8), "Search of Patient"))
                .isInstanceOf(FhirException.class)
                .hasMessageContaining("Search of Patient answered with a OperationOutcome")
                .hasMessageContaining("error processing: Unknown search parameter \"foo\"");
        assertThatThrownBy(() -> BundleReader.readBundle("<html>".getBytes(StandardCharsets.UTF_8), "x"))
                .isInstanceOf(FhirException.class).hasMessageContaining("cannot be read");
    }
}
