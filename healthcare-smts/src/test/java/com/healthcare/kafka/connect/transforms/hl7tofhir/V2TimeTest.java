package com.healthcare.kafka.connect.transforms.hl7tofhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Time;

/** Timestamps of every precision to valid R4 date, dateTime and instant. */
class V2TimeTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId CHICAGO = ZoneId.of("America/Chicago");

    @ParameterizedTest
    @CsvSource({
        "2024,                     2024,                          2024-01-01T00:00:00+00:00",
        "202403,                   2024-03,                       2024-03-01T00:00:00+00:00",
        "20240312,                 2024-03-12,                    2024-03-12T00:00:00+00:00",
        "2024031208,               2024-03-12T08:00:00+00:00,     2024-03-12T08:00:00+00:00",
        "202403120830,             2024-03-12T08:30:00+00:00,     2024-03-12T08:30:00+00:00",
        "20240312083015,           2024-03-12T08:30:15+00:00,     2024-03-12T08:30:15+00:00",
        "20240312083015.1,         2024-03-12T08:30:15.1+00:00,   2024-03-12T08:30:15.1+00:00",
        "20240312083015.1234,      2024-03-12T08:30:15.1234+00:00, 2024-03-12T08:30:15.1234+00:00",
        "20240312083015-0500,      2024-03-12T08:30:15-05:00,     2024-03-12T08:30:15-05:00",
        "202403120830+0530,        2024-03-12T08:30:00+05:30,     2024-03-12T08:30:00+05:30",
        "2024031208+0000,          2024-03-12T08:00:00+00:00,     2024-03-12T08:00:00+00:00",
        "20240312+0100,            2024-03-12,                    2024-03-12T00:00:00+01:00"
    })
    void everyPrecisionBecomesAValidFhirValue(String v2, String dateTime, String instant) {
        V2Time t = V2Time.parse(v2);
        assertThat(t.toDateTime(UTC)).isEqualTo(dateTime);
        assertThat(t.toInstant(UTC)).isEqualTo(instant);
        assertThat(t.toDate()).isEqualTo(dateTime.length() > 10 ? dateTime.substring(0, 10) : dateTime);
    }

    @ParameterizedTest
    @CsvSource({
        "20240115120000, 2024-01-15T12:00:00-06:00",
        "20240715120000, 2024-07-15T12:00:00-05:00",
        "20240715120000+0200, 2024-07-15T12:00:00+02:00"
    })
    void aTimestampWithoutOffsetTakesTheDefaultZoneOffsetOfThatDate(String v2, String expected) {
        assertThat(V2Time.parse(v2).toDateTime(CHICAGO)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-03-12", "20241312", "20240230", "2024031225", "202403121260", "20240312123061",
            "20240312.5", "2024031212+05", "20240312123000.12345", "abcd", "202", "20240312123000+1600"})
    void rejectsInvalidTimestamps(String v2) {
        assertThatThrownBy(() -> V2Time.parse(v2)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"07, 07:00:00", "0730, 07:30:00", "073015, 07:30:15", "073015.25, 07:30:15.25", "0730-0500, 07:30:00"})
    void timesBecomeFhirTime(String v2, String expected) {
        assertThat(V2Time.toTime(v2)).isEqualTo(expected);
    }
}
