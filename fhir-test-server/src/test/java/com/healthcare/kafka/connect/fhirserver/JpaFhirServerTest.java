package com.healthcare.kafka.connect.fhirserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;

/** The HAPI FHIR JPA server answers the REST operations our connectors use, over a real socket. */
class JpaFhirServerTest {

    static final FhirContext CTX = FhirContext.forR4();
    static JpaFhirServer server;
    static IGenericClient client;

    @BeforeAll
    static void start() {
        server = JpaFhirServer.start();
        System.out.println("HAPI FHIR JPA started in " + server.startupMillis() + " ms at " + server.baseUrl());
        // no /metadata round trip before the first request, and patience on a loaded machine
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        CTX.getRestfulClientFactory().setSocketTimeout(120_000);
        client = CTX.newRestfulGenericClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Patient patient(String mrn, String family) {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue(mrn);
        p.addName().setFamily(family).addGiven("Zoë");
        return p;
    }

    @Test
    void createReadSearchAndConditionalUpdate() {
        MethodOutcome created = client.create().resource(patient("MRN-1", "First")).execute();
        IdType id = (IdType) created.getId();
        assertThat(id.getVersionIdPart()).isEqualTo("1");

        Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("First");
        assertThat(read.getMeta().getLastUpdated()).isNotNull();

        Bundle found = client.search().byUrl("Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|MRN-1")
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);

        MethodOutcome updated = client.update().resource(patient("MRN-1", "Second"))
                .conditionalByUrl("Patient?identifier=urn:oid:1.2.36.146.595.217.0.1|MRN-1").execute();
        assertThat(updated.getId().getIdPart()).isEqualTo(id.getIdPart());
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

        Bundle history = client.history().onInstance(id.toUnqualifiedVersionless())
                .returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);
    }

    @Test
    void clientAssignedIdsPutAndDeletesShowInHistory() {
        Patient p = patient("MRN-PUT", "Put");
        p.setId("smoke-put-1");
        MethodOutcome put = client.update().resource(p).execute();
        assertThat(put.getId().getIdPart()).isEqualTo("smoke-put-1");
        client.delete().resourceById("Patient", "smoke-put-1").execute();

        Bundle history = client.history().onInstance(new IdType("Patient", "smoke-put-1"))
                .returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);
        Bundle.BundleEntryComponent newest = history.getEntryFirstRep();
        assertThat(newest.hasResource()).isFalse();
        assertThat(newest.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
    }

    @Test
    void searchPagesThroughTheDatabase() {
        int n = 45;
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < n; i++) {
            Observation o = new Observation();
            o.setStatus(Observation.ObservationStatus.FINAL);
            o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
            o.addIdentifier().setSystem("urn:smoke-page").setValue("o" + i);
            tx.addEntry().setResource(o).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        }
        Bundle response = client.transaction().withBundle(tx).execute();
        assertThat(response.getEntry()).hasSize(n);

        Bundle page = client.search().byUrl("Observation?identifier=urn:smoke-page|&_sort=_lastUpdated&_count=10")
                .returnBundle(Bundle.class).execute();
        Set<String> ids = new HashSet<>();
        int pages = 0;
        while (page != null) {
            pages++;
            page.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().getIdPart()));
            page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
        }
        assertThat(ids).hasSize(n);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void restHookSubscriptionsAreDeliveredWithTheirHeaders() throws IOException {
        List<String> deliveries = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            deliveries.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("X-Secret") + " " + body.contains("\"Observation\""));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        try {
            Subscription s = new Subscription();
            s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
            s.setReason("smoke");
            s.setCriteria("Observation?status=amended");
            s.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK)
                    .setEndpoint("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook")
                    .setPayload("application/fhir+json").addHeader("X-Secret: s3cret");
            IdType subId = (IdType) client.create().resource(s).execute().getId();
            Awaitility.await("subscription active").atMost(Duration.ofSeconds(60)).until(() -> client.read()
                    .resource(Subscription.class).withId(subId.getIdPart()).execute().getStatus()
                    == Subscription.SubscriptionStatus.ACTIVE);

            Observation o = new Observation();
            o.setStatus(Observation.ObservationStatus.AMENDED);
            o.getCode().setText("smoke");
            IdType obsId = (IdType) client.create().resource(o).execute().getId();

            Awaitility.await("delivery").atMost(Duration.ofSeconds(60)).until(() -> !deliveries.isEmpty());
            assertThat(new ArrayList<>(deliveries)).last().asString()
                    .startsWith("PUT /hook/Observation/" + obsId.getIdPart() + " s3cret true");
            Awaitility.await("delivery logged").atMost(Duration.ofSeconds(30)).until(() -> server.deliveries().all()
                    .stream().anyMatch(d -> d.delivered() && d.resourceKey().equals("Observation/" + obsId.getIdPart())));
        } finally {
            hook.stop(0);
        }
    }
}
