package com.healthcare.kafka.connect.fhir.bulk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.healthcare.kafka.connect.fhir.FhirSourceConnectorConfig;
import com.healthcare.kafka.connect.fhir.poll.RecordFactory;
import com.healthcare.kafka.connect.fhir.poll.RecordQueue;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.FhirResponse;

/**
 * The Bulk Data initial load of a task's resource types (FHIR Bulk Data Access IG, v2):
 * <ol>
 *   <li>kick-off: {@code GET [base]/$export?_type=...} with {@code Prefer: respond-async} and
 *   {@code Cache-Control: no-cache} (a fresh export, not a server's earlier job); the status URL comes back
 *   in Content-Location (unless a stored offset names a job already);</li>
 *   <li>status: polled while it answers 202, as often as {@code Retry-After} (at least the configured interval)
 *   allows, with {@code X-Progress} logged; 200 brings the manifest;</li>
 *   <li>error files: every OperationOutcome in them is logged (no resource content) and counted;</li>
 *   <li>output: each type's NDJSON files, streamed line by line (never a whole file in memory) into the same
 *   records polling makes (source "bulk"), each carrying the offset (job, transactionTime, file, line), so a
 *   restart resumes after the last committed line; a line whose {@code meta.lastUpdated} is not before the
 *   transactionTime is left to the hand-over poll, which reads it (or a later version) anyway;</li>
 *   <li>hand-over: when a type's files are done, {@code handover(type, transactionTime)} starts its incremental
 *   polling at the transactionTime, so nothing changed after the export's snapshot is missed;</li>
 *   <li>the job is DELETEd once every type is done (the server may then drop the files).</li>
 * </ol>
 */
public final class BulkLoad implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BulkLoad.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BATCH = 200;

    /** Called when a type's files are all emitted: polling of {@code type} starts at {@code transactionTime}. */
    public interface Handover {
        void handover(String type, String transactionTime);
    }

    private final FhirHttpClient client;
    private final BulkExportSettings settings;
    private final String baseUrl;
    private final Map<String, BulkProgress> progress;
    private final RecordFactory records;
    private final RecordQueue queue;
    private final Handover handover;
    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong skippedLines = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final java.util.Set<String> handedOver = new java.util.HashSet<>();
    private volatile boolean stopped;
    private volatile String status = "starting";

    /**
     * @param progress per type to load, its stored progress (null: nothing emitted yet); all non-null entries
     *                 share one job
     */
    public BulkLoad(FhirHttpClient client, BulkExportSettings settings, String baseUrl,
                    Map<String, BulkProgress> progress, RecordFactory records, RecordQueue queue, Handover handover) {
        this.client = client;
        this.settings = settings;
        this.baseUrl = baseUrl;
        this.progress = new LinkedHashMap<>(progress);
        this.records = records;
        this.queue = queue;
        this.handover = handover;
    }

    public void stop() {
        stopped = true;
    }

    public String status() {
        return status;
    }

    public long emitted() {
        return emitted.get();
    }

    public long skippedLines() {
        return skippedLines.get();
    }

    public long serverErrors() {
        return serverErrors.get();
    }

    public long oversized() {
        return oversized.get();
    }

    /** Lines changed at or after the transactionTime, left to the hand-over poll. */
    public long deferred() {
        return deferred.get();
    }

    @Override
    public void run() {
        try {
            load();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the whole load; throws FhirException when the export cannot be run at all. */
    public void load() throws InterruptedException {
        String job = progress.values().stream().filter(p -> p != null).map(BulkProgress::job).findFirst()
                .orElse(null);
        BulkManifest manifest = null;
        if (job != null) {
            try {
                manifest = awaitManifest(job);
            } catch (FhirException e) {
                if (e.transientFailure() || (e.status() != 404 && e.status() != 410)) {
                    throw e;
                }
                // The server dropped the job (expired): export again. Lines emitted before are emitted again.
                LOG.warn("Bulk export job {} is gone ({}); starting a new export, which repeats what the old one "
                        + "had already emitted", job, e.getMessage());
                progress.replaceAll((type, p) -> null);
                job = null;
            }
        }
        if (job == null) {
            job = kickOff();
            manifest = awaitManifest(job);
        }
        if (stopped) {
            return;
        }
        readErrorFiles(manifest);
        for (Map.Entry<String, BulkProgress> entry : progress.entrySet()) {
            if (stopped) {
                return;
            }
            String type = entry.getKey();
            if (handedOver.contains(type)) {
                continue;
            }
            emitType(job, manifest, type, entry.getValue());
            if (stopped) {
                return;
            }
            handover.handover(type, manifest.transactionTime());
            handedOver.add(type);
        }
        status = "done";
        try {
            FhirResponse deleted = client.send("DELETE", job, null, null);
            LOG.info("Bulk export job {} done and deleted (HTTP {})", job, deleted.status());
        } catch (FhirException e) {
            LOG.info("Bulk export job {} done; deleting it failed ({}), the server will expire it", job,
                    e.getMessage());
        }
    }

    private String kickOff() throws InterruptedException {
        String url = settings.kickOffUrl(baseUrl, List.copyOf(progress.keySet()));
        status = "kick-off";
        // no-cache: a fresh export. HAPI FHIR JPA otherwise hands back an earlier job with the same parameters, even
        // a completed one, with its old transactionTime and files that may have expired.
        FhirResponse response = client.send("GET", url, null, null,
                Map.of("Prefer", "respond-async", "Cache-Control", "no-cache"));
        String location = response.header("Content-Location");
        if (response.status() != 202 || location == null || location.isBlank()) {
            throw new FhirException("Bulk export kick-off " + url + " answered HTTP " + response.status()
                    + (location == null ? " without a Content-Location" : "") + "; the server may not support "
                    + "$export (set " + BulkExportSettings.INITIAL_LOAD + "=paging)", response.status(), false);
        }
        LOG.info("Bulk export started for {}: status at {}", progress.keySet(), location);
        return location;
    }

    private BulkManifest awaitManifest(String job) throws InterruptedException {
        String lastProgress = null;
        while (!stopped) {
            FhirResponse response = client.get(job);
            if (response.status() == 200) {
                try {
                    return BulkManifest.parse(response.body());
                } catch (IOException e) {
                    throw new FhirException("Bulk export " + job + ": " + e.getMessage(), 200, false, e);
                }
            }
            String progressText = response.header("X-Progress");
            status = "export running" + (progressText == null ? "" : ": " + progressText);
            if (progressText != null && !progressText.equals(lastProgress)) {
                LOG.info("Bulk export {}: {}", job, progressText);
                lastProgress = progressText;
            }
            Long retryAfter = retryAfterMs(response.header("Retry-After"));
            long wait = retryAfter == null ? 0 : Math.min(retryAfter, settings.maxRetryAfterMs());
            Thread.sleep(Math.max(settings.minPollIntervalMs(), wait));
        }
        return null;
    }

    private void readErrorFiles(BulkManifest manifest) throws InterruptedException {
        for (BulkManifest.File file : manifest.error()) {
            try (BufferedReader reader = open(file.url(), manifest.requiresAccessToken())) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    serverErrors.incrementAndGet();
                    LOG.warn("Bulk export error file {}: {}", file.url(), outcomeSummary(line));
                }
            } catch (IOException e) {
                LOG.warn("Bulk export error file {} could not be read: {}", file.url(), e.getMessage());
            }
        }
    }

    private void emitType(String job, BulkManifest manifest, String type, BulkProgress from)
            throws InterruptedException {
        List<BulkManifest.File> files = manifest.outputOf(type);
        Instant snapshot = instant(manifest.transactionTime());
        long deferredBefore = deferred.get();
        int startFile = from == null ? 0 : from.file();
        long startLine = from == null ? 0 : from.line();
        for (int f = startFile; f < files.size() && !stopped; f++) {
            BulkManifest.File file = files.get(f);
            status = "loading " + type + " file " + (f + 1) + " of " + files.size();
            long lineNo = 0;
            long skip = f == startFile ? startLine : 0;
            List<SourceRecord> batch = new ArrayList<>(BATCH);
            try (BufferedReader reader = open(file.url(), manifest.requiresAccessToken())) {
                String line;
                while (!stopped && (line = reader.readLine()) != null) {
                    lineNo++;
                    if (lineNo <= skip) {
                        continue; // emitted before the restart
                    }
                    Map<String, Object> offset = new BulkProgress(job, manifest.transactionTime(), f, lineNo)
                            .toOffset();
                    SourceRecord record = record(type, line, offset, file.url(), lineNo, snapshot);
                    if (record != null) {
                        batch.add(record);
                    }
                    if (batch.size() >= BATCH) {
                        queue.put(batch);
                        emitted.addAndGet(batch.size());
                        batch = new ArrayList<>(BATCH);
                        // a retry of load() after a broken file resumes here, not at the stored offset
                        progress.put(type, new BulkProgress(job, manifest.transactionTime(), f, lineNo));
                    }
                }
            } catch (IOException e) {
                // Lines already queued keep their offsets: a retry resumes after the last committed one.
                throw new FhirException("Bulk export file " + file.url() + " broke off after line " + lineNo + ": "
                        + e.getMessage(), 0, true, e);
            }
            if (!batch.isEmpty()) {
                queue.put(batch);
                emitted.addAndGet(batch.size());
            }
            progress.put(type, new BulkProgress(job, manifest.transactionTime(), f + 1, 0));
        }
        long left = deferred.get() - deferredBefore;
        if (left > 0) {
            LOG.info("Bulk export {}: {} lines of {} changed at or after the transactionTime {}; the hand-over poll "
                    + "emits them", job, left, type, manifest.transactionTime());
        }
    }

    /** The record of one NDJSON line, or null (counted, logged without content) when the line is unusable. */
    private SourceRecord record(String type, String line, Map<String, Object> offset, String url, long lineNo,
                                Instant snapshot) {
        if (line.isBlank()) {
            return null;
        }
        JsonNode resource;
        try {
            resource = MAPPER.readTree(line);
        } catch (IOException e) {
            skippedLines.incrementAndGet();
            LOG.warn("Bulk export file {} line {}: not JSON; skipped", url, lineNo);
            return null;
        }
        String id = resource == null ? "" : resource.path("id").asText("");
        if (id.isEmpty() || !type.equals(resource.path("resourceType").asText())) {
            skippedLines.incrementAndGet();
            LOG.warn("Bulk export file {} line {}: not a {} with an id; skipped", url, lineNo, type);
            return null;
        }
        JsonNode meta = resource.path("meta");
        String version = meta.path("versionId").isMissingNode() ? null : meta.path("versionId").asText();
        String lastUpdatedText = meta.path("lastUpdated").isMissingNode() ? null : meta.path("lastUpdated").asText();
        Instant lastUpdated = instant(lastUpdatedText);
        if (snapshot != null && lastUpdated != null && !lastUpdated.isBefore(snapshot)) {
            // The IG says files SHOULD NOT hold changes after transactionTime, but a server may include them
            // (HAPI JPA does: its transactionTime is the job's start, its files the versions current when written).
            // Polling starts at transactionTime (_lastUpdated=ge), so it emits this version or a later one.
            deferred.incrementAndGet();
            return null;
        }
        SourceRecord record = records.resource(type, id, version, lastUpdatedText, lastUpdated, line, offset, "bulk");
        // a resource too large for Kafka becomes a bounded error record with the same offset, as in polling
        SourceRecord bounded = records.bounded(record);
        if (bounded != record) {
            oversized.incrementAndGet();
            LOG.warn("Bulk export file {} line {}: a {} too large for Kafka; reported to {} instead", url, lineNo,
                    type, bounded.topic());
        }
        return bounded;
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return FhirSourceConnectorConfig.parseInstant(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private BufferedReader open(String url, boolean requiresAccessToken) throws InterruptedException {
        InputStream in = client.getStream(url, "application/fhir+ndjson", requiresAccessToken);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    }

    private static String outcomeSummary(String line) {
        try {
            JsonNode outcome = MAPPER.readTree(line);
            StringBuilder text = new StringBuilder();
            for (JsonNode issue : outcome.path("issue")) {
                text.append(issue.path("severity").asText("?")).append(' ').append(issue.path("code").asText("?"));
                String diagnostics = issue.path("diagnostics").asText("");
                if (!diagnostics.isEmpty()) {
                    text.append(": ").append(diagnostics.length() > 200 ? diagnostics.substring(0, 200) : diagnostics);
                }
                text.append("; ");
            }
            return text.length() == 0 ? "an OperationOutcome without issues" : text.toString();
        } catch (IOException e) {
            return "a line that is not JSON";
        }
    }

    private static Long retryAfterMs(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Math.min(Long.parseLong(value.trim()) * 1000, 15 * 60_000L);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
