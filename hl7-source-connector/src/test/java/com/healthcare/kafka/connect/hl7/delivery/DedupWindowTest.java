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
        long hash = window.hash("A\u0000B\u00001");
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
        long hash = window.hash("k");
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
            window.admit(window.hash("m" + i), p);
            window.settle(p.dedupEntry(), true);
        }
        assertThat(window.size()).isEqualTo(3);
        assertThat(window.isStored(window.hash("m0"))).isFalse();
        String encoded = window.encoded();
        assertThat(encoded).hasSize(3 * DedupWindow.ENCODED_HASH_CHARS);

        DedupWindow restored = new DedupWindow(3);
        assertThat(restored.restore(encoded)).isEqualTo(3);
        assertThat(restored.hashes()).isEqualTo(window.hashes());
        assertThat(restored.admit(window.hash("m4"), part())).isEqualTo(DedupWindow.Admission.DUPLICATE_STORED);
        assertThat(restored.admit(window.hash("m1"), part())).isEqualTo(DedupWindow.Admission.NEW);
    }

    @Test
    void pendingEntriesOutliveEviction() {
        DedupWindow window = new DedupWindow(1);
        Part first = part();
        window.admit(window.hash("a"), first);
        window.admit(window.hash("b"), part());
        Part waiting = part();
        assertThat(window.admit(window.hash("a"), waiting)).isEqualTo(DedupWindow.Admission.DUPLICATE_PENDING);
        assertThat(window.settle(first.dedupEntry(), true)).containsExactly(waiting);
        waiting.complete(Outcome.SUCCESS);
        assertThat(window.admit(window.hash("a"), part())).as("evicted once settled").isEqualTo(DedupWindow.Admission.NEW);
    }
}
