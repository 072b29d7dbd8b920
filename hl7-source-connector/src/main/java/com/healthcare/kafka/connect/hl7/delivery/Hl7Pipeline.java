package com.healthcare.kafka.connect.hl7.delivery;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.hl7.ack.AckBuilder;
import com.healthcare.kafka.connect.hl7.ack.AckPolicy;
import com.healthcare.kafka.connect.hl7.ack.Outcome;
import com.healthcare.kafka.connect.hl7.config.AckOnDropped;
import com.healthcare.kafka.connect.hl7.config.ProcessingGuarantee;
import com.healthcare.kafka.connect.hl7.metrics.Hl7SourceTaskMetrics;
import com.healthcare.kafka.connect.hl7.mllp.MllpHandler;
import com.healthcare.kafka.connect.hl7.parse.ErrorClass;
import com.healthcare.kafka.connect.hl7.parse.FrameContent;
import com.healthcare.kafka.connect.hl7.parse.Hl7InputException;
import com.healthcare.kafka.connect.hl7.parse.Hl7Message;
import com.healthcare.kafka.connect.hl7v2.Hl7Delimiters;
import com.healthcare.kafka.connect.hl7.record.RecordFactory;
import com.healthcare.kafka.connect.hl7.record.TrackedRecord;
import com.healthcare.kafka.connect.hl7.routing.MessageTypeFilter;
import com.healthcare.kafka.connect.hl7.routing.TopicRouter;
import com.healthcare.kafka.connect.hl7.validation.HapiValidator;

/**
 * The task's message pipeline between the MLLP listener and Connect: frames queue up here, {@link #poll} turns
 * them into records (or error-topic records for bad input), {@link #commit} turns Kafka's confirmation into the
 * outcome of each message, and {@link #render} builds the response once a frame is complete.
 *
 * <p>Logs name connections, control ids and types only, never content: this class is where PHI flows.
 */
public final class Hl7Pipeline implements MllpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7Pipeline.class);

    static final String OFFSET_WINDOW = "w";
    static final String OFFSET_BATCH = "b";
    private static final long LOG_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int LOGS_PER_WINDOW = 20;

    /** What the pipeline needs to know, taken from the connector config by the task. */
    public static final class Settings {
        public String name = "hl7-source";
        public ProcessingGuarantee guarantee = ProcessingGuarantee.AT_LEAST_ONCE;
        public MessageTypeFilter filter = MessageTypeFilter.acceptAll();
        public TopicRouter router = TopicRouter.of("hl7.", List.of());
        public Charset charsetOverride;
        public AckOnDropped ackOnDropped = AckOnDropped.ERROR;
        public long ackTimeoutMs = 30_000;
        public int maxBatchSize = 100;
        public long pollIntervalMs = 500;
        public boolean failInvalid = true;
        public Map<String, ?> sourcePartition = Map.of("task", "0");
    }

    private final Settings settings;
    private final RecordFactory records;
    private final AckPolicy policy;
    private final AckBuilder acks;
    private final HapiValidator validator;
    private final DedupWindow window;
    private final Hl7SourceTaskMetrics metrics;
    private final LinkedBlockingQueue<InboundFrame> queue = new LinkedBlockingQueue<>();
    /** Answerable frames claimed by poll and not yet complete: what a graceful stop waits for. */
    private final ConcurrentLinkedDeque<InboundFrame> claimed = new ConcurrentLinkedDeque<>();
    private final Outcome timeoutOutcome;
    private final Outcome droppedOutcome;
    private long logWindowStart;
    private int logsInWindow;
    private int suppressedLogs;
    private volatile boolean stopping;

    /**
     * @param validator the HAPI validator, or null without validation
     * @param window    the dedup window (exactly_once), or null
     */
    public Hl7Pipeline(Settings settings, RecordFactory records, AckPolicy policy, AckBuilder acks,
                       HapiValidator validator, DedupWindow window, Hl7SourceTaskMetrics metrics) {
        this.settings = settings;
        this.records = records;
        this.policy = policy;
        this.acks = acks;
        this.validator = validator;
        this.window = window;
        this.metrics = metrics;
        // Short enough for MSA-3's 80 characters after the configured error text.
        this.timeoutOutcome = Outcome.failure(ErrorClass.NOT_STORED, "Kafka did not confirm within hl7.ack.timeout.ms");
        this.droppedOutcome = Outcome.failure(ErrorClass.NOT_STORED, "The record was not written to Kafka (a "
                + "transform filtered it, or a failed send was tolerated by errors.tolerance=all)");
    }

    public int queueDepth() {
        return queue.size();
    }

    // ---- listener side (selector thread) ----

    @Override
    public void enqueue(InboundFrame frame) {
        queue.add(frame);
    }

    @Override
    public void expire(InboundFrame frame) {
        if (!frame.isCompleted()) {
            if (frame.markTimedOut()) {
                metrics.ackTimeouts.increment();
            }
            Hl7Message header = frame.content() == null ? bestEffortHeader(frame.payload()) : null;
            frame.expire(timeoutOutcome, header);
        }
    }

    @Override
    public byte[] render(InboundFrame frame) {
        List<Part> parts = frame.parts();
        for (Part part : parts) {
            count(part.outcome());
        }
        if (!frame.answerable() || parts.isEmpty() && frame.content() == null) {
            return null;
        }
        FrameContent content = frame.content();
        if (content != null && content.isBatch()) {
            List<String> answers = new ArrayList<>(parts.size());
            Hl7Delimiters separators = Hl7Delimiters.STANDARD;
            for (Part part : parts) {
                if (part.message() != null && separators == Hl7Delimiters.STANDARD) {
                    separators = part.message().separators();
                }
                String ack = ack(part);
                if (ack != null) {
                    answers.add(ack);
                }
            }
            if (answers.isEmpty() && !parts.isEmpty()) {
                return null;
            }
            return acks.batch(content.fileHeader(), content.batchHeader(), separators, answers)
                    .getBytes(content.charset());
        }
        if (parts.isEmpty()) {
            return null;
        }
        Part part = parts.get(0);
        String ack = ack(part);
        if (ack == null) {
            return null;
        }
        Charset charset = part.message() != null ? part.message().charset()
                : content != null ? content.charset() : StandardCharsets.UTF_8;
        return ack.getBytes(charset);
    }

    private String ack(Part part) {
        Outcome outcome = part.outcome();
        String code = policy.code(part.message(), outcome);
        if (code == null) {
            return null;
        }
        return acks.build(part.message(), code, policy.text(outcome), outcome.errorClass());
    }

    private void count(Outcome outcome) {
        if (outcome == null) {
            return;
        }
        switch (outcome.kind()) {
            case SUCCESS:
                metrics.acknowledged.increment();
                break;
            case ERROR:
                metrics.errored.increment();
                break;
            default:
                metrics.rejected.increment();
        }
    }

    // ---- Connect side (task thread) ----

    /**
     * Waits up to poll.interval.ms for the first frame, then takes frames until max.batch.size records. Returns
     * null when nothing arrived.
     */
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        InboundFrame first = queue.poll(settings.pollIntervalMs, TimeUnit.MILLISECONDS);
        if (first == null) {
            pruneClaimed();
            return null;
        }
        List<SourceRecord> out = new ArrayList<>(Math.min(settings.maxBatchSize, 64));
        OffsetState offsets = window == null ? null : new OffsetState(window.encoded());
        InboundFrame frame = first;
        while (frame != null) {
            process(frame, out, offsets);
            if (out.size() >= settings.maxBatchSize || stopping) {
                break;
            }
            frame = queue.poll();
        }
        pruneClaimed();
        return out;
    }

    private void pruneClaimed() {
        InboundFrame head;
        while ((head = claimed.peekFirst()) != null && head.isCompleted()) {
            claimed.pollFirst();
        }
    }

    /** Source offsets of exactly_once: the window as of the batch start plus this batch's new messages so far. */
    private final class OffsetState {
        private final String windowAtStart;
        private final StringBuilder batch = new StringBuilder(DedupWindow.FORMAT_2);
        private Map<String, Object> current;

        OffsetState(String windowAtStart) {
            this.windowAtStart = windowAtStart;
        }

        void add(DedupWindow.Key key) {
            DedupWindow.appendEncoded(batch, key);
            current = null;
        }

        Map<String, Object> offset() {
            if (current == null) {
                Map<String, Object> offset = new HashMap<>(4);
                offset.put(OFFSET_WINDOW, windowAtStart);
                offset.put(OFFSET_BATCH, batch.toString());
                current = offset;
            }
            return current;
        }
    }

    private void process(InboundFrame frame, List<SourceRecord> out, OffsetState offsets) {
        if (!frame.claim()) {
            return;
        }
        if (frame.answerable()) {
            claimed.add(frame);
        }
        if (frame.kind() != InboundFrame.Kind.MESSAGE) {
            ErrorClass errorClass = frame.kind() == InboundFrame.Kind.OVERSIZED ? ErrorClass.OVERSIZED
                    : frame.kind() == InboundFrame.Kind.TRUNCATED ? ErrorClass.TRUNCATED : ErrorClass.FRAMING;
            Hl7Message header = frame.kind() == InboundFrame.Kind.OVERSIZED ? bestEffortHeader(frame.payload()) : null;
            reject(frame, header, frame.payload(), null, new Hl7InputException(errorClass, frame.faultDetail()),
                    out, offsets);
            frame.sealed(null);
            return;
        }
        FrameContent content;
        try {
            content = FrameContent.decode(frame.payload(), settings.charsetOverride);
        } catch (Hl7InputException e) {
            metrics.messagesReceived.increment();
            Hl7Message header = bestEffortHeader(frame.payload());
            reject(frame, header, frame.payload(), null, e, out, offsets);
            frame.sealed(null);
            return;
        }
        boolean single = !content.isBatch();
        for (String text : content.messages()) {
            metrics.messagesReceived.increment();
            processMessage(frame, text, content, single, out, offsets);
        }
        frame.sealed(content);
    }

    private void processMessage(InboundFrame frame, String text, FrameContent content, boolean single,
                                List<SourceRecord> out, OffsetState offsets) {
        Hl7Message message = null;
        String findings = null;
        String topic;
        try {
            message = Hl7Message.parse(text, content.charset());
            topic = check(message);
            if (validator != null) {
                findings = validator.validate(message);
                if (findings != null && settings.failInvalid) {
                    throw new Hl7InputException(ErrorClass.INVALID, "The message failed HL7 validation: "
                            + findings, message);
                }
            }
            long bound = records.messageRecordBound(message, frame.receivedAtMillis(), frame.owner().remoteAddress(),
                    findings);
            if (bound > records.maxRecordBytes()) {
                // Escaping can grow a record six-fold: sending it would fail the task (RecordTooLargeException).
                throw new Hl7InputException(ErrorClass.TOO_LARGE, "Record too large for Kafka after conversion ("
                        + bound + " > " + records.maxRecordBytes() + " bytes)", message);
            }
        } catch (Hl7InputException e) {
            byte[] raw = single ? frame.payload() : text.getBytes(content.charset());
            reject(frame, message, raw, content.charset().name(), e, out, offsets);
            return;
        }
        Part part = frame.addPart(message, null);
        if (window != null) {
            DedupWindow.Key key = window.key(message.dedupKey(), message.text());
            switch (window.admit(key, part)) {
                case DUPLICATE_STORED:
                    metrics.duplicates.increment();
                    logEvent("answered a duplicate of an acknowledged message with its original ACK", frame, message);
                    part.complete(Outcome.SUCCESS);
                    return;
                case DUPLICATE_PENDING:
                    metrics.duplicates.increment();
                    logEvent("a duplicate arrived while its original is in flight; it gets the original's ACK",
                            frame, message);
                    return;
                case NEW_REUSED_ID:
                    // Same MSH-3/4/10 as a remembered message, different content: a new message, written.
                    metrics.controlIdReuses.increment();
                    logEvent("a different message reuses the control id of a recent one: writing it, not treating "
                            + "it as a duplicate", frame, message);
                    offsets.add(key);
                    break;
                default:
                    offsets.add(key);
            }
        }
        out.add(records.messageRecord(part, topic, offsets == null ? null : settings.sourcePartition,
                offsets == null ? null : offsets.offset(), findings));
        if (settings.guarantee == ProcessingGuarantee.AT_MOST_ONCE) {
            part.complete(Outcome.SUCCESS);
        }
    }

    /** The topic of an acceptable message; throws for a message that cannot be accepted. */
    private String check(Hl7Message message) throws Hl7InputException {
        String type = message.messageType();
        if (type == null) {
            throw new Hl7InputException(ErrorClass.MISSING_FIELD, "MSH-9 (message type) is empty", message);
        }
        if (message.controlId() == null) {
            throw new Hl7InputException(ErrorClass.MISSING_FIELD, "MSH-10 (message control id) is empty", message);
        }
        String event = message.triggerEvent();
        if (!settings.filter.accepts(type, event)) {
            throw new Hl7InputException(ErrorClass.UNSUPPORTED_TYPE, "Message type " + shown(type, event)
                    + " is not accepted by this listener (hl7.message.types)", message);
        }
        String topic = settings.router.topicFor(type, event);
        if (topic == null) {
            throw new Hl7InputException(ErrorClass.UNSUPPORTED_TYPE, "Message type " + shown(type, event)
                    + " cannot name a topic (expected letters and digits)", message);
        }
        return topic;
    }

    private static String shown(String type, String event) {
        return safe(type) + (event == null ? "" : "^" + safe(event));
    }

    /** A message type or event as it may appear in a reason or log: short, letters, digits and '_'. */
    private static String safe(String value) {
        String cut = value.length() > 10 ? value.substring(0, 10) : value;
        return cut.replaceAll("[^A-Za-z0-9_]", "?");
    }

    private void reject(InboundFrame frame, Hl7Message header, byte[] raw, String charset, Hl7InputException e,
                        List<SourceRecord> out, OffsetState offsets) {
        Outcome failure = Outcome.failure(e.errorClass(), e.getMessage());
        Hl7Message addressed = header != null ? header : e.header();
        Part part = frame.addPart(addressed, failure);
        out.add(records.errorRecord(part, raw, e.errorClass(), e.getMessage(), charset,
                offsets == null ? null : settings.sourcePartition, offsets == null ? null : offsets.offset()));
        metrics.errorRecords.increment();
        // Validation findings may quote content: only the class goes to the log.
        logEvent("rejected input (" + e.errorClass().header() + ")"
                        + (e.errorClass() == ErrorClass.INVALID ? "" : ": " + e.getMessage()),
                frame, addressed);
        if (settings.guarantee == ProcessingGuarantee.AT_MOST_ONCE) {
            part.complete(failure);
        }
    }

    /** Kafka's verdict on a record: Connect calls this with null metadata when the record was not written. */
    public void commit(SourceRecord record, RecordMetadata metadata) {
        if (!(record instanceof TrackedRecord)) {
            return;
        }
        TrackedRecord tracked = (TrackedRecord) record;
        Part part = tracked.part();
        boolean stored = metadata != null;
        if (tracked.isErrorRecord()) {
            part.complete(part.presetFailure());
            return;
        }
        Outcome outcome = stored || settings.ackOnDropped == AckOnDropped.ACCEPT ? Outcome.SUCCESS : droppedOutcome;
        if (!stored) {
            logEvent("Connect reported the record as not written; answering per hl7.ack.on.dropped ("
                    + settings.ackOnDropped.name().toLowerCase(java.util.Locale.ROOT) + ")", part.frame(),
                    part.message());
        }
        DedupWindow.Entry entry = part.dedupEntry();
        if (entry != null) {
            for (Part duplicate : window.settle(entry, stored)) {
                duplicate.complete(outcome);
            }
        }
        part.complete(outcome);
    }

    // ---- shutdown ----

    /** Stops handing out records (poll returns null from now on). */
    public void stopPolling() {
        stopping = true;
    }

    /** Waits, at most {@code timeoutMs}, until every frame already handed to Connect is complete. */
    public boolean awaitClaimedCompleted(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            pruneClaimed();
            boolean allDone = true;
            for (InboundFrame frame : claimed) {
                if (!frame.isCompleted()) {
                    allDone = false;
                    break;
                }
            }
            if (allDone) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    // ---- helpers ----

    /** Reads the MSH of undecodable or oversized input as ISO-8859-1, only to address the ACK; null if none. */
    static Hl7Message bestEffortHeader(byte[] payload) {
        try {
            String latin = new String(payload, 0, Math.min(payload.length, 64 * 1024), StandardCharsets.ISO_8859_1);
            int msh = latin.indexOf("MSH");
            if (msh < 0) {
                return null;
            }
            String text = latin.substring(msh).replace("\r\n", "\r").replace('\n', '\r');
            int end = text.indexOf('\r');
            return Hl7Message.parse(end < 0 ? text : text.substring(0, end + 1), StandardCharsets.ISO_8859_1);
        } catch (Hl7InputException | RuntimeException e) {
            return null;
        }
    }

    /** Rate-limited log line naming the connection, control id and type only. */
    private void logEvent(String what, InboundFrame frame, Hl7Message message) {
        long now = System.nanoTime();
        synchronized (this) {
            if (now - logWindowStart > LOG_WINDOW_NANOS) {
                if (suppressedLogs > 0) {
                    LOG.info("{}: {} similar log lines suppressed in the last 10 s", settings.name, suppressedLogs);
                }
                logWindowStart = now;
                logsInWindow = 0;
                suppressedLogs = 0;
            }
            if (++logsInWindow > LOGS_PER_WINDOW) {
                suppressedLogs++;
                return;
            }
        }
        String controlId = message == null ? null : message.controlId();
        String type = message == null || message.messageType() == null ? null
                : safe(message.messageType()) + (message.triggerEvent() == null ? "" : "^" + safe(message.triggerEvent()));
        LOG.info("{}: {} [from {}, control id {}, type {}]", settings.name, what, frame.owner().remoteAddress(),
                controlId == null ? "-" : printable(controlId), type == null ? "-" : type);
    }

    private static String printable(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) : value;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
