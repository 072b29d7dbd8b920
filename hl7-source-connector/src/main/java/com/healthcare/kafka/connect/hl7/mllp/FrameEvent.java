package com.healthcare.kafka.connect.hl7.mllp;

/** What the MLLP decoder found in the byte stream. */
public final class FrameEvent {

    /** Kinds of events. */
    public enum Kind {
        /** A complete frame: the bytes between 0x0B and 0x1C. */
        FRAME,
        /** A frame larger than the limit: only its first bytes are kept; the rest is discarded. */
        OVERSIZED,
        /** A frame cut short (a new start byte before the end byte, the connection closed or timed out). */
        TRUNCATED,
        /** Bytes outside a frame (other than whitespace). */
        GARBAGE
    }

    private final Kind kind;
    private final byte[] bytes;
    private final String detail;

    FrameEvent(Kind kind, byte[] bytes, String detail) {
        this.kind = kind;
        this.bytes = bytes;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    /** The frame payload, or the kept prefix of a faulty frame. */
    public byte[] bytes() {
        return bytes;
    }

    /** Why a faulty frame is faulty (no content), or null for a complete frame. */
    public String detail() {
        return detail;
    }
}
