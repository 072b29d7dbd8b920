package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.util.List;
import java.util.Set;

import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Message;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2ParseException;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/**
 * HL7 v2 (2.3 to 2.8) message text to a FHIR R4 Bundle (JSON), with no HAPI model in the hot path: a single-pass
 * ER7 parser, segment mappers following the HL7 V2-to-FHIR IG, vocabulary from {@link MappingTables}, and a
 * direct JSON writer. Thread-safe: all per-message state lives in a {@link BundleContext}.
 */
public final class Hl7ToFhirConverter {

    /** Message types (MSH-9.1) converted; every trigger event of these is accepted. */
    public static final Set<String> MESSAGE_TYPES = MessageStructures.converted();

    private final ConversionSettings settings;
    private final DataTypes types;

    public Hl7ToFhirConverter(ConversionSettings settings, MappingTables tables) {
        this.settings = settings;
        this.types = new DataTypes(tables, settings, new UcumUnits(tables));
    }

    DataTypes types() {
        return types;
    }

    public ConversionSettings settings() {
        return settings;
    }

    /**
     * @throws V2ParseException when the text is not an HL7 v2 message
     * @throws ConversionException when it cannot become a valid Bundle (the message says which field, no PHI)
     */
    public Result convert(String text) {
        V2Message msg = V2Message.parse(text);
        String code = msg.messageCode();
        if (code == null) {
            throw new ConversionException("MSH-9 (message type) is empty");
        }
        String refusal = MessageStructures.refusal(code);
        if (refusal != null) {
            throw new ConversionException(refusal);
        }
        BundleContext ctx = new BundleContext(msg, types);
        Entry header = null;
        if (!settings.bundleType().hasRequests()) {
            header = HeaderMapper.messageHeader(ctx);
        }
        List<V2Segment> segments = msg.segments();
        for (int i = 1; i < segments.size(); i++) {
            V2Segment segment = segments.get(i);
            ctx.types.at(segment);
            try {
                map(ctx, segment);
            } catch (ConversionException e) {
                throw e;
            } catch (RuntimeException e) {
                // Not chained: an unexpected exception's message may quote message content (PHI).
                StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
                throw new ConversionException("unexpected " + e.getClass().getSimpleName() + " in segment " + (i + 1)
                        + " (" + segment.name() + ")" + (at == null ? "" : " at " + at.getClassName() + "."
                        + at.getMethodName() + ":" + at.getLineNumber()));
            }
        }
        OrderMapper.flush(ctx);
        ImmunizationMapper.finish(ctx);
        DocumentMapper.finish(ctx);
        ScheduleMapper.finish(ctx);
        ReferralMapper.finish(ctx);
        DietMapper.finish(ctx);
        ctx.types.at(null);
        if (ctx.patient == null && ctx.appointment == null) {
            throw new ConversionException(MessageStructures.withoutPatient(code, msg.triggerEvent()));
        }
        if (settings.provenance()) {
            HeaderMapper.provenance(ctx);
        }
        if (header != null) {
            HeaderMapper.focus(ctx, header);
        }
        String json = ctx.write(HeaderMapper.bundleHead(ctx), text.length());
        return new Result(json, List.copyOf(ctx.resourceTypes()), msg.controlId(),
                code + (msg.triggerEvent() == null ? "" : "^" + msg.triggerEvent()), ctx.types.warnings());
    }

    private static void map(BundleContext ctx, V2Segment s) {
        switch (s.name()) {
            case "EVN":
                ctx.evn = s;
                break;
            case "PID":
                OrderMapper.flush(ctx);
                resetOrder(ctx);
                ctx.families.newOrder();
                PatientMapper.pid(ctx, s);
                ctx.notesTo(null, null);
                break;
            case "PD1":
                PatientMapper.pd1(ctx, s);
                break;
            case "NK1":
                PatientMapper.nk1(ctx, s);
                break;
            case "MRG":
                MergeMapper.mrg(ctx, s);
                break;
            case "PV1":
                EncounterMapper.pv1(ctx, s);
                ctx.notesTo(null, null);
                break;
            case "PV2":
                EncounterMapper.pv2(ctx, s);
                break;
            case "AL1":
                ClinicalMapper.al1(ctx, s);
                break;
            case "DG1":
                ClinicalMapper.dg1(ctx, s);
                break;
            case "PR1":
                ClinicalMapper.pr1(ctx, s);
                break;
            case "IN1":
                ClinicalMapper.in1(ctx, s);
                break;
            case "IN2":
                ClinicalMapper.in2(ctx, s);
                break;
            case "ORC":
                if (MessageStructures.orcFollowsObr(ctx.messageCode) && ctx.obr != null) {
                    // OUL puts the ORC after the OBR of the same order: it opens no new order (the OBR carries
                    // the order numbers, code and provider), and the OBX after it stay with the OBR's report.
                    break;
                }
                ctx.families.newOrder();
                OrderMapper.orc(ctx, s);
                break;
            case "OBR":
                ctx.families.newOrder();
                OrderMapper.obr(ctx, s);
                break;
            case "TQ1":
                OrderMapper.tq1(ctx, s);
                break;
            case "OBX":
                ObservationMapper.obx(ctx, s);
                ProblemMapper.evidence(ctx);
                break;
            case "NTE":
                NoteMapper.nte(ctx, s);
                break;
            case "SPM":
                SpecimenMapper.spm(ctx, s);
                break;
            case "RXA":
                if (MessageStructures.rxaIsMedicationAdministration(ctx.messageCode)) {
                    PharmacyEventMapper.rxa(ctx, s);
                } else {
                    ImmunizationMapper.rxa(ctx, s);
                }
                break;
            case "RXD":
                PharmacyEventMapper.rxd(ctx, s);
                break;
            case "RXG":
                PharmacyEventMapper.rxg(ctx, s);
                break;
            case "PRB":
                ProblemMapper.prb(ctx, s);
                break;
            case "FT1":
                FinancialMapper.ft1(ctx, s);
                break;
            case "RF1":
                ReferralMapper.rf1(ctx, s);
                break;
            case "PRD":
                ReferralMapper.prd(ctx, s);
                break;
            case "ODS":
                DietMapper.ods(ctx, s);
                break;
            case "RXR":
                ImmunizationMapper.rxr(ctx, s);
                break;
            case "RXO":
                if (s.get(1) == null && ctx.msg.first("RXE") != null) {
                    // RDE/RDS: an RXO without a requested code leaves the medication to the RXE that encodes it.
                    break;
                }
                ImmunizationMapper.rxeOrRxo(ctx, s);
                break;
            case "RXE":
                ImmunizationMapper.rxeOrRxo(ctx, s);
                break;
            case "SCH":
                ScheduleMapper.sch(ctx, s);
                break;
            case "AIS":
                ScheduleMapper.ais(ctx, s);
                break;
            case "AIG":
                ScheduleMapper.aig(ctx, s);
                break;
            case "AIL":
                ScheduleMapper.ail(ctx, s);
                break;
            case "AIP":
                ScheduleMapper.aip(ctx, s);
                break;
            case "TXA":
                DocumentMapper.txa(ctx, s);
                break;
            default:
                // Z-segments and segments without a FHIR R4 home here (see docs/hl7-to-fhir-mapping.md) are
                // skipped; an NTE after them must not attach to the previous resource.
                if (!s.name().equals("RGS") && !s.name().equals("TQ2")) {
                    ctx.notesTo(null, null);
                }
        }
    }

    private static void resetOrder(BundleContext ctx) {
        ctx.serviceRequest = null;
        ctx.diagnosticReport = null;
        ctx.obr = null;
        ctx.observation = null;
        ctx.specimen = null;
        ctx.immunization = null;
        ctx.medicationRequest = null;
        ctx.document = null;
        ctx.coverage = null;
        ctx.tq1 = null;
    }

    /** A converted message. */
    public static final class Result {
        private final String json;
        private final List<String> resourceTypes;
        private final String controlId;
        private final String messageType;
        private final List<String> warnings;

        Result(String json, List<String> resourceTypes, String controlId, String messageType,
               List<String> warnings) {
            this.warnings = List.copyOf(warnings);
            this.json = json;
            this.resourceTypes = resourceTypes;
            this.controlId = controlId;
            this.messageType = messageType;
        }

        /** The Bundle as JSON text. */
        public String json() {
            return json;
        }

        /** Resource types in the Bundle, in entry order, each once. */
        public List<String> resourceTypes() {
            return resourceTypes;
        }

        public String controlId() {
            return controlId;
        }

        /**
         * Optional elements dropped because they could not be read ("OBX-14 (segment 7): not a valid HL7
         * timestamp, dropped"), for the {@code hl7tofhir.warnings} header; empty when none.
         */
        public List<String> warnings() {
            return warnings;
        }

        /** MSH-9.1^MSH-9.2, e.g. ADT^A01. */
        public String messageType() {
            return messageType;
        }
    }
}
