package com.healthcare.kafka.connect.it.compat;

import java.lang.reflect.InvocationTargetException;

/**
 * The FHIR R4 server the compat ITs poll. On the default build it is the real HAPI FHIR server of the FHIR ITs
 * ({@code it.fhir.server.FhirTestServer}, through {@code compat.hapi.HapiCompatFhirServer}). That server cannot be
 * compiled in the kafka-3.9 profile: it runs HAPI's jakarta.servlet {@code RestfulServer} on Jetty 12 ee10, while
 * connect-runtime 3.9 puts Jetty 9.4 (javax.servlet, the same {@code org.eclipse.jetty.server} package names) on the
 * classpath, so there the ITs use {@link JdkFhirStub}, a JDK HTTP server answering the same searches.
 */
public interface CompatFhirServer extends AutoCloseable {

    String HAPI_IMPL = "com.healthcare.kafka.connect.it.compat.hapi.HapiCompatFhirServer";

    /** Base URL, e.g. http://127.0.0.1:port/fhir. */
    String baseUrl();

    /** Creates or updates a Patient (new version, lastUpdated now) with one name and an MRN identifier. */
    void putPatient(String id, String family, String given, String mrn);

    /** Which implementation answers (for the report in the test output). */
    String description();

    @Override
    void close();

    /** HAPI's server when it is compiled into this run, else (on older runtimes only) the JDK stub. */
    static CompatFhirServer start(String workerVersion) {
        try {
            Class<?> hapi = Class.forName(HAPI_IMPL);
            return (CompatFhirServer) hapi.getMethod("start").invoke(null);
        } catch (ClassNotFoundException e) {
            if (workerVersion.startsWith("3.")) {
                return JdkFhirStub.start();
            }
            throw new IllegalStateException("HAPI FHIR test server missing from a Kafka " + workerVersion + " run", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("HAPI FHIR test server did not start", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
