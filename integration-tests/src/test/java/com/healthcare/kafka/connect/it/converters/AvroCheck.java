package com.healthcare.kafka.connect.it.converters;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

import com.fasterxml.jackson.databind.JsonNode;
import com.healthcare.kafka.connect.it.harness.ConnectWorker;

import io.apicurio.registry.serde.avro.NonRecordContainer;
import io.apicurio.registry.utils.converter.avro.AvroData;

/**
 * Proves that a Connect schema a plugin emitted (captured from Kafka as a JsonConverter envelope, because the plugin
 * classes are not on this classpath) converts to a valid Avro schema with Apicurio's AvroData, the Connect-to-Avro
 * mapping Apicurio's AvroConverter uses (and the same mapping as Confluent's AvroData): the Avro schema re-parses,
 * the record's value converts and validates against it, and survives Avro binary encoding back to the same Connect
 * value. Every distinct Avro schema seen is kept, for the report and docs/converters.md.
 */
final class AvroCheck {

    /** Avro schema JSON by "topic kind: Avro full name or type" (for the schemas list of the docs). */
    static final Map<String, String> SEEN = new ConcurrentSkipListMap<>();

    private final JsonConverter envelopes = new JsonConverter();
    private final AvroData avroData = new AvroData(100);

    AvroCheck() {
        envelopes.configure(Map.of("schemas.enable", "true", "converter.type", "value"), false);
    }

    /**
     * @param what   what the record is, for messages and the list of schemas (e.g. "hl7 struct value")
     * @param envelope a JsonConverter {@code {schema, payload}} envelope as the worker wrote it
     * @return the Avro schema
     */
    Schema check(String what, byte[] envelope) {
        SchemaAndValue connect = envelopes.toConnectData("topic", envelope);
        assertThat(connect.schema()).as("%s: Connect schema in the envelope", what).isNotNull();

        Schema avro = avroData.fromConnectSchema(connect.schema());
        Schema reparsed = new Schema.Parser().parse(avro.toString());
        assertThat(reparsed).as("%s: Avro schema re-parsed from its JSON", what).isEqualTo(avro);

        Object avroValue = avroData.fromConnectData(connect.schema(), connect.value());
        if (avroValue instanceof NonRecordContainer<?> container) {
            avroValue = container.getValue(); // Apicurio's wrapper of a primitive for its serializer
        }
        assertThat(GenericData.get().validate(reparsed, avroValue))
                .as("%s: value valid for Avro schema %s", what, avro).isTrue();

        Object decoded = decode(reparsed, encode(reparsed, avroValue));
        SchemaAndValue back = avroData.toConnectData(reparsed, decoded);
        byte[] again = envelopes.fromConnectData("topic", back.schema(), back.value());
        assertThat(payload(again)).as("%s: value after an Avro binary round trip", what).isEqualTo(payload(envelope));

        SEEN.put(what + ": " + describe(avro) + " #" + Integer.toHexString(avro.toString().hashCode()),
                avro.toString(true));
        return avro;
    }

    /** The record's full name, or the type; an optional schema is a union with null. */
    static String describe(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().map(AvroCheck::describe).collect(java.util.stream.Collectors.joining("|"));
        }
        return schema.getType() == Schema.Type.RECORD ? schema.getFullName() : schema.getType().getName();
    }

    private static byte[] encode(Schema schema, Object value) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object decode(Schema schema, byte[] bytes) {
        try {
            return new GenericDatumReader<>(schema).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode payload(byte[] envelope) {
        try {
            return ConnectWorker.JSON.readTree(envelope).get("payload");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes every schema seen to target/it-work/converters-avro-schemas.txt (listed in docs/converters.md). */
    static void writeReport(Path file) {
        StringBuilder sb = new StringBuilder();
        SEEN.forEach((what, schema) -> sb.append("## ").append(what).append('\n').append(schema).append("\n\n"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
