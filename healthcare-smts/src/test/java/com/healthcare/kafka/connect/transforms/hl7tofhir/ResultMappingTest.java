package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.PID;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.all;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.entry;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.seg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;
import org.junit.jupiter.api.Test;

/** ORC, OBR, OBX, NTE, SPM, TQ1 (IG ORC/OBR[ServiceRequest], OBR[DiagnosticReport], OBX[Observation], SPM[Specimen]). */
class ResultMappingTest {

    private static final String ORC = seg("ORC", 1, "RE", 2, "P100^EHR", 3, "F200^LAB", 5, "CM", 9, "20240312060000",
            12, "11^ORDER^OLGA^^^DR^^^HOSP");
    private static final String OBR = seg("OBR", 1, "1", 2, "P100^EHR", 3, "F200^LAB",
            4, "24323-8^Comprehensive metabolic panel^LN", 7, "20240312061500-0500", 22, "20240312091000-0500",
            24, "CH", 25, "F", 32, "77&PATH&PAM&&&DR");

    private static Observation obs(String obx) {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID, ORC, OBR, obx));
        return one(b, Observation.class);
    }

    @Test
    void orcObrBecomeServiceRequestAndDiagnosticReport() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID, ORC, OBR,
                seg("OBX", 1, "1", 2, "NM", 3, "2345-7^Glucose^LN", 5, "182", 6, "mg/dL", 11, "F"),
                seg("OBX", 1, "2", 2, "NM", 3, "2951-2^Sodium^LN", 5, "138", 6, "mmol/L", 11, "F")));
        ServiceRequest sr = one(b, ServiceRequest.class);
        assertThat(sr.getIdentifier()).extracting(i -> i.getType().getCodingFirstRep().getCode(), i -> i.getValue())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PLAC", "P100"),
                        org.assertj.core.groups.Tuple.tuple("FILL", "F200"));
        assertThat(sr.getStatus().toCode()).isEqualTo("completed");
        assertThat(sr.getIntent().toCode()).isEqualTo("order");
        assertThat(sr.getRequester().getDisplay()).isEqualTo("DR OLGA ORDER");
        assertThat(entry(b, sr).getRequest().getIfNoneExist()).as("an ORU does not overwrite the order")
                .isEqualTo("identifier=urn:id:EHR|P100");

        DiagnosticReport dr = one(b, DiagnosticReport.class);
        assertThat(entry(b, dr).getRequest().getUrl()).isEqualTo("DiagnosticReport?identifier=urn:id:LAB|F200");
        assertThat(dr.getStatus().toCode()).isEqualTo("final");
        assertThat(dr.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("CH");
        assertThat(dr.getCode().getCodingFirstRep().getCode()).isEqualTo("24323-8");
        assertThat(dr.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-03-12T06:15:00-05:00");
        assertThat(dr.getIssuedElement().getValueAsString()).isEqualTo("2024-03-12T09:10:00-05:00");
        assertThat(dr.getBasedOnFirstRep().getReference()).isEqualTo(entry(b, sr).getFullUrl());
        assertThat(dr.getResultsInterpreterFirstRep().getDisplay()).isEqualTo("DR PAM PATH");
        List<Observation> results = all(b, Observation.class);
        assertThat(dr.getResult()).extracting(r -> r.getReference())
                .containsExactly(entry(b, results.get(0)).getFullUrl(), entry(b, results.get(1)).getFullUrl());
        assertThat(results.get(0).getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("laboratory");
        assertThat(results.get(0).getEffectiveDateTimeType().getValueAsString()).as("OBR-7 when OBX-14 is empty")
                .isEqualTo("2024-03-12T06:15:00-05:00");
    }

    @Test
    void numericWithUcumUnitsReferenceRangeAndInterpretation() {
        Observation o = obs(seg("OBX", 1, "1", 2, "NM", 3, "2823-3^Potassium^LN", 5, "5.10", 6, "mEq/L", 7, "3.5-5.1",
                8, "H", 11, "C", 14, "20240312070000-0500"));
        Quantity q = o.getValueQuantity();
        assertThat(q.getValueElement().getValueAsString()).as("precision kept").isEqualTo("5.10");
        assertThat(q.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.getCode()).as("non-UCUM spelling mapped").isEqualTo("meq/L");
        assertThat(q.getUnit()).isEqualTo("mEq/L");
        assertThat(o.getStatus().toCode()).isEqualTo("corrected");
        assertThat(o.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("H");
        assertThat(o.getReferenceRangeFirstRep().getLow().getValue().toPlainString()).isEqualTo("3.5");
        assertThat(o.getReferenceRangeFirstRep().getHigh().getCode()).isEqualTo("meq/L");
        assertThat(o.getReferenceRangeFirstRep().getText()).isEqualTo("3.5-5.1");
        assertThat(o.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-03-12T07:00:00-05:00");
    }

    @Test
    void aUnitThatIsNotUcumIsKeptAsTextOnly() {
        Quantity q = obs(seg("OBX", 1, "1", 2, "NM", 3, "X^Odd unit^L", 5, "3", 6, "furlongs per fortnight", 11, "F"))
                .getValueQuantity();
        assertThat(q.getUnit()).isEqualTo("furlongs per fortnight");
        assertThat(q.hasSystem()).isFalse();
        assertThat(q.hasCode()).isFalse();
        Quantity k = obs(seg("OBX", 1, "1", 2, "NM", 3, "6690-2^WBC^LN", 5, "11.2", 6, "K/uL", 11, "F")).getValueQuantity();
        assertThat(k.getCode()).as("K/uL is thousands per microlitre, not kelvin").isEqualTo("10*3/uL");
    }

    @Test
    void numericWithComparatorAndNonNumericText() {
        Observation lt = obs(seg("OBX", 1, "1", 2, "NM", 3, "2160-0^Creatinine^LN", 5, "<0.5", 6, "mg/dL", 11, "F"));
        assertThat(lt.getValueQuantity().getComparator().toCode()).isEqualTo("<");
        assertThat(lt.getValueQuantity().getValue().toPlainString()).isEqualTo("0.5");
        Observation text = obs(seg("OBX", 1, "1", 2, "NM", 3, "2160-0^Creatinine^LN", 5, "see note", 11, "F"));
        assertThat(text.getValueStringType().getValue()).isEqualTo("see note");
    }

    @Test
    void structuredNumericVariants() {
        assertThat(obs(seg("OBX", 1, "1", 2, "SN", 3, "1^A^L", 5, ">^60", 6, "mL/min", 11, "F"))
                .getValueQuantity().getComparator().toCode()).isEqualTo(">");
        Observation range = obs(seg("OBX", 1, "1", 2, "SN", 3, "1^A^L", 5, "^10^-^20", 6, "mg/dL", 11, "F"));
        assertThat(range.getValueRange().getLow().getValue().intValue()).isEqualTo(10);
        assertThat(range.getValueRange().getHigh().getCode()).isEqualTo("mg/dL");
        Observation ratio = obs(seg("OBX", 1, "1", 2, "SN", 3, "1^A^L", 5, "^1^:^128", 11, "F"));
        assertThat(ratio.getValueRatio().getDenominator().getValue().intValue()).isEqualTo(128);
        assertThat(obs(seg("OBX", 1, "1", 2, "SN", 3, "1^A^L", 5, "^2^+", 11, "F")).getValueStringType().getValue())
                .isEqualTo("2 +");
    }

    @Test
    void codedDateTimeTimeRangeAndTextValues() {
        assertThat(obs(seg("OBX", 1, "1", 2, "CWE", 3, "1^A^L", 5, "260373001^Detected^SCT", 11, "F"))
                .getValueCodeableConcept().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(obs(seg("OBX", 1, "1", 2, "DTM", 3, "1^A^L", 5, "202403120815", 11, "F"))
                .getValueDateTimeType().getValueAsString()).isEqualTo("2024-03-12T08:15:00+00:00");
        assertThat(obs(seg("OBX", 1, "1", 2, "TM", 3, "1^A^L", 5, "0815", 11, "F")).getValueTimeType().getValue())
                .isEqualTo("08:15:00");
        Observation nr = obs(seg("OBX", 1, "1", 2, "NR", 3, "1^A^L", 5, "5^10", 11, "F"));
        assertThat(nr.getValueRange().getHigh().getValue().intValue()).isEqualTo(10);
        assertThat(obs(seg("OBX", 1, "1", 2, "FT", 3, "1^A^L", 5, "line 1\\.br\\line \\T\\ 2~line 3", 11, "F"))
                .getValueStringType().getValue()).isEqualTo("line 1\nline & 2\nline 3");
    }

    @Test
    void repeatedCodedValuesBecomeComponents() {
        Observation o = obs(seg("OBX", 1, "1", 2, "CWE", 3, "18769-0^Susceptibility^LN",
                5, "S^Susceptible^HL70078~R^Resistant^HL70078", 11, "F"));
        assertThat(o.hasValue()).isFalse();
        assertThat(o.getComponent()).hasSize(2);
        assertThat(o.getComponent().get(1).getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("R");
    }

    @Test
    void notesAttachToThePrecedingResultOrOrder() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID, ORC, OBR, "NTE|1||Order note",
                seg("OBX", 1, "1", 2, "ST", 3, "1^A^L", 5, "x", 11, "F"), "NTE|1||Result note~continued"));
        assertThat(one(b, ServiceRequest.class).getNoteFirstRep().getText()).isEqualTo("Order note");
        assertThat(one(b, Observation.class).getNoteFirstRep().getText()).isEqualTo("Result note\ncontinued");
    }

    @Test
    void theSameCodeTwiceInAnOrderStaysTwoObservations() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.4"), PID, ORC, OBR,
                seg("OBX", 1, "1", 2, "TX", 3, "11475-1^Narrative^LN", 5, "line one", 11, "F"),
                seg("OBX", 1, "2", 2, "TX", 3, "11475-1^Narrative^LN", 5, "line two", 11, "F")));
        assertThat(all(b, Observation.class)).extracting(o -> o.getValueStringType().getValue())
                .containsExactly("line one", "line two");
    }

    @Test
    void encapsulatedDataBecomesADocumentReference() {
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII));
        Bundle b = bundle(msg(msh("ORU^R01", "2.5"), PID, ORC, OBR,
                seg("OBX", 1, "1", 2, "ED", 3, "18748-4^Report^LN", 5, "LAB^AP^PDF^Base64^" + pdf, 11, "F")));
        DocumentReference d = one(b, DocumentReference.class);
        assertThat(d.getContentFirstRep().getAttachment().getContentType()).isEqualTo("application/pdf");
        assertThat(new String(d.getContentFirstRep().getAttachment().getData(), StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-1.4 test");
        assertThat(d.getContext().getRelatedFirstRep().getReference())
                .isEqualTo(entry(b, one(b, DiagnosticReport.class)).getFullUrl());
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("ORU^R01", "2.5"), PID, ORC, OBR,
                seg("OBX", 1, "1", 2, "ED", 3, "18748-4^Report^LN", 5, "LAB^AP^PDF^Base64^not*base64", 11, "F"))))
                .isInstanceOf(ConversionException.class).hasMessageContaining("Base64");
    }

    @Test
    void specimenFromSpm() {
        Bundle b = bundle(msg(msh("ORU^R01", "2.5.1"), PID, ORC, OBR,
                seg("OBX", 1, "1", 2, "NM", 3, "2345-7^Glucose^LN", 5, "90", 6, "mg/dL", 11, "F"),
                seg("SPM", 1, "1", 2, "S1&EHR^S1F&LAB", 4, "SER^Serum^HL70487", 7, "VENIP^Venipuncture^HL70488",
                        8, "LACF^Left Antecubital Fossa^HL70163", 12, "5^mL&milliliter&UCUM",
                        17, "20240312061500^20240312062000", 18, "20240312070000", 20, "Y", 24, "HEM^Hemolyzed^HL70493")));
        Specimen s = one(b, Specimen.class);
        assertThat(s.getIdentifier()).extracting(i -> i.getValue()).containsExactly("S1", "S1F");
        assertThat(s.getType().getCodingFirstRep().getCode()).isEqualTo("SER");
        assertThat(s.getCollection().getCollectedPeriod().getEndElement().getValueAsString())
                .isEqualTo("2024-03-12T06:20:00+00:00");
        assertThat(s.getCollection().getQuantity().getCode()).isEqualTo("mL");
        assertThat(s.getCollection().getMethod().getCodingFirstRep().getCode()).isEqualTo("VENIP");
        assertThat(s.getStatus().toCode()).isEqualTo("available");
        assertThat(s.getConditionFirstRep().getCodingFirstRep().getCode()).isEqualTo("HEM");
        assertThat(one(b, DiagnosticReport.class).getSpecimenFirstRep().getReference()).isEqualTo(entry(b, s).getFullUrl());
    }

    @Test
    void ordersOfOmlAndOrmAreAuthoritativeWithTiming() {
        Bundle b = bundle(msg(msh("OML^O21^OML_O21", "2.5.1"), PID,
                seg("ORC", 1, "NW", 2, "P9^EHR", 5, "SC", 9, "20240312"),
                seg("TQ1", 1, "1", 7, "20240313080000", 8, "20240313090000", 9, "S"),
                seg("OBR", 1, "1", 2, "P9^EHR", 4, "2093-3^Cholesterol^LN", 5, "R", 31, "Z13.220^Screening^I10"),
                seg("DG1", 1, "1", 3, "Z13.220^Screening^I10")));
        ServiceRequest sr = one(b, ServiceRequest.class);
        assertThat(entry(b, sr).getRequest().getUrl()).isEqualTo("ServiceRequest?identifier=urn:id:EHR|P9");
        assertThat(sr.getStatus().toCode()).isEqualTo("active");
        assertThat(sr.getPriority().toCode()).isEqualTo("stat");
        assertThat(sr.getOccurrencePeriod().getEndElement().getValueAsString()).isEqualTo("2024-03-13T09:00:00+00:00");
        assertThat(sr.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("Z13.220");
        assertThat(sr.getReasonReference()).hasSize(1);
    }

    @Test
    void aCancelledOrderWithoutDetailIsStillAServiceRequest() {
        ServiceRequest sr = one(bundle(msg(msh("ORM^O01", "2.5.1"), PID, seg("ORC", 1, "CA", 2, "P77^EHR", 5, "CA"))),
                ServiceRequest.class);
        assertThat(sr.getStatus().toCode()).isEqualTo("revoked");
    }

    @Test
    void obrWithoutCodeCannotMakeADiagnosticReport() {
        assertThatThrownBy(() -> Convert.DEFAULT.convert(msg(msh("ORU^R01", "2.5"), PID, "OBR|1||F1^LAB")))
                .isInstanceOf(ConversionException.class).hasMessageContaining("OBR-4");
    }
}
