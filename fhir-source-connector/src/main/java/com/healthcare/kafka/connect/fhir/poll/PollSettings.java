package com.healthcare.kafka.connect.fhir.poll;

import java.util.List;

import com.healthcare.kafka.connect.fhir.config.QueryParameters;

/**
 * What a {@link TypePoller} needs from the config.
 *
 * @param extraParams   the user's search parameters for the type
 * @param pauseAfterErrorMs pause before the next cycle after a cycle ran out of retries
 */
public record PollSettings(String baseUrl, int pageSize, List<QueryParameters.Param> extraParams,
                           boolean deletesEnabled, long pollIntervalMs, long pauseAfterErrorMs) {
}
