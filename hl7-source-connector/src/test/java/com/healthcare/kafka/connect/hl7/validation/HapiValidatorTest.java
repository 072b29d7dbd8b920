package com.healthcare.kafka.connect.hl7.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7.parse.Hl7Message;

/** HAPI validation under a message's own version when its structures are installed, else as v2.5.1. */
class HapiValidatorTest {

    private static Hl7Message adt(String version, String birthDate) throws Exception {
        return Hl7Message.parse("MSH|^~\\&|HIS|GENHOSP|K|HC|20240101||ADT^A01^ADT_A01|V-1|P|" + version + "\r"
                + "EVN||20240101\rPID|1||MRN-1^^^GENHOSP^MR||Doe^Jane||" + birthDate + "|F\r",
                StandardCharsets.UTF_8);
    }

    @Test
    void findsWhichVersionsHaveTheirOwnStructures() throws Exception {
        // The unit tests have all nine versions (the plugin zip: v2.5.1; the validation pack: the others).
        assertThat(HapiValidator.installedVersions(getClass().getClassLoader()))
                .containsExactly("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8", "2.8.1");
        try (URLClassLoader bare = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThat(HapiValidator.installedVersions(bare)).isEmpty();
        }
    }

    @Test
    void structuresOnAnotherHapiBaseDoNotCount() throws Exception {
        // As on a worker whose own class path has HAPI: the plugin's loader would find them through its parent.
        URL base = ca.uhn.hl7v2.model.Segment.class.getProtectionDomain().getCodeSource().getLocation();
        URL v23 = ca.uhn.hl7v2.model.v23.segment.MSH.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader other = new URLClassLoader(new URL[] {base, v23}, ClassLoader.getPlatformClassLoader())) {
            assertThat(Class.forName("ca.uhn.hl7v2.model.v23.segment.MSH", false, other)).isNotNull();
            assertThat(HapiValidator.installedVersions(other)).isEmpty();
        }
    }

    @Test
    void validatesUnderTheMessagesOwnVersion() throws Exception {
        try (HapiValidator validator = new HapiValidator()) {
            assertThat(validator.installedVersions()).hasSize(9);
            for (String version : validator.installedVersions()) {
                assertThat(validator.validate(adt(version, "19800101"))).as(version).isNull();
                assertThat(validator.validate(adt(version, "1980Jan01"))).as(version).isNotNull().contains("1980Jan01");
            }
        }
    }

    @Test
    void withOnlyTheBundledStructuresEveryVersionIsValidatedAsV251() throws Exception {
        try (HapiValidator validator = new HapiValidator(Set.of(HapiValidator.BUNDLED_VERSION))) {
            for (String version : new String[] {"2.3", "2.4", "2.5", "2.6", "2.8.1"}) {
                assertThat(validator.validate(adt(version, "19800101"))).as(version).isNull();
                assertThat(validator.validate(adt(version, "1980Jan01"))).as(version).isNotNull()
                        .contains("1980Jan01");
            }
        }
    }

    @Test
    void versionsHapiDoesNotKnowAreNotValidated() throws Exception {
        try (HapiValidator validator = new HapiValidator()) {
            assertThat(validator.validate(adt("2.2", "1980Jan01"))).isNull();
        }
    }
}
