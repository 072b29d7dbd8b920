package com.healthcare.kafka.connect.hl7.mllp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Incremental MLLP decoder: 0x0B, payload, 0x1C, 0x0D. Feeds on a byte buffer and returns one event at a time,
 * so a caller that cannot take more (backpressure) simply stops asking and the remaining bytes stay in the
 * buffer. Memory is bounded: at most {@code maxFrameBytes} per connection are ever buffered; the rest of an
 * oversized frame is discarded. Not thread-safe (one per connection).
 */
public final class MllpFrameDecoder {

    public static final byte START_BLOCK = 0x0B;
    public static final byte END_BLOCK = 0x1C;
    public static final byte CARRIAGE_RETURN = 0x0D;

    private enum State { OUTSIDE, IN_FRAME, AFTER_END, DISCARDING }

    private final int maxFrameBytes;
    private State state = State.OUTSIDE;
    private static final int INITIAL_FRAME_BYTES = 4096;
    private static final byte[] NO_BYTES = new byte[0];

    /** Allocated at the first frame byte: a connection that never sends costs nothing here. */
    private byte[] buffer = NO_BYTES;
    private int length;
    private byte[] garbage;
    private int garbageLength;
    private long frameStartNanos;

    public MllpFrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Consumes bytes from {@code in} (in read mode) up to and including the next event, and returns it; null
     * when {@code in} was used up without completing one.
     */
    public FrameEvent next(ByteBuffer in) {
        while (in.hasRemaining()) {
            switch (state) {
                case OUTSIDE: {
                    byte b = in.get();
                    if (b == START_BLOCK) {
                        beginFrame();
                        FrameEvent pending = takeGarbage();
                        if (pending != null) {
                            return pending;
                        }
                    } else if (!isWhitespace(b)) {
                        addGarbage(b);
                    }
                    break;
                }
                case AFTER_END: {
                    byte b = in.get(in.position());
                    state = State.OUTSIDE;
                    if (b == CARRIAGE_RETURN) {
                        in.get();
                    }
                    break;
                }
                case IN_FRAME: {
                    FrameEvent event = scanFrame(in);
                    if (event != null) {
                        return event;
                    }
                    break;
                }
                case DISCARDING: {
                    byte b = in.get();
                    if (b == END_BLOCK) {
                        state = State.AFTER_END;
                    } else if (b == START_BLOCK) {
                        beginFrame();
                    }
                    break;
                }
                default:
                    throw new IllegalStateException(state.name());
            }
        }
        return null;
    }

    /** Copies frame bytes up to the end byte in bulk (the hot path). */
    private FrameEvent scanFrame(ByteBuffer in) {
        int pos = in.position();
        int limit = in.limit();
        int end = -1;
        int restart = -1;
        if (in.hasArray()) {
            byte[] array = in.array();
            int offset = in.arrayOffset();
            for (int i = pos; i < limit; i++) {
                byte b = array[offset + i];
                if (b == END_BLOCK) {
                    end = i;
                    break;
                }
                if (b == START_BLOCK) {
                    restart = i;
                    break;
                }
            }
        } else {
            for (int i = pos; i < limit; i++) {
                byte b = in.get(i);
                if (b == END_BLOCK) {
                    end = i;
                    break;
                }
                if (b == START_BLOCK) {
                    restart = i;
                    break;
                }
            }
        }
        int stop = end >= 0 ? end : restart >= 0 ? restart : limit;
        int count = stop - pos;
        if (length + (long) count > maxFrameBytes) {
            int keep = maxFrameBytes - length;
            append(in, keep);
            in.position(stop);
            byte[] prefix = Arrays.copyOf(buffer, length);
            length = 0;
            shrink();
            if (end >= 0) {
                in.get();
                state = State.AFTER_END;
            } else if (restart >= 0) {
                in.get();
                beginFrame();
            } else {
                state = State.DISCARDING;
            }
            return new FrameEvent(FrameEvent.Kind.OVERSIZED, prefix,
                    "The frame exceeds hl7.max.message.bytes (" + maxFrameBytes + " bytes)");
        }
        append(in, count);
        if (end >= 0) {
            in.get();
            state = State.AFTER_END;
            byte[] payload = Arrays.copyOf(buffer, length);
            length = 0;
            shrink();
            return new FrameEvent(FrameEvent.Kind.FRAME, payload, null);
        }
        if (restart >= 0) {
            in.get();
            byte[] partial = Arrays.copyOf(buffer, length);
            beginFrame();
            return new FrameEvent(FrameEvent.Kind.TRUNCATED, partial,
                    "A new frame started (0x0B) before the end of the previous one (0x1C)");
        }
        return null;
    }

    private void append(ByteBuffer in, int count) {
        if (count <= 0) {
            return;
        }
        if (length + count > buffer.length) {
            int capacity = Math.max(buffer.length, INITIAL_FRAME_BYTES);
            while (capacity < length + count) {
                capacity = (int) Math.min((long) capacity * 2, maxFrameBytes);
            }
            buffer = Arrays.copyOf(buffer, capacity);
        }
        in.get(buffer, length, count);
        length += count;
    }

    /** Large buffers are not kept between frames (a big message must not pin memory on an idle connection). */
    private void shrink() {
        if (buffer.length > 64 * 1024) {
            buffer = new byte[INITIAL_FRAME_BYTES];
        }
    }

    private void beginFrame() {
        state = State.IN_FRAME;
        length = 0;
        frameStartNanos = System.nanoTime();
    }

    private void addGarbage(byte b) {
        if (garbage == null) {
            garbage = new byte[256];
        }
        if (garbageLength < maxFrameBytes) {
            if (garbageLength == garbage.length) {
                garbage = Arrays.copyOf(garbage, Math.min(garbage.length * 2, maxFrameBytes));
            }
            garbage[garbageLength] = b;
        }
        garbageLength++;
    }

    private FrameEvent takeGarbage() {
        if (garbageLength == 0) {
            return null;
        }
        byte[] kept = Arrays.copyOf(garbage, Math.min(garbageLength, maxFrameBytes));
        int total = garbageLength;
        garbage = null;
        garbageLength = 0;
        return new FrameEvent(FrameEvent.Kind.GARBAGE, kept, total + " bytes arrived outside an MLLP frame "
                + "(expected 0x0B before a message)");
    }

    /** Garbage bytes waiting for a start byte beyond which a sender cannot be speaking MLLP. */
    public boolean garbageOverflowed() {
        return garbageLength > maxFrameBytes;
    }

    /** Whether a frame has started and not ended. */
    public boolean inFrame() {
        return state == State.IN_FRAME;
    }

    /** When the current frame started (System.nanoTime), meaningful while {@link #inFrame()}. */
    public long frameStartNanos() {
        return frameStartNanos;
    }

    /**
     * What is left when the stream ends (or the connection is closed for a timeout): a truncated frame or
     * garbage, or null.
     */
    public FrameEvent finish(String why) {
        FrameEvent result = null;
        if (state == State.IN_FRAME) {
            byte[] partial = Arrays.copyOf(buffer, length);
            result = new FrameEvent(FrameEvent.Kind.TRUNCATED, partial, why);
        } else if (garbageLength > 0) {
            result = takeGarbage();
        }
        state = State.OUTSIDE;
        length = 0;
        garbage = null;
        garbageLength = 0;
        return result;
    }

    private static boolean isWhitespace(byte b) {
        return b == CARRIAGE_RETURN || b == '\n' || b == ' ' || b == '\t' || b == 0;
    }
}
