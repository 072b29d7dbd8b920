package com.healthcare.kafka.connect.hl7.config;

/**
 * How much a value converter can grow the bytes of an error record (a BYTES value). JsonConverter writes bytes as
 * base64 text (4/3); Avro, Protobuf and ByteArray converters write them as they are. An unset or unknown
 * converter (the worker's default is not visible to the connector) counts as JsonConverter, the larger.
 */
public enum ConverterGrowth {
    JSON("JsonConverter (base64, 4/3)"),
    BINARY("a binary converter (1x)");

    private final String description;

    ConverterGrowth(String description) {
        this.description = description;
    }

    public static ConverterGrowth of(String valueConverterClass) {
        if (valueConverterClass == null) {
            return JSON;
        }
        String name = valueConverterClass.trim();
        if (name.endsWith("ByteArrayConverter") || name.contains("Avro") || name.contains("Protobuf")) {
            return BINARY;
        }
        return JSON;
    }

    /** Stored size of {@code n} raw bytes. */
    public long bytes(long n) {
        return this == JSON ? (n + 2) / 3 * 4 + 2 : n;
    }

    public String describe() {
        return description;
    }
}
