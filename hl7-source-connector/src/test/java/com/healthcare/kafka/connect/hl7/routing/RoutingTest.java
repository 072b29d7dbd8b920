package com.healthcare.kafka.connect.hl7.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class RoutingTest {

    @Test
    void mappingWinsByTypeAndEventThenTypeThenPrefix() {
        TopicRouter router = TopicRouter.of("hl7.", List.of("ADT^A01:clinical.patient.admitted", "ORU:results",
                "ADT_A03:clinical.patient.discharged"));
        assertThat(router.topicFor("ADT", "A01")).isEqualTo("clinical.patient.admitted");
        assertThat(router.topicFor("adt", "a03")).isEqualTo("clinical.patient.discharged");
        assertThat(router.topicFor("ADT", "A08")).isEqualTo("hl7.ADT");
        assertThat(router.topicFor("ORU", "R01")).isEqualTo("results");
        assertThat(router.topicFor("Z*Q", null)).isNull();
    }

    @Test
    void mappingProblemsAreExplained() {
        assertThat(TopicRouter.mappingProblems(List.of("ADT^A01", "ORU:bad topic!", "ADT:a", "ADT:b")))
                .hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("is not TYPE[^EVENT]:topic"))
                .anySatisfy(p -> assertThat(p).contains("not a legal Kafka topic name"))
                .anySatisfy(p -> assertThat(p).contains("mapped twice"));
    }

    @Test
    void filterAcceptsTypesAndTypeEventsInEitherSpelling() {
        MessageTypeFilter filter = MessageTypeFilter.parse(List.of("ADT_A01", "ADT^A04", "ORU"));
        assertThat(filter.accepts("ADT", "A01")).isTrue();
        assertThat(filter.accepts("ADT", "A04")).isTrue();
        assertThat(filter.accepts("ADT", "A08")).isFalse();
        assertThat(filter.accepts("ORU", "R30")).isTrue();
        assertThat(filter.accepts("VXU", "V04")).isFalse();
        assertThat(MessageTypeFilter.parse(List.of()).accepts("ANY", null)).isTrue();
        assertThatThrownBy(() -> MessageTypeFilter.parse(List.of("ADT^A01^X"))).hasMessageContaining("ADT^A01^X");
    }
}
