package com.healthcare.kafka.connect.fhir.sink.write;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.fhirclient.OperationOutcomes;

/** An OperationOutcome node as the one readable line the shared client gives for error bodies. */
final class OutcomeText {

    private OutcomeText() {
    }

    static String of(JsonNode outcome) {
        try {
            return OperationOutcomes.summarize(WritePlanner.MAPPER.writeValueAsBytes(outcome));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
