package com.healthcare.kafka.connect.fhir.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.fhir.client.BundleReader.ResourceInfo;
import com.healthcare.kafka.connect.fhir.poll.TypeCursor.Decision;

class TypeCursorTest {

    static ResourceInfo r(String id, String version, String lastUpdated) {
        return new ResourceInfo("Patient", id, version, lastUpdated, 0, 0);
    }

    static Decision search(TypeCursor c, ResourceInfo r) {
        return c.searched(r, com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig.parseInstant(r.lastUpdated()));
    }

    @Test
    void idsAtTheWatermarkInstantAreSkippedAcrossAPageBoundaryAndARestart() {
        TypeCursor c = TypeCursor.restore(null, null);
        String t = "2024-05-01T10:00:00.123+00:00";
        assertThat(search(c, r("a", "1", t))).isEqualTo(Decision.EMIT);
        assertThat(search(c, r("b", "1", t))).isEqualTo(Decision.EMIT);
        // restart here: the offset carries the instant and the two keys
        Map<String, Object> offset = c.toOffset();
        assertThat(offset.values()).allMatch(v -> v instanceof String || v instanceof Integer);
        TypeCursor restored = TypeCursor.restore(offset, "2020-01-01T00:00:00Z");
        assertThat(restored.watermarkText()).isEqualTo(t);
        // the next search (ge t) returns a and b again, then c at the same instant
        assertThat(search(restored, r("a", "1", t))).isEqualTo(Decision.SKIP);
        assertThat(search(restored, r("b", "1", t))).isEqualTo(Decision.SKIP);
        assertThat(search(restored, r("c", "1", t))).isEqualTo(Decision.EMIT);
        assertThat(restored.idsAtWatermark()).isEqualTo(3);
        // a later instant resets the set
        assertThat(search(restored, r("a", "2", "2024-05-01T10:00:00.124+00:00"))).isEqualTo(Decision.EMIT);
        assertThat(restored.idsAtWatermark()).isEqualTo(1);
        assertThat(search(restored, r("z", "9", "2024-05-01T09:00:00.000+00:00"))).isEqualTo(Decision.SKIP);
    }

    @Test
    void aSecondVersionWithinTheSameInstantIsNotLost() {
        TypeCursor c = TypeCursor.restore(null, null);
        String t = "2024-05-01T10:00:00.123Z";
        assertThat(search(c, r("a", "1", t))).isEqualTo(Decision.EMIT);
        assertThat(search(c, r("a", "2", t))).isEqualTo(Decision.EMIT);
        assertThat(search(c, r("a", "2", t))).isEqualTo(Decision.SKIP);
    }

    @Test
    void sinceIsTheFirstWatermark() {
        TypeCursor c = TypeCursor.restore(Map.of(), "2024-01-01T00:00:00Z");
        assertThat(c.watermarkText()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(c.deleteSince()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(search(c, r("old", "1", "2023-12-31T23:59:59Z"))).isEqualTo(Decision.SKIP);
    }

    @Test
    void notifiedResourcesAreSkippedOnceByTheSearchAndSurviveARestart() {
        TypeCursor c = TypeCursor.restore(null, null);
        search(c, r("a", "1", "2024-05-01T10:00:00Z"));
        ResourceInfo b2 = r("b", "2", "2024-05-01T10:00:05Z");
        assertThat(c.notified(b2, Instant.parse("2024-05-01T10:00:05Z"))).isEqualTo(Decision.EMIT);
        assertThat(c.notified(b2, Instant.parse("2024-05-01T10:00:05Z"))).isEqualTo(Decision.SKIP);
        // stale notification of something the search already emitted
        assertThat(c.notified(r("a", "1", "2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:00:00Z")))
                .isEqualTo(Decision.SKIP);
        TypeCursor restored = TypeCursor.restore(c.toOffset(), null);
        assertThat(restored.pendingNotified()).isEqualTo(1);
        assertThat(search(restored, r("c", "1", "2024-05-01T10:00:03Z"))).isEqualTo(Decision.EMIT);
        assertThat(search(restored, b2)).isEqualTo(Decision.SKIP);
        assertThat(restored.pendingNotified()).isZero();
        assertThat(restored.watermarkText()).isEqualTo("2024-05-01T10:00:05Z");
    }

    @Test
    void notificationsThatTheSearchNeverReturnsArePrunedOnceThePassIsBeyondThem() {
        TypeCursor c = TypeCursor.restore(null, null);
        c.notified(r("x", "1", "2024-05-01T10:00:01Z"), Instant.parse("2024-05-01T10:00:01Z"));
        search(c, r("y", "1", "2024-05-01T10:00:02Z"));
        assertThat(c.pendingNotified()).isZero();
    }

    @Test
    void deleteCursorRoundTrips() {
        TypeCursor c = TypeCursor.restore(null, null);
        c.initDeleteSince("2024-05-01T10:00:00Z");
        c.initDeleteSince("2030-01-01T00:00:00Z");
        assertThat(c.deleteSince()).isEqualTo("2024-05-01T10:00:00Z");
        c.deletesRead("2024-05-01T11:00:00Z", List.of("a/3", "b/2"));
        TypeCursor restored = TypeCursor.restore(c.toOffset(), null);
        assertThat(restored.deleteSince()).isEqualTo("2024-05-01T11:00:00Z");
        assertThat(restored.deleteSeen("a/3")).isTrue();
        assertThat(restored.deleteSeen("a/4")).isFalse();
    }

    /**
     * HAPI JPA pages a snapshot of ids but renders each page as it is when read: a resource updated after the search
     * began shows its new version on a later page, after older changes on earlier pages showed their old version.
     */
    @Test
    void aChangeNewerThanTheSearchIsEmittedWithoutMovingTheWatermarkPastEarlierChanges() {
        java.util.function.Function<String, Instant> at =
                com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig::parseInstant;
        TypeCursor c = TypeCursor.restore(null, null);
        String t0 = "2024-05-01T10:00:00.000+00:00";
        Instant horizon = at.apply("2024-05-01T10:00:05.000+00:00");
        // page 1: q in its old version; meanwhile q and then p are updated; page 2: p in its new version
        assertThat(c.searched(r("q", "1", t0), at.apply(t0), horizon)).isEqualTo(Decision.EMIT);
        String pNew = "2024-05-01T10:00:09.000+00:00";
        assertThat(c.searched(r("p", "2", pNew), at.apply(pNew), horizon)).isEqualTo(Decision.EMIT);
        assertThat(c.watermarkText()).isEqualTo(t0);
        // the next search (ge t0) finds q's update, and p's again: q emitted, p not twice
        String qNew = "2024-05-01T10:00:07.000+00:00";
        Instant horizon2 = at.apply("2024-05-01T10:00:10.000+00:00");
        assertThat(c.searched(r("q", "1", t0), at.apply(t0), horizon2)).isEqualTo(Decision.SKIP);
        assertThat(c.searched(r("q", "2", qNew), at.apply(qNew), horizon2)).isEqualTo(Decision.EMIT);
        assertThat(c.searched(r("p", "2", pNew), at.apply(pNew), horizon2)).isEqualTo(Decision.SKIP);
        assertThat(c.watermarkText()).isEqualTo(pNew);
        assertThat(c.pendingNotified()).isZero();
    }

    @Test
    void theNextHistoryReadOverlapsTheLastFewSecondsButNeverGoesBackBeforeTheLastRead() {
        assertThat(TypePoller.nextHistorySince("2024-05-01T10:00:00Z", "2024-05-01T10:01:00.000+00:00"))
                .isEqualTo("2024-05-01T10:00:55Z");
        assertThat(TypePoller.nextHistorySince("2024-05-01T10:00:58Z", "2024-05-01T10:01:00.000+00:00"))
                .isEqualTo("2024-05-01T10:00:58Z");
    }
}
