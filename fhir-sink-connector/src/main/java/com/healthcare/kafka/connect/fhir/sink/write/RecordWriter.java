package com.healthcare.kafka.connect.fhir.sink.write;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.connect.errors.ConnectException;

import com.healthcare.kafka.connect.fhirclient.FhirException;
import com.healthcare.kafka.connect.fhirclient.FhirHttpClient;
import com.healthcare.kafka.connect.fhirclient.FhirResponse;

/**
 * Writes the planned records of one {@code put()} and reports an {@link Outcome} per record.
 *
 * <p>Order: the writes are cut into units (one record, or a group of single-resource records in one transaction
 * or batch Bundle). A unit starts only after every earlier unit sharing one of its lanes (Kafka keys) finished,
 * so one key's records are never in flight together and land in order; units of other keys run in parallel on
 * the executor (as many as the client's in-flight limit). A record of a lane whose earlier record was not
 * confirmed is held back ({@link Outcome.Status#NOT_ATTEMPTED}) and redelivered with it.
 *
 * <p>A transaction group the server rejects (4xx) is rolled back whole, so its records are then written one by
 * one: only the bad record becomes an error. In a batch group, each entry's response is mapped back to its record.
 */
public final class RecordWriter {

    private static final Map<String, String> PREFER_MINIMAL = Map.of("Prefer", "return=minimal");

    private final FhirHttpClient client;
    private final String baseUrl;
    private final String batchMode;
    private final int batchSize;
    private final Executor executor;
    private final WriteListener listener;

    /**
     * @param batchMode none, transaction or batch
     * @param executor  runs the units; its parallelism is the task's in-flight limit
     */
    public RecordWriter(FhirHttpClient client, String baseUrl, String batchMode, int batchSize, Executor executor,
                        WriteListener listener) {
        this.client = client;
        this.baseUrl = baseUrl;
        this.batchMode = batchMode;
        this.batchSize = batchSize;
        this.executor = executor;
        this.listener = listener;
    }

    /**
     * Writes {@code writes} (null entries are skipped: records refused while planning) and blocks until every
     * unit finished. Throws for errors that are not the record's fault (refused credentials): the task fails.
     *
     * @param holdLaneOnReject when true, a rejected record holds back the later records of its key (the task is
     *                         about to fail with it, and they must not overtake it)
     */
    public Outcome[] write(List<Write> writes, boolean holdLaneOnReject) throws InterruptedException {
        Outcome[] outcomes = new Outcome[writes.size()];
        Map<String, CompletableFuture<Void>> lastByLane = new ConcurrentHashMap<>();
        Set<String> heldLanes = ConcurrentHashMap.newKeySet();
        AtomicReference<RuntimeException> fatal = new AtomicReference<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (List<Integer> unit : units(writes)) {
            Set<String> lanes = new LinkedHashSet<>();
            unit.forEach(i -> lanes.add(writes.get(i).laneKey()));
            CompletableFuture<?>[] deps = lanes.stream().map(lastByLane::get).filter(f -> f != null)
                    .toArray(CompletableFuture[]::new);
            CompletableFuture<Void> future = CompletableFuture.allOf(deps).handleAsync((v, t) -> {
                run(unit, writes, outcomes, heldLanes, fatal, holdLaneOnReject);
                return null;
            }, executor);
            lanes.forEach(l -> lastByLane.put(l, future));
            all.add(future);
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw new ConnectException("FHIR sink writer failed unexpectedly", e.getCause());
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
        return outcomes;
    }

    /** Cuts the writes into units: singles, or groups of up to batchSize groupable writes of distinct lanes. */
    List<List<Integer>> units(List<Write> writes) {
        List<List<Integer>> units = new ArrayList<>();
        List<Integer> group = null;
        Set<String> groupLanes = new LinkedHashSet<>();
        boolean grouping = !batchMode.equals("none");
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            if (w == null) {
                continue;
            }
            if (!grouping || !w.groupable()) {
                // a single unit closes the open group: later records must not jump ahead of it into that group
                group = null;
                units.add(List.of(i));
                continue;
            }
            if (group == null || group.size() >= batchSize || groupLanes.contains(w.laneKey())) {
                group = new ArrayList<>();
                groupLanes.clear();
                units.add(group);
            }
            group.add(i);
            groupLanes.add(w.laneKey());
        }
        return units;
    }

    private void run(List<Integer> unit, List<Write> writes, Outcome[] outcomes, Set<String> heldLanes,
                     AtomicReference<RuntimeException> fatal, boolean holdLaneOnReject) {
        List<Integer> go = new ArrayList<>();
        for (int i : unit) {
            if (fatal.get() != null || heldLanes.contains(writes.get(i).laneKey())) {
                outcomes[i] = new Outcome(Outcome.Status.NOT_ATTEMPTED, null);
            } else {
                go.add(i);
            }
        }
        try {
            if (go.size() == 1) {
                outcomes[go.get(0)] = single(writes.get(go.get(0)));
            } else if (go.size() > 1) {
                group(go, writes, outcomes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            go.forEach(i -> outcomes[i] = Outcome.transientFailure(new ConnectException("interrupted (task stopping)")));
        } catch (RuntimeException e) {
            fatal.compareAndSet(null, e);
            go.forEach(i -> {
                if (outcomes[i] == null) {
                    outcomes[i] = new Outcome(Outcome.Status.NOT_ATTEMPTED, e);
                }
            });
        }
        for (int i : unit) {
            Outcome.Status s = outcomes[i].status();
            if (s == Outcome.Status.TRANSIENT || s == Outcome.Status.NOT_ATTEMPTED
                    || (s == Outcome.Status.REJECTED && holdLaneOnReject)) {
                heldLanes.add(writes.get(i).laneKey());
            }
        }
    }

    private Outcome single(Write w) throws InterruptedException {
        if (w.kind() == Write.Kind.SKIP) {
            return Outcome.CONFIRMED;
        }
        FhirResponse response;
        try {
            response = timed(w.kind().method(), url(w.url()), w.body(), merged(w.headers()));
        } catch (FhirException e) {
            return failed(w, e);
        }
        return w.kind() == Write.Kind.BUNDLE ? BundleOutcomes.of(w, response.body()) : Outcome.CONFIRMED;
    }

    private Outcome failed(Write w, FhirException e) {
        if (e.transientFailure()) {
            return Outcome.transientFailure(e);
        }
        int status = e.status();
        if (w.kind() == Write.Kind.DELETE && (status == 404 || status == 410)) {
            return Outcome.CONFIRMED; // already gone: a replayed delete
        }
        if (rejects(status)) {
            String detail = w.kind() == Write.Kind.BUNDLE ? BundleOutcomes.failedEntry(w.body(), e.getMessage()) : "";
            return Outcome.rejected(new RejectedRecordException(e.getMessage() + detail, status));
        }
        throw e; // 401/403, redirects, unreadable answers: not the record's fault
    }

    private void group(List<Integer> indexes, List<Write> writes, Outcome[] outcomes) throws InterruptedException {
        List<Write> ws = new ArrayList<>(indexes.size());
        indexes.forEach(i -> ws.add(writes.get(i)));
        FhirResponse response;
        try {
            response = timed("POST", baseUrl, GroupBundle.build(batchMode, ws), PREFER_MINIMAL);
        } catch (FhirException e) {
            if (e.transientFailure()) {
                indexes.forEach(i -> outcomes[i] = Outcome.transientFailure(e));
                return;
            }
            if (!rejects(e.status())) {
                throw e;
            }
            // the whole group was refused (a transaction rolls back): find the bad record by writing one by one
            for (int i : indexes) {
                outcomes[i] = single(writes.get(i));
            }
            return;
        }
        if (batchMode.equals("transaction")) {
            indexes.forEach(i -> outcomes[i] = Outcome.CONFIRMED);
            return;
        }
        List<GroupBundle.EntryResponse> responses = GroupBundle.responses(response.body());
        for (int n = 0; n < indexes.size(); n++) {
            int i = indexes.get(n);
            Write w = ws.get(n);
            GroupBundle.EntryResponse r = n < responses.size() ? responses.get(n) : null;
            if (r != null && r.status() / 100 == 2) {
                outcomes[i] = Outcome.CONFIRMED;
            } else if (r != null && w.kind() == Write.Kind.DELETE && (r.status() == 404 || r.status() == 410)) {
                outcomes[i] = Outcome.CONFIRMED;
            } else if (r != null && rejects(r.status())) {
                outcomes[i] = Outcome.rejected(new RejectedRecordException(w.describe() + " (entry " + (n + 1)
                        + " of a batch) -> HTTP " + r.status() + " " + (r.outcome() == null ? "" : r.outcome()),
                        r.status()));
            } else {
                outcomes[i] = single(w); // 5xx/429 of the entry, or no response for it: on its own, with retries
            }
        }
    }

    private FhirResponse timed(String method, String url, byte[] body, Map<String, String> headers)
            throws InterruptedException {
        listener.requestStarted();
        long start = System.nanoTime();
        try {
            return client.send(method, url, body, FhirHttpClient.FHIR_JSON, headers);
        } finally {
            listener.requestFinished(System.nanoTime() - start);
        }
    }

    /** 4xx that mean "this record cannot be written" (auth and throttling are handled elsewhere). */
    static boolean rejects(int status) {
        return status / 100 == 4 && status != 401 && status != 403 && status != 407 && status != 408
                && status != 429;
    }

    private static Map<String, String> merged(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return PREFER_MINIMAL;
        }
        Map<String, String> m = new java.util.HashMap<>(headers);
        m.putAll(PREFER_MINIMAL);
        return m;
    }

    private String url(String relative) {
        return relative.isEmpty() ? baseUrl : baseUrl + "/" + relative;
    }
}
