package com.healthcare.kafka.connect.hl7.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class MllpFrameDecoderTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<FrameEvent> decodeAll(MllpFrameDecoder decoder, byte[]... chunks) {
        List<FrameEvent> events = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            FrameEvent event;
            while ((event = decoder.next(buffer)) != null) {
                events.add(event);
            }
            assertThat(buffer.hasRemaining()).isFalse();
        }
        return events;
    }

    private static String text(FrameEvent event) {
        return new String(event.bytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void severalFramesInOneBufferComeOutInOrder() {
        List<FrameEvent> events = decodeAll(new MllpFrameDecoder(1000),
                bytes("\u000bONE\u001c\r\u000bTWO\u001c\r\r\n\u000bTHREE\u001c\r"));
        assertThat(events).extracting(FrameEvent::kind).containsOnly(FrameEvent.Kind.FRAME);
        assertThat(events).extracting(MllpFrameDecoderTest::text).containsExactly("ONE", "TWO", "THREE");
    }

    @Test
    void aFrameSplitAcrossReadsIsReassembledAndAMissingFinalCrIsTolerated() {
        List<FrameEvent> events = decodeAll(new MllpFrameDecoder(1000), bytes("\u000bMSH|a"), bytes("bc\rPID"),
                bytes("|1\u001c"), bytes("\u000bNEXT\u001c"));
        assertThat(events).extracting(MllpFrameDecoderTest::text).containsExactly("MSH|abc\rPID|1", "NEXT");
    }

    @Test
    void oversizedFramesKeepOnlyTheLimitAndDiscardTheRest() {
        MllpFrameDecoder decoder = new MllpFrameDecoder(10);
        List<FrameEvent> events = decodeAll(decoder, bytes("\u000b0123456789ABCDEF"), bytes("GHIJ\u001c\r"),
                bytes("\u000bok\u001c\r"));
        assertThat(events).extracting(FrameEvent::kind).containsExactly(FrameEvent.Kind.OVERSIZED,
                FrameEvent.Kind.FRAME);
        assertThat(text(events.get(0))).isEqualTo("0123456789");
        assertThat(text(events.get(1))).isEqualTo("ok");
    }

    @Test
    void aNewStartBeforeTheEndTruncatesTheFrame() {
        List<FrameEvent> events = decodeAll(new MllpFrameDecoder(100), bytes("\u000bhalf\u000bwhole\u001c\r"));
        assertThat(events).extracting(FrameEvent::kind).containsExactly(FrameEvent.Kind.TRUNCATED,
                FrameEvent.Kind.FRAME);
        assertThat(text(events.get(0))).isEqualTo("half");
        assertThat(text(events.get(1))).isEqualTo("whole");
    }

    @Test
    void bytesOutsideFramesAreReportedAsGarbage() {
        MllpFrameDecoder decoder = new MllpFrameDecoder(100);
        List<FrameEvent> events = decodeAll(decoder, bytes("junk\r\n\u000bmsg\u001c\r"));
        assertThat(events).extracting(FrameEvent::kind).containsExactly(FrameEvent.Kind.GARBAGE,
                FrameEvent.Kind.FRAME);
        assertThat(text(events.get(0))).isEqualTo("junk");
    }

    @Test
    void finishReportsAnUnfinishedFrame() {
        MllpFrameDecoder decoder = new MllpFrameDecoder(100);
        assertThat(decodeAll(decoder, bytes("\u000bpartial"))).isEmpty();
        assertThat(decoder.inFrame()).isTrue();
        FrameEvent rest = decoder.finish("closed");
        assertThat(rest.kind()).isEqualTo(FrameEvent.Kind.TRUNCATED);
        assertThat(text(rest)).isEqualTo("partial");
        assertThat(decoder.finish("again")).isNull();
    }

    @Test
    void theCallerCanStopBetweenFramesAndResumeLater() {
        MllpFrameDecoder decoder = new MllpFrameDecoder(100);
        ByteBuffer buffer = ByteBuffer.wrap(bytes("\u000bA\u001c\r\u000bB\u001c\r"));
        assertThat(text(decoder.next(buffer))).isEqualTo("A");
        assertThat(buffer.remaining()).as("the second frame waits in the buffer").isGreaterThan(3);
        assertThat(text(decoder.next(buffer))).isEqualTo("B");
    }
}
