package com.healthcare.kafka.connect.transforms.mask;

import java.util.Set;

/**
 * What a profile does to FHIR content wherever it appears, beyond the element rules: every date, references to
 * people, attachments, ages, extensions that carry PHI and conditional Bundle requests.
 *
 * @param dates                YEAR (safe-harbor) or DATESHIFT (pseudonymize) for every date/dateTime of month
 *                             precision or finer in any resource; null for none. With YEAR, instants that cannot be
 *                             a bare year ({@link #INSTANT_ELEMENTS}) are removed.
 * @param references           remove {@code display} (a person's name) from references to anything but
 *                             {@link #KEPT_REFERENCE_TYPES}, and apply {@code referenceIdentifier} to their
 *                             {@code identifier}
 * @param referenceIdentifier  redact (safe-harbor) or hash of the value (pseudonymize)
 * @param attachments          remove data, url, title and hash of every Attachment (documents, photos)
 * @param ages                 Age quantities (UCUM {@code a}) over 89 become {@code >= 90}
 * @param phiExtensions        remove extensions whose url ends with one of {@link #PHI_EXTENSIONS}
 * @param bundleRequests       drop the query of {@code Bundle.entry.request.url} (conditional requests search by
 *                             identifiers or names)
 */
record FhirSweeps(MaskMethod dates, boolean references, MaskRule referenceIdentifier, boolean attachments,
                  boolean ages, boolean phiExtensions, boolean bundleRequests) {

    static final FhirSweeps NONE = new FhirSweeps(null, false, null, false, false, false, false);

    /** Elements of type instant, which a bare year would make invalid. */
    static final Set<String> INSTANT_ELEMENTS = Set.of("lastUpdated", "issued", "timestamp");

    /** Reference targets that are not people (their names are not the patient's). */
    static final Set<String> KEPT_REFERENCE_TYPES = Set.of("Practitioner", "PractitionerRole", "Organization",
            "Location", "HealthcareService", "Endpoint", "Medication", "Substance",
            "ValueSet", "CodeSystem", "Questionnaire", "PlanDefinition", "ActivityDefinition",
            "ObservationDefinition", "SpecimenDefinition", "Library", "Measure");

    /** Standard extensions that hold a name, a birth place or a birth time. */
    static final Set<String> PHI_EXTENSIONS = Set.of("patient-mothersMaidenName", "patient-birthPlace",
            "patient-birthTime", "relatedperson-birthPlace", "humanname-mothers-family", "humanname-partner-name",
            "humanname-own-name", "patient-adoptionInfo");

    /** R4 elements of type date, dateTime or instant that are not named after their type. */
    static final Set<String> DATE_ELEMENTS = Set.of("start", "end", "issued", "lastUpdated", "timestamp",
            "authoredOn", "recorded", "created", "sent", "received", "when", "time");

    /**
     * Whether an element holds a date, dateTime or instant by its name ({@code birthDate}, {@code effectiveDateTime},
     * {@code date}, {@code period.start} ...): such a value the parser cannot read is removed, not kept.
     */
    static boolean isDateElement(String name) {
        return name.startsWith("date") || name.endsWith("Date") || name.endsWith("DateTime")
                || name.endsWith("Instant") || DATE_ELEMENTS.contains(name);
    }

    /** Under a profile: an Address with parts out of place is masked whole but a valid state code. */
    boolean addresses() {
        return dates != null;
    }

    boolean any() {
        return dates != null || references || attachments || ages || phiExtensions || bundleRequests;
    }
}
