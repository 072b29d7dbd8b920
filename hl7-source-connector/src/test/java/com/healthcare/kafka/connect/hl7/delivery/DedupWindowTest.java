package com.healthcare.kafka.connect.hl7.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.hl7.ack.Outcome;

class DedupWindowTest {

    private static final FrameOwner OWNER = new FrameOwner() {
        @Override
        public void frameCompleted(InboundFrame frame) {
        }

        @Override
        public String remoteAddress() {
            return "test";
        }
    };

    private static Part part() {
        return new InboundFrame(OWNER, InboundFrame.Kind.MESSAGE, new byte[0], null, true, 1_000_000_000L)
                .addPart(null, null);
    }

    @Test
    void duplicatesWaitForOrRepeatTheOriginalOutcome() {
        DedupWindow window = new DedupWindow(10);
        DedupWindow.Key hash = window.key("A\u0000B\u00001", "text");
        Part original = part();
        assertThat(window.admit(hash, original)).isEqualTo(DedupWindow.Admission.NEW);
        Part early = part();
        assertThat(window.admit(hash, early)).isEqualTo(DedupWindow.Admission.DUPLICATE_PENDING);
        assertThat(window.settle(original.dedupEntry(), true)).containsExactly(early);
        assertThat(window.admit(hash, part())).isEqualTo(DedupWindow.Admission.DUPLICATE_STORED);
    }

    @Test
    void aDroppedOriginalIsForgottenSoTheResendIsWritten() {
        DedupWindow window = new DedupWindow(10);
        DedupWindow.Key hash = window.key("k", "text");
        Part original = part();
        window.admit(hash, original);
        window.settle(original.dedupEntry(), false);
        assertThat(window.admit(hash, part())).isEqualTo(DedupWindow.Admission.NEW);
    }

    @Test
    void theWindowIsBoundedAndSurvivesEncoding() {
        DedupWindow window = new DedupWindow(3);
        for (int i = 0; i < 5; i++) {
            Part p = part();
            window.admit(window.key("m" + i, "text"), p);
            window.settle(p.dedupEntry(), true);
        }
        assertThat(window.size()).isEqualTo(3);
        assertThat(window.isStored(window.key("m0", "text"))).isFalse();
        String encoded = window.encoded();
        assertThat(encoded).hasSize(DedupWindow.FORMAT_2.length() + 3 * DedupWindow.ENCODED_KEY_CHARS);

        DedupWindow restored = new DedupWindow(3);
        assertThat(restored.restore(encoded)).isEqualTo(3);
        assertThat(restored.keys()).isEqualTo(window.keys());
        assertThat(restored.admit(window.key("m4", "text"), part())).isEqualTo(DedupWindow.Admission.DUPLICATE_STORED);
        assertThat(restored.admit(window.key("m1", "text"), part())).isEqualTo(DedupWindow.Admission.NEW);
    }

    @Test
    void pendingEntriesOutliveEviction() {
        DedupWindow window = new DedupWindow(1);
        Part first = part();
        window.admit(window.key("a", "text"), first);
        window.admit(window.key("b", "text"), part());
        Part waiting = part();
        assertThat(window.admit(window.key("a", "text"), waiting)).isEqualTo(DedupWindow.Admission.DUPLICATE_PENDING);
        assertThat(window.settle(first.dedupEntry(), true)).containsExactly(waiting);
        waiting.complete(Outcome.SUCCESS);
        assertThat(window.admit(window.key("a", "text"), part())).as("evicted once settled").isEqualTo(DedupWindow.Admission.NEW);
    }

    @Test
    void aDifferentMessageReusingAControlIdIsNewAndItsOwnResendIsADuplicate() {
        DedupWindow window = new DedupWindow(10);
        Part original = part();
        assertThat(window.admit(window.key("A\u0000B\u0000ID7", "MSH|...|ID7\rPID|1||111"), original))
                .isEqualTo(DedupWindow.Admission.NEW);
        window.settle(original.dedupEntry(), true);
        Part other = part();
        DedupWindow.Key otherKey = window.key("A\u0000B\u0000ID7", "MSH|...|ID7\rPID|1||222");
        assertThat(window.admit(otherKey, other)).isEqualTo(DedupWindow.Admission.NEW_REUSED_ID);
        window.settle(other.dedupEntry(), true);
        assertThat(window.admit(otherKey, part())).isEqualTo(DedupWindow.Admission.DUPLICATE_STORED);
        assertThat(window.admit(window.key("A\u0000B\u0000ID7", "MSH|...|ID7\rPID|1||111"), part()))
                .isEqualTo(DedupWindow.Admission.DUPLICATE_STORED);

        DedupWindow restored = new DedupWindow(10);
        assertThat(restored.restore(window.encoded())).isEqualTo(2);
        assertThat(restored.admit(otherKey, part())).isEqualTo(DedupWindow.Admission.DUPLICATE_STORED);
        assertThat(restored.admit(restored.key("A\u0000B\u0000ID7", "third"), part()))
                .isEqualTo(DedupWindow.Admission.NEW_REUSED_ID);
    }

    @Test
    void offsetsOfEarlierVersionsAreReadButNeverSuppressAMessage() {
        // The earlier encoding: 11 base64url characters per 64-bit id hash, no marker, no digest.
        DedupWindow window = new DedupWindow(10);
        DedupWindow.Key key = window.key("A\u0000B\u0000OLD1", "text");
        String legacy = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.nio.ByteBuffer.allocate(8).putLong(key.id()).array());
        assertThat(legacy).hasSize(DedupWindow.LEGACY_HASH_CHARS);
        assertThat(window.restore(legacy + legacy.replace(legacy.charAt(0), legacy.charAt(0) == 'A' ? 'B' : 'A')))
                .isEqualTo(2);
        assertThat(window.admit(key, part())).as("unknown content: written again, never dropped")
                .isEqualTo(DedupWindow.Admission.NEW_REUSED_ID);
        assertThat(window.encoded()).startsWith(DedupWindow.FORMAT_2);
    }
}
