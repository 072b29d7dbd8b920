package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.List;
import java.util.stream.Collectors;

import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

/**
 * HAPI's FhirValidator against the FHIR R4 base profiles and terminology (no terminology server: LOINC/SNOMED
 * codes are not checked, UCUM, BCP 47, MIME and the HL7 code systems are). Expensive to build: one per test JVM.
 */
final class FhirR4Validator {

    private static FhirR4Validator instance;

    private final FhirContext context;
    private final FhirValidator validator;

    private FhirR4Validator() {
        context = FhirContext.forR4();
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        validator = context.newValidator().registerValidatorModule(module);
    }

    static synchronized FhirR4Validator get() {
        if (instance == null) {
            instance = new FhirR4Validator();
        }
        return instance;
    }

    FhirContext context() {
        return context;
    }

    /** Every message of severity ERROR or FATAL, as "severity location: message" lines. */
    List<String> errors(String json) {
        ValidationResult result;
        synchronized (this) {
            result = validator.validateWithResult(json);
        }
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(FhirR4Validator::describe)
                .collect(Collectors.toList());
    }

    List<String> warnings(String json) {
        ValidationResult result;
        synchronized (this) {
            result = validator.validateWithResult(json);
        }
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.WARNING)
                .map(FhirR4Validator::describe)
                .collect(Collectors.toList());
    }

    private static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }
}
