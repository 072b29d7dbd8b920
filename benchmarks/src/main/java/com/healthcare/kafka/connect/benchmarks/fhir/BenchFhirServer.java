package com.healthcare.kafka.connect.benchmarks.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Patient;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;

/**
 * A HAPI FHIR RestfulServer (FifoMemoryPagingProvider) on Jetty 12 ee10, loopback only, serving a fixed set of
 * realistic Patients in _lastUpdated order: the common ground of the connector and the bare-client baseline.
 */
final class BenchFhirServer implements AutoCloseable {

    private final Server jetty;
    private final int port;

    BenchFhirServer(int patients) throws Exception {
        FhirContext ctx = FhirContext.forR4();
        RestfulServer restful = new RestfulServer(ctx);
        restful.setDefaultResponseEncoding(EncodingEnum.JSON);
        FifoMemoryPagingProvider paging = new FifoMemoryPagingProvider(100);
        paging.setDefaultPageSize(100);
        paging.setMaximumPageSize(1000);
        restful.setPagingProvider(paging);
        restful.setResourceProviders(new PatientProvider(generate(patients)));
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(restful), "/fhir/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/fhir";
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    static List<Patient> generate(int n) {
        List<Patient> list = new ArrayList<>(n);
        Instant base = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            Patient p = new Patient();
            p.setId("bench-" + i);
            p.getMeta().setVersionId("1");
            // a few resources share each millisecond, as in bulk loads
            p.getMeta().setLastUpdatedElement(new InstantType(Date.from(base.plusMillis(i / 3)),
                    TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC")));
            p.addIdentifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue("MRN" + (100000 + i));
            p.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-ssn").setValue("999-" + i);
            p.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Family" + i).addGiven("Given").addGiven("Middle");
            p.addName().setUse(HumanName.NameUse.NICKNAME).addGiven("Nick" + i);
            p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+1 555 01" + i);
            p.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("p" + i + "@example.org");
            p.setGender(i % 2 == 0 ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
            p.getBirthDateElement().setValueAsString("19" + (10 + i % 89) + "-0" + (1 + i % 9) + "-1" + (i % 9));
            p.addAddress().setUse(Address.AddressUse.HOME).addLine(i + " Main Street").addLine("Apt " + (i % 50))
                    .setCity("Springfield").setState("IL").setPostalCode("62701").setCountry("US");
            p.addExtension().setUrl("http://example.org/fhir/StructureDefinition/risk-score")
                    .setValue(new DecimalType("0." + (i % 1000)));
            p.getMaritalStatus().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus")
                    .setCode("M").setDisplay("Married");
            p.addCommunication().getLanguage().addCoding().setSystem("urn:ietf:bcp:47").setCode("en-US");
            p.setActive(true);
            list.add(p);
        }
        return list;
    }

    /** Search by _lastUpdated (ge) in _lastUpdated order; history is empty (the data never changes). */
    public static final class PatientProvider implements IResourceProvider {
        private final List<Patient> patients;

        PatientProvider(List<Patient> patients) {
            this.patients = patients;
        }

        @Override
        public Class<? extends IBaseResource> getResourceType() {
            return Patient.class;
        }

        @Search(allowUnknownParams = true)
        public IBundleProvider search(@OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
                                      @Sort SortSpec sort, @Count Integer count) {
            int from = 0;
            if (lastUpdated != null && lastUpdated.getLowerBoundAsInstant() != null) {
                Date lower = lastUpdated.getLowerBoundAsInstant();
                while (from < patients.size() && patients.get(from).getMeta().getLastUpdated().before(lower)) {
                    from++;
                }
            }
            return new ListBundleProvider(patients.subList(from, patients.size()));
        }

        @History
        public IBundleProvider history(@Since InstantType since, @Count Integer count) {
            return new ListBundleProvider(List.of());
        }
    }
}
