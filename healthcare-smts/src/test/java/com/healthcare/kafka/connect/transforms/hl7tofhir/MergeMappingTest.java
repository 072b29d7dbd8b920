package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.all;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.bundle;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.entry;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msg;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.msh;
import static com.healthcare.kafka.connect.transforms.hl7tofhir.Convert.one;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** MRG: patient merges, identifier changes, account and visit merges and moves, per trigger event. */
class MergeMappingTest {

    private static final String PID = "PID|1||MRN123^^^HOSP^MR~555^^^SSA^SS||DOE^JANE||19800101|F||||||||||ACC9^^^HOSP^AN";

    private static List<String> ids(Patient p) {
        return p.getIdentifier().stream().map(Identifier::getValue).collect(Collectors.toList());
    }

    private static Patient byId(Bundle b, String value) {
        return all(b, Patient.class).stream().filter(p -> ids(p).contains(value)).findFirst().orElseThrow();
    }

    @Test
    void a40WithMrg1EqualToPid3IsNoMergeAndLeavesThePatientWhole() {
        String hl7 = msg(msh("ADT^A40^ADT_A39", "2.5.1"), "EVN||20240101", PID, "MRG|MRN123^^^HOSP^MR||||||DOE^JANIE");
        Bundle b = bundle(hl7);
        Patient p = one(b, Patient.class);
        assertThat(ids(p)).containsExactly("MRN123", "555");
        assertThat(p.hasLink()).isFalse();
        assertThat(p.hasActive() && !p.getActive()).isFalse();
        assertThat(p.getNameFirstRep().getGivenAsSingleString()).isEqualTo("JANE");
        assertThat(Convert.DEFAULT.convert(hl7).warnings()).singleElement().asString().startsWith("MRG-1");
    }

    @Test
    void a40MergeKeepsEveryPriorIdentifierAndTheSurvivorsOwn() {
        Bundle b = bundle(msg(msh("ADT^A40^ADT_A39", "2.5.1"), "EVN||20240101", PID,
                "MRG|OLD1^^^HOSP^MR~OLD2^^^CLINIC^PI||||||DOE^JANIE"));
        Patient survivor = byId(b, "MRN123");
        Patient old = byId(b, "OLD1");
        assertThat(ids(survivor)).containsExactly("MRN123", "555");
        assertThat(ids(old)).containsExactly("OLD1", "OLD2");
        assertThat(old.getActive()).isFalse();
        assertThat(old.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
        assertThat(survivor.getLinkFirstRep().getOther().getReference()).isEqualTo(entry(b, old).getFullUrl());
        assertThat(survivor.getLink()).hasSize(1);
    }

    @Test
    void everyPidMrgGroupOfAMultiPatientMergeIsHandled() {
        Bundle b = bundle(msg(msh("ADT^A40^ADT_A39", "2.5.1"), "EVN||20240101",
                "PID|1||A1^^^HOSP^MR||ONE^ANN", "MRG|A0^^^HOSP^MR",
                "PID|2||B1^^^HOSP^MR||TWO^BEN", "MRG|B0^^^HOSP^MR"));
        assertThat(all(b, Patient.class)).hasSize(4);
        assertThat(byId(b, "A0").getLinkFirstRep().getOther().getReference())
                .isEqualTo(entry(b, byId(b, "A1")).getFullUrl());
        assertThat(byId(b, "B0").getLinkFirstRep().getOther().getReference())
                .isEqualTo(entry(b, byId(b, "B1")).getFullUrl());
        assertThat(byId(b, "B1").getLinkFirstRep().getOther().getReference())
                .isEqualTo(entry(b, byId(b, "B0")).getFullUrl());
        assertThat(byId(b, "A1").getLink()).hasSize(1);
    }

    @Test
    void a44MovesTheAccountToThePidPatientWithoutLinkingThePatients() {
        Bundle b = bundle(msg(msh("ADT^A44^ADT_A43", "2.5.1"), "EVN||20240101", PID,
                "MRG|OTHER7^^^HOSP^MR||ACC9^^^HOSP^AN"));
        Patient p = one(b, Patient.class);
        assertThat(p.hasLink()).isFalse();
        Account account = one(b, Account.class);
        assertThat(account.getIdentifierFirstRep().getValue()).isEqualTo("ACC9");
        assertThat(account.getStatus()).isEqualTo(Account.AccountStatus.ACTIVE);
        assertThat(account.getSubjectFirstRep().getReference()).isEqualTo(entry(b, p).getFullUrl());
        assertThat(entry(b, account).getRequest().getUrl()).isEqualTo("Account?identifier=urn:id:HOSP|ACC9");
    }

    @Test
    void a45WithoutMrg1MovesTheVisit() {
        Bundle b = bundle(msg(msh("ADT^A45^ADT_A45", "2.5.1"), "EVN||20240101", PID,
                "MRG|||||V77^^^HOSP^VN", "PV1|1|I"));
        Patient p = one(b, Patient.class);
        assertThat(p.hasLink()).isFalse();
        Encounter enc = one(b, Encounter.class);
        assertThat(enc.getIdentifierFirstRep().getValue()).isEqualTo("V77");
        assertThat(enc.getSubject().getReference()).isEqualTo(entry(b, p).getFullUrl());
        assertThat(entry(b, enc).getRequest().getUrl()).isEqualTo("Encounter?identifier=urn:id:HOSP|V77");
    }

    @Test
    void a06WithOnlyAccountAndVisitConvertsPerTheIg() {
        Bundle b = bundle(msg(msh("ADT^A06^ADT_A06", "2.5.1"), "EVN||20240101", PID,
                "MRG|||ACC1^^^HOSP^AN||V1^^^HOSP^VN",
                Convert.seg("PV1", 1, "1", 2, "I", 3, "4W^401^A^HOSP", 19, "V2^^^HOSP^VN", 44, "20240101")));
        Patient p = one(b, Patient.class);
        assertThat(p.hasLink()).isFalse();
        assertThat(ids(p)).containsExactly("MRN123", "555");
        Account prior = one(b, Account.class);
        assertThat(prior.getIdentifierFirstRep().getValue()).isEqualTo("ACC1");
        assertThat(prior.getStatus()).isEqualTo(Account.AccountStatus.UNKNOWN);
        assertThat(entry(b, prior).getRequest().getMethod().toCode()).as("status unknown: never overwrites")
                .isEqualTo("POST");
        Encounter enc = one(b, Encounter.class);
        assertThat(enc.getIdentifier()).extracting(Identifier::getValue).containsExactly("V2", "V1");
        assertThat(enc.getIdentifier().get(1).getUse()).isEqualTo(Identifier.IdentifierUse.OLD);
        assertThat(entry(b, enc).getRequest().getUrl()).isEqualTo("Encounter?identifier=urn:id:HOSP|V2");
    }

    @Test
    void a41MergesAccountsOfOnePatient() {
        Bundle b = bundle(msg(msh("ADT^A41^ADT_A39", "2.5.1"), "EVN||20240101", PID, "MRG|||ACC1^^^HOSP^AN"));
        assertThat(one(b, Patient.class).hasLink()).isFalse();
        List<Account> accounts = all(b, Account.class);
        assertThat(accounts).extracting(a -> a.getIdentifierFirstRep().getValue() + ":" + a.getStatus().toCode())
                .containsExactly("ACC1:inactive", "ACC9:active");
    }

    @Test
    void a47ChangesTheIdentifierOfTheSamePatient() {
        Bundle b = bundle(msg(msh("ADT^A47^ADT_A30", "2.5.1"), "EVN||20240101", PID, "MRG|TMP5^^^HOSP^MR"));
        Patient p = one(b, Patient.class);
        assertThat(ids(p)).containsExactly("MRN123", "555", "TMP5");
        assertThat(p.getIdentifier().get(2).getUse()).isEqualTo(Identifier.IdentifierUse.OLD);
        assertThat(p.hasLink()).isFalse();
        assertThat(entry(b, p).getRequest().getUrl()).isEqualTo("Patient?identifier=urn:id:HOSP|TMP5");
    }

    @Test
    void a36MergesPatientAndAccountAndA34ReadsMrg4() {
        Bundle b = bundle(msg(msh("ADT^A36^ADT_A30", "2.3"), "EVN|A36|20240101", PID, "MRG|OLD1^^^HOSP^MR||ACC1^^^HOSP^AN"));
        assertThat(byId(b, "OLD1").getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
        assertThat(all(b, Account.class)).extracting(a -> a.getIdentifierFirstRep().getValue() + ":"
                + a.getStatus().toCode()).containsExactly("ACC1:inactive", "ACC9:active");
        Bundle a34 = bundle(msg(msh("ADT^A34^ADT_A30", "2.3"), "EVN|A34|20240101", PID, "MRG||||OLD4^^^HOSP^PI"));
        assertThat(byId(a34, "OLD4").getActive()).isFalse();
        assertThat(byId(a34, "MRN123").getLinkFirstRep().getOther().getReference())
                .isEqualTo(entry(a34, byId(a34, "OLD4")).getFullUrl());
        assertThat(all(a34, Account.class)).isEmpty();
    }

    @Test
    void a24LinksTheTwoRecordsOfOnePerson() {
        Bundle b = bundle(msg(msh("ADT^A24^ADT_A24", "2.5.1"), "EVN||20240101", "PID|1||A1^^^HOSP^MR||ONE^ANN",
                "PID|2||C7^^^CLINIC^MR||ONE^ANN"));
        Patient a = byId(b, "A1");
        Patient c = byId(b, "C7");
        assertThat(a.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.SEEALSO);
        assertThat(a.getLinkFirstRep().getOther().getReference()).isEqualTo(entry(b, c).getFullUrl());
        assertThat(c.getLinkFirstRep().getOther().getReference()).isEqualTo(entry(b, a).getFullUrl());
        assertThat(a.hasActive() && !a.getActive()).isFalse();
    }

    @Test
    void a50FindsTheVisitByItsPriorNumber() {
        Bundle b = bundle(msg(msh("ADT^A50^ADT_A50", "2.5.1"), "EVN||20240101", PID, "MRG|||||V1^^^HOSP^VN",
                Convert.seg("PV1", 1, "1", 2, "I", 19, "V2^^^HOSP^VN")));
        Encounter enc = one(b, Encounter.class);
        assertThat(enc.getIdentifier()).extracting(Identifier::getValue).containsExactly("V2", "V1");
        assertThat(entry(b, enc).getRequest().getUrl()).isEqualTo("Encounter?identifier=urn:id:HOSP|V1");
    }
}
