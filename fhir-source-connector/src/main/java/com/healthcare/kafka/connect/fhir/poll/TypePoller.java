package com.healthcare.kafka.connect.fhir.poll;

import java.net.URI;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.healthcare.kafka.connect.fhirclient.BundleReader;
import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.FhirResponse;
import com.healthcare.kafka.connect.fhir.config.QueryParameters;

/**
 * Polls one resource type in cycles: a search {@code [base]/[type]?_lastUpdated=ge<watermark>&_sort=_lastUpdated
 * &_count=<page size>} whose {@code next} links are followed exactly as the server gives them, then (if enabled)
 * the type's {@code _history?_since=} for deletes. A cycle starts at task start (the catch-up after downtime),
 * every {@code fhir.poll.interval.ms} after the previous one ends, and at once when {@link #trigger()}ed by a
 * notification. A next link that expired (404/410, e.g. the server dropped its cached search while Kafka was
 * slow) restarts the search from the current watermark, which loses and repeats nothing.
 */
public final class TypePoller {

    private static final Logger LOG = LoggerFactory.getLogger(TypePoller.class);
    private static final int MAX_RESTARTS = 3;
    static final java.time.Duration HISTORY_OVERLAP = java.time.Duration.ofSeconds(5);
    private static final Pattern RESOURCE_URL =
            Pattern.compile("(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/([A-Za-z0-9\\-.]{1,64}))?/?$");

    private final TypeStream stream;
    private final FhirHttpClient client;
    private final PollSettings settings;
    private final ScheduledExecutorService scheduler;
    private final TaskErrors errors;
    private final TaskMetrics metrics;
    private final Executor fetcher;
    private final String type;

    private final Object guard = new Object();
    private ScheduledFuture<?> scheduled;
    private boolean running;
    private boolean rerun;
    private volatile boolean stopped;
    private volatile long cyclesCompleted;

    public TypePoller(TypeStream stream, FhirHttpClient client, PollSettings settings,
                      ScheduledExecutorService scheduler, Executor fetcher, TaskErrors errors,
                      TaskMetrics metrics) {
        this.stream = stream;
        this.client = client;
        this.settings = settings;
        this.scheduler = scheduler;
        this.errors = errors;
        this.metrics = metrics;
        this.fetcher = fetcher;
        this.type = stream.type();
    }

    public String type() {
        return type;
    }

    public long cyclesCompleted() {
        return cyclesCompleted;
    }

    /** Starts the first cycle now: the catch-up from the stored watermark. */
    public void start() {
        schedule(0);
    }

    /** Runs a cycle as soon as possible (after the running one, if any). */
    public void trigger() {
        synchronized (guard) {
            if (stopped) {
                return;
            }
            if (running) {
                rerun = true;
                return;
            }
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            schedule(0);
        }
    }

    public void stop() {
        synchronized (guard) {
            stopped = true;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }

    private void schedule(long delayMs) {
        synchronized (guard) {
            try {
                scheduled = scheduler.schedule(this::run, delayMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                stopped = true; // the task is shutting down
            }
        }
    }

    private void run() {
        synchronized (guard) {
            if (stopped || running) {
                return;
            }
            running = true;
            rerun = false;
        }
        long delay = settings.pollIntervalMs();
        boolean fatal = false;
        try {
            cycle();
            cyclesCompleted++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (FhirException e) {
            if (e.transientFailure()) {
                delay = Math.max(delay, settings.pauseAfterErrorMs());
                LOG.warn("Polling {} failed after retries; next attempt in {} ms: {}", type, delay, e.getMessage());
                errors.transientError("Polling " + type + " failed: " + e.getMessage());
            } else {
                fatal = true;
                errors.fatal(e);
            }
        } catch (RuntimeException | Error e) {
            // an Error would otherwise vanish in the scheduler's future and the type would stop polling silently
            fatal = true;
            errors.fatal(new FhirException("Polling " + type + " failed unexpectedly: " + e, 0, false, e));
        } finally {
            synchronized (guard) {
                running = false;
                if (!stopped && !fatal && !Thread.currentThread().isInterrupted()) {
                    schedule(rerun ? 0 : delay);
                }
            }
        }
    }

    /**
     * One search (all pages) and one history read. The request for the next page goes out as soon as the current
     * page's next link is known, before its records are built and queued, so the server prepares page k+1 while
     * the worker writes page k.
     */
    void cycle() throws InterruptedException {
        String first = searchUrl(stream.watermark());
        String url = first;
        int restarts = 0;
        boolean firstPage = true;
        Instant horizon = null;
        CompletableFuture<FhirResponse> pending = fetch(url);
        try {
            while (url != null && !stopped) {
                FhirResponse response;
                try {
                    response = await(pending);
                } catch (FhirException e) {
                    if (!url.equals(first) && (e.status() == 404 || e.status() == 410) && restarts < MAX_RESTARTS) {
                        restarts++;
                        LOG.info("Next page of the {} search is gone (HTTP {}); searching again from the watermark",
                                type, e.status());
                        first = searchUrl(stream.watermark());
                        url = first;
                        firstPage = true;
                        pending = fetch(url);
                        continue;
                    }
                    throw e;
                }
                BundleReader.Page page = BundleReader.readBundle(response.body(), "Search of " + type);
                metrics.pages.incrementAndGet();
                String next = resolve(url, page.nextUrl());
                if (next != null && next.equals(url)) {
                    LOG.warn("The {} search returned a next link to the page itself; ending this cycle", type);
                    next = null;
                }
                pending = next == null ? null : fetch(next);
                if (firstPage) {
                    horizon = searchTime(page, response);
                    if (settings.deletesEnabled()) {
                        stream.initDeleteSince(serverTime(page, response));
                    }
                }
                firstPage = false;
                stream.searchPage(page, horizon);
                url = next;
            }
        } finally {
            if (pending != null) {
                pending.cancel(true);
            }
        }
        if (settings.deletesEnabled() && !stopped) {
            readDeletes();
        }
    }

    private CompletableFuture<FhirResponse> fetch(String url) {
        CompletableFuture<FhirResponse> future = new CompletableFuture<>();
        try {
            fetcher.execute(() -> {
                try {
                    future.complete(client.get(url));
                } catch (InterruptedException | RuntimeException e) {
                    future.completeExceptionally(e);
                } catch (Error e) {
                    // the cycle waits on this future: it must complete whatever happens, or the poller stalls; the
                    // cycle rethrows it and the task fails with it
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new InterruptedException("task stopping"));
        }
        return future;
    }

    private static FhirResponse await(CompletableFuture<FhirResponse> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new FhirException(String.valueOf(cause), 0, true, cause);
        }
    }

    String searchUrl(String watermark) {
        StringBuilder url = new StringBuilder(settings.baseUrl()).append('/').append(type).append('?');
        if (watermark != null) {
            url.append("_lastUpdated=ge").append(QueryParameters.encode(watermark)).append('&');
        }
        url.append("_sort=_lastUpdated&_count=").append(settings.pageSize());
        for (QueryParameters.Param p : settings.extraParams()) {
            url.append('&').append(p.toQuery());
        }
        return url.toString();
    }

    private void readDeletes() throws InterruptedException {
        String since = stream.deleteSince();
        if (since == null) {
            return;
        }
        String first = settings.baseUrl() + "/" + type + "/_history?_since=" + QueryParameters.encode(since)
                + "&_count=" + settings.pageSize();
        String url = first;
        int restarts = 0;
        String readTime = null;
        Map<String, HistoryChange> newestById = new LinkedHashMap<>();
        List<String> deleteKeys = new ArrayList<>();
        while (url != null && !stopped) {
            FhirResponse response;
            try {
                response = client.get(url);
            } catch (FhirException e) {
                if (!url.equals(first) && (e.status() == 404 || e.status() == 410) && restarts < MAX_RESTARTS) {
                    restarts++;
                    url = first;
                    readTime = null;
                    newestById.clear();
                    deleteKeys.clear();
                    continue;
                }
                throw e;
            }
            BundleReader.Page page = BundleReader.readBundle(response.body(), "History of " + type);
            metrics.pages.incrementAndGet();
            if (readTime == null) {
                readTime = serverTime(page, response);
            }
            for (BundleReader.Entry entry : page.entries()) {
                HistoryChange change = classify(entry);
                if (change == null) {
                    continue;
                }
                if (change.delete()) {
                    deleteKeys.add(change.toDeletion().key());
                }
                HistoryChange known = newestById.get(change.id());
                if (known == null || change.newerThan(known)) {
                    newestById.put(change.id(), change);
                }
            }
            String next = resolve(url, page.nextUrl());
            url = next != null && next.equals(url) ? null : next;
        }
        if (stopped) {
            return;
        }
        List<TypeStream.Deletion> deletions = new ArrayList<>();
        for (HistoryChange change : newestById.values()) {
            if (change.delete()) {
                deletions.add(change.toDeletion());
            }
        }
        Collections.reverse(deletions); // oldest first
        stream.deletes(deletions, deleteKeys, nextHistorySince(since, readTime), settings.pageSize());
    }

    /**
     * Where the next _history read starts: {@link #HISTORY_OVERLAP} before this read's server time (never before
     * this read's own start). HAPI JPA stamps a delete when its transaction starts, so a delete still committing
     * during this read shows up only in a later read with a stamp before this read's time; the overlap catches it,
     * and the delete keys this read saw (kept in the offset) keep the overlap from repeating tombstones.
     */
    static String nextHistorySince(String since, String readTime) {
        Instant read = TypeStream.parse(readTime);
        Instant previous = TypeStream.parse(since);
        if (read == null) {
            return readTime;
        }
        Instant next = read.minus(HISTORY_OVERLAP);
        if (previous != null && next.isBefore(previous)) {
            next = previous;
        }
        return next.toString();
    }

    /**
     * One _history entry of this type: the resource id, whether it is a delete, its version (null when the server
     * gave none) and its time.
     */
    private record HistoryChange(String id, boolean delete, String versionId, String time) {

        TypeStream.Deletion toDeletion() {
            return new TypeStream.Deletion(id, versionId, time);
        }

        /**
         * Whether this is a later version of the resource than {@code other}: by version id when both are numbers,
         * else by time. History lists the newest version first, but the pages of one read are not one snapshot: a
         * page fetched after a write can show a newer version of a resource an earlier page showed, and keeping
         * the first one seen would lose that delete for good (its key is remembered as seen).
         */
        boolean newerThan(HistoryChange other) {
            Long mine = number(versionId);
            Long theirs = number(other.versionId);
            if (mine != null && theirs != null) {
                return mine > theirs;
            }
            Instant at = TypeStream.parse(time);
            Instant otherAt = TypeStream.parse(other.time);
            return at != null && otherAt != null && at.isAfter(otherAt);
        }

        private static Long number(String versionId) {
            if (versionId == null) {
                return null;
            }
            try {
                return Long.parseLong(versionId);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** The change a history entry of this type stands for, or null (another type, or no id). */
    private HistoryChange classify(BundleReader.Entry entry) {
        String method = entry.requestMethod() == null ? null : entry.requestMethod().toUpperCase(Locale.ROOT);
        BundleReader.ResourceInfo resource = entry.resource();
        String id = null;
        String versionId = null;
        String time = entry.responseLastModified();
        if (resource != null) {
            if (!type.equals(resource.resourceType())) {
                return null;
            }
            id = resource.id();
            versionId = resource.versionId();
            if (resource.lastUpdated() != null) {
                time = resource.lastUpdated();
            }
        }
        for (String url : new String[] {entry.requestUrl(), entry.fullUrl()}) {
            if ((id == null || versionId == null) && url != null) {
                String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
                Matcher m = RESOURCE_URL.matcher(path);
                if (m.find() && type.equals(m.group(1))) {
                    if (id == null) {
                        id = m.group(2);
                    }
                    if (versionId == null && id.equals(m.group(2))) {
                        versionId = m.group(3);
                    }
                }
            }
        }
        if (versionId == null && entry.responseEtag() != null) {
            String etag = entry.responseEtag().replaceAll("^W/", "").replace("\"", "");
            versionId = etag.isEmpty() ? null : etag;
        }
        if (id == null) {
            return null;
        }
        // a history entry without a resource can only be a delete, whatever the server put in request
        boolean delete = "DELETE".equals(method) || (resource == null && method == null);
        return new HistoryChange(id, delete, versionId, time);
    }

    /**
     * The server's time of a read: the Bundle's meta.lastUpdated (HAPI: when the search ran), else the Date
     * header, else the local clock a minute back. The next _history read starts there.
     */
    static String serverTime(BundleReader.Page page, FhirResponse response) {
        if (page.lastUpdated() != null && TypeStream.parse(page.lastUpdated()) != null) {
            return page.lastUpdated();
        }
        String date = response.header("Date");
        if (date != null) {
            try {
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toString();
            } catch (DateTimeParseException e) {
                // fall through
            }
        }
        return Instant.now().minusSeconds(60).toString();
    }

    /**
     * When the server ran the search, by its own clock: the first page's meta.lastUpdated, else its Date header;
     * null (no horizon) when it gives neither.
     */
    static Instant searchTime(BundleReader.Page page, FhirResponse response) {
        if (page.lastUpdated() != null && TypeStream.parse(page.lastUpdated()) != null) {
            return TypeStream.parse(page.lastUpdated());
        }
        String date = response.header("Date");
        if (date != null) {
            try {
                // the Date header has whole seconds: the search ran within the second after it
                return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().plusSeconds(1);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    private String resolve(String current, String next) {
        if (next == null || next.isBlank()) {
            return null;
        }
        if (next.startsWith("http://") || next.startsWith("https://")) {
            return next;
        }
        return URI.create(current).resolve(next).toString();
    }
}
