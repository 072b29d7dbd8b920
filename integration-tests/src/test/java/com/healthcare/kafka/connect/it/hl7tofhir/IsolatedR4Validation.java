package com.healthcare.kafka.connect.it.hl7tofhir;

import java.util.List;
import java.util.function.Function;
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

/**
 * HAPI FhirValidator against the R4 base profiles, returning the ERROR/FATAL messages of a resource. Loaded only
 * through {@link FhirBundleValidator}'s isolated class loader (it needs the SLF4J 2 API); used through
 * {@link Function} so no HAPI type crosses the class loader boundary.
 */
public final class IsolatedR4Validation implements Function<String, List<String>> {

    private final FhirValidator validator;

    public IsolatedR4Validation() {
        FhirContext context = FhirContext.forR4();
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context), new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        validator = context.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    @Override
    public synchronized List<String> apply(String json) {
        return validator.validateWithResult(json).getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(m -> m.getLocationString() + ": " + m.getMessage())
                .collect(Collectors.toList());
    }
}
