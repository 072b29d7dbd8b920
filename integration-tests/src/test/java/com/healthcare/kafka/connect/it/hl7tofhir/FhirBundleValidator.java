package com.healthcare.kafka.connect.it.hl7tofhir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs {@link IsolatedR4Validation} in its own class loader: this module's test classpath minus SLF4J 1.7 and its
 * log4j binding, plus the slf4j-api 2 jar the build copies to {@code healthcare.fhir.validator.lib}. The worker
 * and the other ITs keep their logging set-up; the validator logs nowhere.
 */
final class FhirBundleValidator implements AutoCloseable {

    private final URLClassLoader loader;
    private final Function<String, List<String>> validation;

    @SuppressWarnings("unchecked")
    FhirBundleValidator() {
        List<URL> urls = new ArrayList<>();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classpath.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("slf4j-api-") || name.startsWith("log4j-slf4j-impl")) {
                continue;
            }
            urls.add(url(Path.of(entry)));
        }
        Path lib = Path.of(System.getProperty("healthcare.fhir.validator.lib", "target/fhir-validator-lib"));
        try (Stream<Path> jars = Files.list(lib)) {
            jars.filter(p -> p.toString().endsWith(".jar")).forEach(p -> urls.add(url(p)));
        } catch (IOException e) {
            throw new UncheckedIOException("slf4j-api 2 for the validator is missing from " + lib, e);
        }
        loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        // HAPI finds its cache provider with ServiceLoader on the context class loader: it must be the isolated one.
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            validation = (Function<String, List<String>>) Class
                    .forName(IsolatedR4Validation.class.getName(), true, loader).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the FHIR validator", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ERROR and FATAL messages of the resource (empty: valid). */
    List<String> errors(String json) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return new ArrayList<>(validation.apply(json));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
