package com.healthcare.kafka.connect.it.compat.hapi;

import org.hl7.fhir.r4.model.Patient;

import com.healthcare.kafka.connect.it.compat.CompatFhirServer;
import com.healthcare.kafka.connect.it.fhir.server.FhirTestServer;

/**
 * {@link CompatFhirServer} on the HAPI FHIR test server. Not compiled in the kafka-3.9 profile (see
 * {@link CompatFhirServer}); the compat ITs load it by name.
 */
public final class HapiCompatFhirServer implements CompatFhirServer {

    private final FhirTestServer server;

    private HapiCompatFhirServer(FhirTestServer server) {
        this.server = server;
    }

    public static HapiCompatFhirServer start() {
        return new HapiCompatFhirServer(FhirTestServer.start());
    }

    @Override
    public String baseUrl() {
        return server.baseUrl();
    }

    @Override
    public void putPatient(String id, String family, String given, String mrn) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addName().setFamily(family).addGiven(given);
        patient.addIdentifier().setSystem("urn:mrn").setValue(mrn);
        server.store().put(patient);
    }

    @Override
    public String description() {
        return "HAPI FHIR RestfulServer on Jetty 12 (" + server.baseUrl() + ")";
    }

    @Override
    public void close() {
        server.close();
    }
}
