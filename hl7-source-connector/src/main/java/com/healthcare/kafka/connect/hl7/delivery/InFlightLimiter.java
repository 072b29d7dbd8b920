package com.healthcare.kafka.connect.hl7.delivery;

/**
 * Bounds what a task holds between receiving a frame and completing it: a number of frames
 * ({@code queue.capacity}) and a number of bytes. When a frame does not fit, the listener stops reading from
 * that connection (TCP backpressure) instead of dropping anything. One frame always fits when nothing else is
 * held, so a message larger than the byte budget still gets through.
 */
public final class InFlightLimiter {

    private final int maxFrames;
    private final long maxBytes;
    private final Runnable onRelease;
    private int frames;
    private long bytes;
    private boolean waiters;

    /** @param onRelease run (outside the lock) after a release when an acquire had failed since the last one */
    public InFlightLimiter(int maxFrames, long maxBytes, Runnable onRelease) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.onRelease = onRelease;
    }

    /** Takes room for a frame of {@code size} bytes; {@code force} takes it even beyond the limits. */
    public synchronized boolean tryAcquire(long size, boolean force) {
        if (force || frames == 0 || (frames < maxFrames && bytes + size <= maxBytes)) {
            frames++;
            bytes += size;
            return true;
        }
        waiters = true;
        return false;
    }

    public void release(long size) {
        boolean notify;
        synchronized (this) {
            frames--;
            bytes -= size;
            notify = waiters;
            waiters = false;
        }
        if (notify) {
            onRelease.run();
        }
    }

    public synchronized int frames() {
        return frames;
    }
}
