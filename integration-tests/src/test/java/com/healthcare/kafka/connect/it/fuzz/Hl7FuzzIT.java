package com.healthcare.kafka.connect.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.healthcare.kafka.connect.it.fuzz.FuzzFrames.Answer;
import com.healthcare.kafka.connect.it.fuzz.FuzzFrames.Piece;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

/**
 * A bounded, seeded fuzz run against the HL7 source's MLLP listener in a real worker (the built zip): malformed
 * input of every kind the listener must survive, interleaved with valid messages, over several concurrent
 * connections.
 *
 * <ul>
 *   <li><b>Pipelined lanes</b> ({@code fuzz.lanes} connections at a time): random framed bytes, garbled MSH-1/MSH-2,
 *   broken MSH, undecodable charsets, randomly mutated messages (which may stay acceptable or not), truncated
 *   frames (a new 0x0B before the end byte), bytes outside frames, and
 *   valid messages (also without the final CR, or with LF/CRLF terminators), thousands per connection; each
 *   connection ends with a half-close, the sender reads every response and reconnects.</li>
 *   <li><b>Closer lane</b>, one connection each: oversized frames (with and without end byte), frames without end
 *   byte followed by a close or by a TCP reset, floods of bytes outside any frame.</li>
 *   <li><b>Slow lane</b>: valid messages trickled byte by byte well within {@code hl7.idle.timeout.ms}, frames that
 *   stall past it, and connections that never send anything.</li>
 * </ul>
 *
 * <p>Checked: every valid message gets AA with its control id and is in Kafka; no malformed piece ever gets AA and
 * none lands in a message topic; every complete malformed frame gets AR/AE; the piece kinds the listener cannot
 * answer (bytes outside frames, frames cut short) get no response, and the connections the listener must close
 * are closed; the error topic holds exactly one record per malformed piece (a reset connection: at most one,
 * since its bytes may be discarded by the kernel before they are read); the connector's ErrorRecords metric
 * equals the error topic's size; the listener still answers at the end; the heap stays bounded.
 *
 * <p>{@code -Dfuzz.frames=N} (default 50,000; 1,000,000 with {@code -Pfuzz}), {@code -Dfuzz.seed=S} (default a
 * fixed seed, {@code random} for a fresh one; always printed), {@code -Dfuzz.lanes=L} (default 2),
 * {@code -Dfuzz.validation=true} (the connector also validates every message with HAPI).
 */
class Hl7FuzzIT {

    private static final String CONNECTOR = "hl7-fuzz";
    private static final String PREFIX = "fuzz.";
    private static final String ERROR_TOPIC = "fuzz.errors";
    private static final int MAX_MESSAGE_BYTES = 4096;
    private static final long IDLE_TIMEOUT_MS = 4_000;
    /** One valid message per this many pieces on the pipelined lanes. */
    private static final int VALID_EVERY = 12;
    /** Malformed pieces per pipelined connection before the sender half-closes and reconnects. */
    private static final int PIECES_PER_CONNECTION = 5_000;
    private static final long RESPONSE_TIMEOUT_MS = 120_000;
    private static final long DEFAULT_SEED = 0x5EED_F022L;
    /** -Dfuzz.validation=true: HAPI validation of every message too (slower; mutated messages may get AE). */
    private static final boolean VALIDATION = Boolean.getBoolean("fuzz.validation");

    private static ConnectWorker worker;
    private static int port;

    private final long seed = seed();
    private final long frames = Long.getLong("fuzz.frames", 50_000);
    private final int lanes = Integer.getInteger("fuzz.lanes", 2);

    private final Set<String> sentValid = ConcurrentHashMap.newKeySet();
    private final Set<String> ackedValid = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> sentByKind = new ConcurrentHashMap<>();
    private final LongAdder malformedSent = new LongAdder();
    private final LongAdder expectedErrorRecords = new LongAdder();
    /** Pieces whose record depends on whether the listener read the bytes before the reset: 0 or 1 each. */
    private final LongAdder resetPieces = new LongAdder();
    private final LongAdder rejectedAnswers = new LongAdder();
    private final LongAdder mutatedAccepted = new LongAdder();
    private final LongAdder slowSendersCut = new LongAdder();
    private final LongAdder mutatedRejected = new LongAdder();
    private final LongAdder closedWithoutAnswer = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong failureCount = new AtomicLong();
    private final AtomicBoolean pipelinesDone = new AtomicBoolean();

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start("hl7-fuzz", 1, Map.of(), new Properties(), VALIDATION);
        port = ConnectWorker.freePort();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "com.healthcare.kafka.connect.hl7.Hl7SourceConnector");
        config.put("tasks.max", "1");
        config.put("hl7.listener.host", "127.0.0.1");
        config.put("hl7.listener.port", Integer.toString(port));
        config.put("topic.prefix", PREFIX);
        config.put("hl7.error.topic", ERROR_TOPIC);
        config.put("hl7.key.source", "control_id");
        // Mutated message types are rejected rather than creating topics without end.
        config.put("hl7.message.types", "ADT,ORU");
        config.put("hl7.validation.enabled", Boolean.toString(VALIDATION));
        config.put("hl7.max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        config.put("hl7.idle.timeout.ms", Long.toString(IDLE_TIMEOUT_MS));
        config.put("hl7.max.connections", "32");
        config.put("max.batch.size", "500");
        config.put("poll.interval.ms", "100");
        config.put("producer.override.linger.ms", "5");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        worker.startConnector(CONNECTOR, config, 1);
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private static long seed() {
        String value = System.getProperty("fuzz.seed", "");
        if (value.isBlank()) {
            return DEFAULT_SEED;
        }
        if (value.equals("random")) {
            return new SplittableRandom().nextLong();
        }
        return Long.decode(value);
    }

    @Test
    void listenerSurvivesMalformedInputAndLosesNothing() throws Exception {
        log("seed=" + seed + " (rerun with -Dfuzz.seed=" + seed + ") frames=" + frames + " lanes=" + lanes
                + " validation=" + VALIDATION);
        // The listener answers before the run starts.
        probe("BEFORE", 3);
        long liveBefore = HeapSampler.liveAfterGc();
        SplittableRandom master = new SplittableRandom(seed);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(lanes + 2);
        List<Future<?>> pipelines = new ArrayList<>();
        Future<?> closer;
        Future<?> slow;
        try (HeapSampler heap = new HeapSampler()) {
            long perLane = (frames + lanes - 1) / lanes;
            for (int lane = 0; lane < lanes; lane++) {
                SplittableRandom random = master.split();
                int id = lane;
                pipelines.add(pool.submit(() -> {
                    pipelinedLane(id, random, perLane);
                    return null;
                }));
            }
            SplittableRandom closerRandom = master.split();
            closer = pool.submit(() -> {
                closerLane(closerRandom);
                return null;
            });
            SplittableRandom slowRandom = master.split();
            slow = pool.submit(() -> {
                slowLane(slowRandom);
                return null;
            });
            long lastReport = System.nanoTime();
            for (Future<?> pipeline : pipelines) {
                while (true) {
                    try {
                        pipeline.get(10, TimeUnit.SECONDS);
                        break;
                    } catch (java.util.concurrent.TimeoutException e) {
                        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(30)) {
                            lastReport = System.nanoTime();
                            log(String.format("progress: %,d malformed, %,d valid AA, max heap used %d MiB",
                                    malformedSent.sum(), ackedValid.size(), heap.maxUsed() >> 20));
                        }
                    }
                }
            }
            pipelinesDone.set(true);
            closer.get(5, TimeUnit.MINUTES);
            slow.get(5, TimeUnit.MINUTES);
            // The listener still answers after all of it.
            probe("AFTER", 20);
            double seconds = (System.nanoTime() - start) / 1e9;
            heap.close();
            long liveAfter = HeapSampler.liveAfterGc();

            // Kafka: the error topic fills up to what the connector counted, and not beyond.
            Awaitility.await("error records in Kafka reach the connector's ErrorRecords").atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> endOffset(ERROR_TOPIC) >= expectedErrorRecords.sum()
                            && endOffset(ERROR_TOPIC) == metric("ErrorRecords"));
            long errorRecords = endOffset(ERROR_TOPIC);
            Map<String, Long> errorClasses = errorClasses(errorRecords);
            Map<String, Integer> validInKafka = validControlIds();

            Map<String, Object> metrics = new TreeMap<>();
            for (String name : List.of("FramesReceived", "MessagesReceived", "MessagesAcknowledged",
                    "MessagesRejected", "MessagesErrored", "AckTimeouts", "ErrorRecords", "ConnectionsAccepted",
                    "ConnectionsRefused", "ConnectionsTimedOutOrCut", "AcknowledgementsUndeliverable",
                    "BytesReceived", "AckLatencyP99Ms", "OpenConnections")) {
                metrics.put(name, metric(name));
            }
            String summary = String.format("seed=%d frames(target)=%,d malformed sent=%,d valid sent=%,d valid AA=%,d "
                            + "mutated AA=%,d mutated AR=%,d duration=%.1f s malformed/s=%,.0f connections=%,d "
                            + "rejected answers=%,d closed without answer=%,d trickles cut (too slow here)=%,d "
                            + "error records=%,d (expected %,d + up to %,d reset, %,d of these recorded) "
                            + "max heap used=%d MiB max heap after GC=%d MiB live before=%d MiB live after=%d MiB "
                            + "(max %d MiB)%n  by kind: %s%n  error classes: %s%n  metrics: %s",
                    seed, frames, malformedSent.sum(), sentValid.size(), ackedValid.size(), mutatedAccepted.sum(),
                    mutatedRejected.sum(), seconds,
                    malformedSent.sum() / seconds, connections.sum(), rejectedAnswers.sum(), closedWithoutAnswer.sum(),
                    slowSendersCut.sum(),
                    errorRecords, expectedErrorRecords.sum(), resetPieces.sum(),
                    errorRecords - expectedErrorRecords.sum(), heap.maxUsed() >> 20,
                    heap.maxAfterGc() >> 20, liveBefore >> 20, liveAfter >> 20, HeapSampler.maxHeap() >> 20,
                    new TreeMap<>(sentByKind), errorClasses, metrics);
            log(summary);

            assertThat(failures).as("failures (%d in all; first ones shown) with seed %d", failureCount.get(), seed)
                    .isEmpty();
            assertThat(ackedValid).as("every valid message got AA (seed %d)", seed).isEqualTo(sentValid);
            Set<String> missing = new java.util.HashSet<>(sentValid);
            missing.removeAll(validInKafka.keySet());
            assertThat(missing).as("valid messages missing in Kafka by MSH-10 (seed %d)", seed).isEmpty();
            // Nothing else landed in the message topics but the mutated messages that got AA, each once.
            assertThat(validInKafka.values().stream().mapToLong(Integer::longValue).sum())
                    .as("records in the message topics (seed %d)", seed)
                    .isEqualTo(sentValid.size() + mutatedAccepted.sum());
            assertThat(errorRecords).as("error records vs malformed pieces (seed %d)", seed)
                    .isBetween(expectedErrorRecords.sum(), expectedErrorRecords.sum() + resetPieces.sum());
            // Each kind lands in its class: oversized frames as oversized, bytes outside frames as framing,
            // unfinished frames as truncated; every complete malformed frame in one of the parse classes.
            long sentOversized = sent("OVERSIZED") + sent("OVERSIZED_NO_END");
            long sentFraming = sent("GARBAGE") + sent("GARBAGE_FLOOD");
            long sentTruncated = sent("TRUNCATED_RESTART") + sent("NO_END_CLOSE") + sent("STALL")
                    + slowSendersCut.sum();
            long sentParseErrors = sent("RANDOM_FRAMED") + sent("GARBLED_ENCODING") + sent("BROKEN_MSH")
                    + sent("UNDECODABLE");
            assertThat(errorClasses.getOrDefault("oversized", 0L)).as("oversized").isEqualTo(sentOversized);
            assertThat(errorClasses.getOrDefault("framing", 0L)).as("framing").isEqualTo(sentFraming);
            assertThat(errorClasses.getOrDefault("truncated", 0L)).as("truncated (resets: at most one each)")
                    .isBetween(sentTruncated, sentTruncated + resetPieces.sum());
            long parseErrors = 0;
            for (String parseClass : List.of("no_msh", "malformed", "missing_field", "undecodable",
                    "unsupported_type", "invalid")) {
                parseErrors += errorClasses.getOrDefault(parseClass, 0L);
            }
            assertThat(parseErrors).as("complete malformed frames").isEqualTo(sentParseErrors + mutatedRejected.sum());
            assertThat(rejectedAnswers.sum()).as("AR/AE answers")
                    .isGreaterThanOrEqualTo(sentParseErrors + mutatedRejected.sum());
            assertThat(worker.getJson("connectors/" + CONNECTOR + "/status").path("tasks").get(0).path("state")
                    .asText()).isEqualTo("RUNNING");
            // Bounded: the heap after every collection stays well below the maximum (the broker, the worker and
            // this fuzzer share the JVM; after a young collection it still counts old garbage not yet marked),
            // and the run leaves next to nothing behind (this test's own control-id sets included).
            assertThat(heap.maxAfterGc()).as("max heap after GC").isLessThan(HeapSampler.maxHeap() * 3 / 4);
            assertThat(liveAfter - liveBefore).as("heap retained by the run").isLessThan(64L << 20);
        } finally {
            pipelinesDone.set(true);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    // ---- pipelined lanes ----

    private void pipelinedLane(int lane, SplittableRandom random, long malformedTarget) throws Exception {
        long sent = 0;
        int connection = 0;
        while (sent < malformedTarget) {
            int batch = (int) Math.min(PIECES_PER_CONNECTION, malformedTarget - sent);
            sent += pipelinedConnection("L" + lane + "C" + connection++ + "M", random, batch);
        }
    }

    /** Writes {@code malformed} malformed pieces with valid messages among them, then half-closes. */
    private int pipelinedConnection(String idPrefix, SplittableRandom random, int malformed) throws Exception {
        LinkedBlockingQueue<Piece> awaiting = new LinkedBlockingQueue<>();
        AtomicBoolean writerDone = new AtomicBoolean();
        try (Socket socket = MllpStream.connect(port)) {
            connections.increment();
            MllpStream stream = new MllpStream(socket);
            Thread reader = new Thread(() -> readResponses(stream, awaiting, writerDone), "fuzz-reader-" + idPrefix);
            reader.start();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            int count = 0;
            int valid = 0;
            boolean mustBeFramed = false;
            while (count < malformed) {
                Piece piece;
                if (random.nextInt(VALID_EVERY) == 0) {
                    piece = FuzzFrames.valid(random, idPrefix + valid++);
                } else {
                    piece = FuzzFrames.malformed(random, mustBeFramed);
                    if (piece.malformed()) {
                        count++;
                    }
                }
                account(piece);
                if (piece.answer() != Answer.NONE) {
                    awaiting.add(piece);
                }
                out.write(piece.bytes());
                mustBeFramed = !piece.framed();
                if (random.nextInt(32) == 0) {
                    out.flush(); // vary where TCP segments, and so the listener's reads, split the stream
                }
            }
            // End on a valid message half the time, else on whatever came last (possibly an unfinished frame,
            // which the listener records when the connection closes).
            if (random.nextBoolean()) {
                Piece piece = FuzzFrames.valid(random, idPrefix + valid);
                account(piece);
                awaiting.add(piece);
                out.write(piece.bytes());
            }
            out.flush();
            socket.shutdownOutput();
            writerDone.set(true);
            reader.join(TimeUnit.MINUTES.toMillis(10));
            if (reader.isAlive()) {
                fail("the reader of " + idPrefix + " did not finish");
                reader.interrupt();
            }
        }
        return malformed;
    }

    private void readResponses(MllpStream stream, LinkedBlockingQueue<Piece> awaiting, AtomicBoolean writerDone) {
        try {
            while (true) {
                MllpStream.Event event = stream.next(RESPONSE_TIMEOUT_MS);
                if (event == MllpStream.Event.TIMEOUT) {
                    fail("no response for " + RESPONSE_TIMEOUT_MS + " ms with " + awaiting.size() + " awaited");
                    return;
                }
                if (event == MllpStream.Event.CLOSED) {
                    if (!writerDone.get() || !awaiting.isEmpty()) {
                        fail("the listener closed a pipelined connection early (" + awaiting.size()
                                + " frames unanswered, writer done " + writerDone.get() + ")");
                    }
                    return;
                }
                Piece piece = awaiting.poll(RESPONSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                check(piece, stream.last());
            }
        } catch (IOException | InterruptedException e) {
            fail("reader failed: " + e);
        }
    }

    private void check(Piece piece, String response) {
        String[] msa = MllpStream.msa(response);
        if (piece == null) {
            fail("a response nobody asked for: MSA " + (msa == null ? null : List.of(msa)));
            return;
        }
        if (msa == null) {
            fail(piece.kind() + ": a response without MSA");
            return;
        }
        if (piece.answer() == Answer.ANY) {
            if ("AA".equals(msa[0]) || "CA".equals(msa[0])) {
                mutatedAccepted.increment();
            } else if ("AR".equals(msa[0]) || "CR".equals(msa[0])
                    || VALIDATION && ("AE".equals(msa[0]) || "CE".equals(msa[0]))) {
                // Rejected on parsing (or by validation): malformed after all, with its error record.
                mutatedRejected.increment();
                malformedSent.increment();
                rejectedAnswers.increment();
                expectedErrorRecords.increment();
            } else {
                fail("MUTATED: unexpected " + List.of(msa));
            }
        } else if (piece.answer() == Answer.ACCEPT) {
            if ("AA".equals(msa[0]) && piece.controlId().equals(msa[1])) {
                ackedValid.add(piece.controlId());
            } else {
                fail(piece.kind() + " " + piece.controlId() + ": expected AA, got " + List.of(msa));
            }
        } else if ("AR".equals(msa[0]) || "AE".equals(msa[0])) {
            rejectedAnswers.increment();
        } else {
            fail(piece.kind() + ": a malformed piece got " + List.of(msa) + ": "
                    + new String(piece.bytes(), StandardCharsets.ISO_8859_1).replace('\r', '/'));
        }
    }

    // ---- the closer lane: pieces after which the listener closes (or the sender does) ----

    private void closerLane(SplittableRandom random) {
        int n = 0;
        while (!pipelinesDone.get() || n < 10) {
            try {
                // Round robin over the kinds, so even a short run has each of them.
                switch (n % 5) {
                    case 0:
                        oversized(random, true);
                        break;
                    case 1:
                        oversized(random, false);
                        break;
                    case 2:
                        noEndThenClose(random, n);
                        break;
                    case 3:
                        noEndThenReset(random, n);
                        break;
                    default:
                        garbageFlood(random);
                }
            } catch (IOException e) {
                fail("closer lane: " + e);
            }
            n++;
        }
    }

    /** A frame beyond hl7.max.message.bytes: AR then a close, or just the close (a reset may beat the AR). */
    private void oversized(SplittableRandom random, boolean withEnd) throws IOException {
        String kind = withEnd ? "OVERSIZED" : "OVERSIZED_NO_END";
        countKind(kind);
        malformedSent.increment();
        expectedErrorRecords.increment();
        int size = MAX_MESSAGE_BYTES + 1 + random.nextInt(3 * MAX_MESSAGE_BYTES);
        StringBuilder text = new StringBuilder(FuzzFrames.msh("ORU^R01^ORU_R01", "OVERSIZED", "2.5"));
        text.append("OBX|1|ED|PDF^Report^L||");
        while (text.length() < size) {
            text.append((char) ('A' + random.nextInt(26)));
        }
        byte[] body = FuzzFrames.ascii(text.toString());
        byte[] bytes = withEnd ? FuzzFrames.frame(body) : prefixVt(body);
        try (Socket socket = MllpStream.connect(port)) {
            connections.increment();
            MllpStream stream = new MllpStream(socket);
            try {
                socket.getOutputStream().write(bytes);
            } catch (IOException e) {
                // The listener closed after cutting the frame off: fine.
            }
            expectCloseAfterOptionalRejection(kind, stream);
        }
    }

    /** The start of a frame, then the sender closes: recorded as truncated, nothing to answer. */
    private void noEndThenClose(SplittableRandom random, int n) throws IOException {
        countKind("NO_END_CLOSE");
        malformedSent.increment();
        expectedErrorRecords.increment();
        try (Socket socket = MllpStream.connect(port)) {
            connections.increment();
            MllpStream stream = new MllpStream(socket);
            socket.getOutputStream().write(partial(random, "NOEND" + n));
            socket.shutdownOutput();
            MllpStream.Event event = stream.next(RESPONSE_TIMEOUT_MS);
            if (event != MllpStream.Event.CLOSED) {
                fail("NO_END_CLOSE: expected the listener to close, got " + event);
            } else {
                closedWithoutAnswer.increment();
            }
        }
    }

    /** The start of a frame, then a TCP reset. */
    private void noEndThenReset(SplittableRandom random, int n) throws IOException {
        countKind("NO_END_RESET");
        malformedSent.increment();
        resetPieces.increment();
        Socket socket = MllpStream.connect(port);
        connections.increment();
        socket.getOutputStream().write(partial(random, "RESET" + n));
        socket.setSoLinger(true, 0);
        socket.close();
        closedWithoutAnswer.increment();
    }

    /**
     * More than hl7.max.message.bytes outside any frame: the listener records it, answers AR (unless our writing
     * is still under way when it closes and the reset loses the answer) and closes.
     */
    private void garbageFlood(SplittableRandom random) throws IOException {
        countKind("GARBAGE_FLOOD");
        malformedSent.increment();
        expectedErrorRecords.increment();
        byte[] bytes = FuzzFrames.randomBytes(random, 2 * MAX_MESSAGE_BYTES + random.nextInt(MAX_MESSAGE_BYTES));
        try (Socket socket = MllpStream.connect(port)) {
            connections.increment();
            MllpStream stream = new MllpStream(socket);
            try {
                socket.getOutputStream().write(bytes);
            } catch (IOException e) {
                // Closed by the listener while we were still writing: fine.
            }
            expectCloseAfterOptionalRejection("GARBAGE_FLOOD", stream);
        }
    }

    private void expectCloseAfterOptionalRejection(String kind, MllpStream stream) throws IOException {
        MllpStream.Event event = stream.next(RESPONSE_TIMEOUT_MS);
        if (event == MllpStream.Event.RESPONSE) {
            String[] msa = MllpStream.msa(stream.last());
            if (msa == null || !msa[0].equals("AR") && !msa[0].equals("AE")) {
                fail(kind + ": expected AR/AE, got " + (msa == null ? null : List.of(msa)));
            }
            rejectedAnswers.increment();
            event = stream.next(RESPONSE_TIMEOUT_MS);
        } else {
            closedWithoutAnswer.increment();
        }
        if (event != MllpStream.Event.CLOSED) {
            fail(kind + ": expected the listener to close the connection, got " + event);
        }
    }

    // ---- the slow lane ----

    private void slowLane(SplittableRandom random) throws Exception {
        int round = 0;
        do {
            List<Socket> stalled = new ArrayList<>();
            try {
                // Three frames that stall past hl7.idle.timeout.ms and a connection that never sends anything.
                for (int i = 0; i < 3; i++) {
                    Socket socket = MllpStream.connect(port);
                    connections.increment();
                    countKind("STALL");
                    malformedSent.increment();
                    expectedErrorRecords.increment();
                    socket.getOutputStream().write(partial(random, "STALL" + round + "-" + i));
                    stalled.add(socket);
                }
                Socket idle = MllpStream.connect(port);
                connections.increment();
                countKind("IDLE_CONNECTION");
                stalled.add(idle);
                long stallStart = System.nanoTime();
                // Meanwhile two valid messages trickle in, byte by byte, well within the timeout.
                for (int i = 0; i < 2; i++) {
                    trickle(random, "SLOW" + round + "-" + i);
                }
                for (Socket socket : stalled) {
                    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stallStart);
                    MllpStream.Event event = new MllpStream(socket).next(Math.max(1, IDLE_TIMEOUT_MS * 5 - waited));
                    if (event != MllpStream.Event.CLOSED) {
                        fail("a stalled connection was not closed after hl7.idle.timeout.ms: " + event);
                    } else {
                        closedWithoutAnswer.increment();
                    }
                }
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
            round++;
        } while (!pipelinesDone.get());
    }

    /**
     * A valid message sent one byte at a time over about a quarter of the idle timeout: it must get AA. On a
     * starved machine the pauses stretch, so past half the timeout the rest goes at once. Should the listener still
     * cut the frame, that is only right if the frame really took longer than the timeout; the message is then
     * resent whole, as a sender would.
     */
    private void trickle(SplittableRandom random, String controlId) throws IOException, InterruptedException {
        Piece piece = FuzzFrames.valid(random, controlId);
        countKind("TRICKLE");
        sentValid.add(controlId);
        long start = System.nanoTime();
        try (Socket socket = MllpStream.connect(port)) {
            connections.increment();
            socket.setTcpNoDelay(true);
            MllpStream stream = new MllpStream(socket);
            OutputStream out = socket.getOutputStream();
            byte[] bytes = piece.bytes();
            long pauseNanos = TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS / 4) / bytes.length;
            try {
                for (int i = 0; i < bytes.length; i++) {
                    if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS / 2)) {
                        out.write(bytes, i, bytes.length - i);
                        break;
                    }
                    out.write(bytes[i]);
                    out.flush();
                    // The pause is the slow sender under test, not synchronisation.
                    TimeUnit.NANOSECONDS.sleep(pauseNanos);
                }
            } catch (IOException e) {
                // Handled below: the stream shows the close.
            }
            MllpStream.Event event = stream.next(RESPONSE_TIMEOUT_MS);
            if (event == MllpStream.Event.RESPONSE) {
                check(piece, stream.last());
                return;
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (event == MllpStream.Event.CLOSED && elapsedMs >= IDLE_TIMEOUT_MS) {
                // A starved machine made this sender slower than the timeout: cut as documented.
                slowSendersCut.increment();
                expectedErrorRecords.increment();
            } else {
                fail("TRICKLE " + controlId + ": expected AA, got " + event + " after " + elapsedMs + " ms");
                return;
            }
        }
        try (Socket socket = MllpStream.connect(port)) {
            connections.increment();
            MllpStream stream = new MllpStream(socket);
            socket.getOutputStream().write(piece.bytes());
            if (stream.next(RESPONSE_TIMEOUT_MS) != MllpStream.Event.RESPONSE) {
                fail("TRICKLE " + controlId + ": no answer to the resend");
                return;
            }
            check(piece, stream.last());
        }
    }

    // ---- helpers ----

    /** A few valid messages on a fresh connection, each answered AA before the next is sent. */
    private void probe(String label, int count) throws IOException {
        try (Socket socket = MllpStream.connect(port)) {
            MllpStream stream = new MllpStream(socket);
            SplittableRandom random = new SplittableRandom(seed ^ label.hashCode());
            for (int i = 0; i < count; i++) {
                Piece piece = FuzzFrames.valid(random, "PROBE-" + label + "-" + i);
                sentValid.add(piece.controlId());
                socket.getOutputStream().write(piece.bytes());
                MllpStream.Event event = stream.next(RESPONSE_TIMEOUT_MS);
                assertThat(event).as("probe %s %d (seed %d)", label, i, seed).isEqualTo(MllpStream.Event.RESPONSE);
                String[] msa = MllpStream.msa(stream.last());
                assertThat(msa).as("probe %s %d (seed %d): %s", label, i, seed, stream.last().replace('\r', '\n'))
                        .containsExactly("AA", piece.controlId());
                ackedValid.add(piece.controlId());
            }
        }
    }

    private static byte[] partial(SplittableRandom random, String controlId) {
        String text = FuzzFrames.validMessage(random, controlId);
        return prefixVt(FuzzFrames.ascii(text.substring(0, 3 + random.nextInt(text.length() - 3))));
    }

    private static byte[] prefixVt(byte[] body) {
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = FuzzFrames.VT;
        System.arraycopy(body, 0, bytes, 1, body.length);
        return bytes;
    }

    private void account(Piece piece) {
        countKind(piece.kind().name());
        if (piece.malformed()) {
            malformedSent.increment();
        } else if (piece.answer() == Answer.ACCEPT) {
            sentValid.add(piece.controlId());
        }
        expectedErrorRecords.add(piece.errorRecords());
    }

    private long sent(String kind) {
        LongAdder count = sentByKind.get(kind);
        return count == null ? 0 : count.sum();
    }

    private void countKind(String kind) {
        sentByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    private void fail(String failure) {
        if (failureCount.incrementAndGet() <= 20) {
            failures.add(failure);
        }
    }

    private static void log(String line) {
        System.out.println("[fuzz] " + line);
    }

    private static long metric(String attribute) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("com.healthcare.kafka.connect.hl7:type=hl7-source-task,connector="
                    + ObjectName.quote(CONNECTOR) + ",task=0");
            return ((Number) server.getAttribute(name, attribute)).longValue();
        } catch (Exception e) {
            throw new AssertionError("no metric " + attribute, e);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "fuzz-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return worker.kafka().createConsumer(props);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        return partitions;
    }

    private static long endOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic)).values().stream().mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Reads a topic from the start to its current end, record by record, keeping nothing but what visit keeps. */
    private static void scan(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> visit) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(visit);
            }
        }
    }

    private static Map<String, Long> errorClasses(long expected) {
        Map<String, Long> classes = new TreeMap<>();
        long[] seen = {0};
        scan(ERROR_TOPIC, record -> {
            Header header = record.headers().lastHeader("hl7.error.class");
            classes.merge(header == null ? "(none)" : new String(header.value(), StandardCharsets.UTF_8), 1L,
                    Long::sum);
            seen[0]++;
        });
        assertThat(seen[0]).as("error records read").isEqualTo(expected);
        return classes;
    }

    /** Control ids (record keys, hl7.key.source=control_id) in the message topics, with how often each appears. */
    private static Map<String, Integer> validControlIds() {
        Map<String, Integer> ids = new HashMap<>();
        for (String type : List.of("ADT", "ORU")) {
            scan(PREFIX + type, record -> ids.merge(new String(record.key(), StandardCharsets.UTF_8), 1,
                    Integer::sum));
        }
        return ids;
    }
}
