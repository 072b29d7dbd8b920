package com.healthcare.kafka.connect.transforms.mask;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Masking of one typed value of a Struct or Map and the schema that results: text goes through
 * {@link MaskFunctions}; dates keep their representation (Connect Date/Timestamp, Debezium's epoch-day and
 * epoch-milli/micro/nano columns), a year becoming 1 January of that year so date columns stay dates; ages in
 * numeric columns become 90; methods that produce text (replace, hash, keep-last) turn other types into strings.
 * A value a method cannot interpret becomes null (fail closed), and its schema optional.
 */
final class TypedValues {

    enum Kind { STRING, ZONED_TEXT, EPOCH_DAY_INT, DATE, TIMESTAMP, EPOCH_MILLIS, EPOCH_MICROS, EPOCH_NANOS, TIME, INTEGER,
        DECIMAL, FLOAT, BOOLEAN, BYTES, OTHER }

    private TypedValues() {
    }

    static Kind kindOf(Schema schema) {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case org.apache.kafka.connect.data.Date.LOGICAL_NAME: return Kind.DATE;
                case Timestamp.LOGICAL_NAME: return Kind.TIMESTAMP;
                case Time.LOGICAL_NAME: return Kind.TIME;
                case Decimal.LOGICAL_NAME: return Kind.DECIMAL;
                case "io.debezium.time.Date": return Kind.EPOCH_DAY_INT;
                case "io.debezium.time.Timestamp": return Kind.EPOCH_MILLIS;
                case "io.debezium.time.MicroTimestamp": return Kind.EPOCH_MICROS;
                case "io.debezium.time.NanoTimestamp": return Kind.EPOCH_NANOS;
                case "io.debezium.time.ZonedTimestamp": return Kind.ZONED_TEXT;
                case "io.debezium.time.Time", "io.debezium.time.MicroTime", "io.debezium.time.NanoTime",
                        "io.debezium.time.ZonedTime": return Kind.TIME;
                default: break;
            }
        }
        return switch (schema.type()) {
            case STRING -> Kind.STRING;
            case INT8, INT16, INT32, INT64 -> Kind.INTEGER;
            case FLOAT32, FLOAT64 -> Kind.FLOAT;
            case BOOLEAN -> Kind.BOOLEAN;
            case BYTES -> Kind.BYTES;
            default -> Kind.OTHER;
        };
    }

    /** The Java value's kind, for schemaless values. */
    static Kind kindOf(Object value) {
        if (value instanceof String) {
            return Kind.STRING;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger) {
            return Kind.INTEGER;
        }
        if (value instanceof BigDecimal) {
            return Kind.DECIMAL;
        }
        if (value instanceof Float || value instanceof Double) {
            return Kind.FLOAT;
        }
        if (value instanceof Boolean) {
            return Kind.BOOLEAN;
        }
        if (value instanceof Date) {
            return Kind.TIMESTAMP;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return Kind.BYTES;
        }
        return Kind.OTHER;
    }

    private static boolean producesText(MaskMethod m) {
        return m == MaskMethod.REPLACE || m == MaskMethod.HASH || m == MaskMethod.KEEP_LAST;
    }

    /** The schema a value of {@code schema} has after {@code rule}. */
    static Schema outSchema(MaskRule rule, Schema schema) {
        MaskMethod m = rule.method();
        if (m == MaskMethod.KEEP) {
            return schema;
        }
        Kind kind = kindOf(schema);
        if (m == MaskMethod.REDACT) {
            return optional(schema);
        }
        if (kind == Kind.STRING) {
            return producesText(m) ? schema : optional(schema);
        }
        if (producesText(m) || (m == MaskMethod.ZIP3 && (kind == Kind.INTEGER || kind == Kind.DECIMAL))) {
            return Schema.OPTIONAL_STRING_SCHEMA;
        }
        if (kind == Kind.BOOLEAN && m.isDateMethod()) {
            return schema;
        }
        return optional(schema);
    }

    /** {@code value} (of {@code kind}, not null) after {@code rule}. */
    static Object mask(MaskRule rule, Kind kind, Object value, MaskFunctions fn, String patient) {
        MaskMethod m = rule.method();
        switch (m) {
            case KEEP:
                return value;
            case REDACT:
                return null;
            default:
                break;
        }
        if (kind == Kind.STRING) {
            return fn.apply(rule, (String) value, patient);
        }
        if (producesText(m)) {
            return fn.apply(rule, text(kind, value), patient);
        }
        switch (kind) {
            case ZONED_TEXT: {
                // keeps the ISO form a consumer of Debezium's ZonedTimestamp parses: a year is its 1 January
                DateText date = DateText.parse((String) value);
                if (date == null || !m.isDateMethod()) {
                    return null;
                }
                if (m == MaskMethod.DATESHIFT) {
                    return date.shift(fn.shiftDays(patient));
                }
                if (m == MaskMethod.AGE90 && fn.impliesAgeOver89(date.year())) {
                    return null;
                }
                return date.yearText() + "-01-01T00:00:00Z";
            }
            case DATE, TIMESTAMP, EPOCH_DAY_INT, EPOCH_MILLIS, EPOCH_MICROS, EPOCH_NANOS:
                return m.isDateMethod() ? maskDate(m, kind, value, fn, patient) : null;
            case INTEGER:
                if (m.isDateMethod() && isEpochMillis((Number) value)) {
                    return maskDate(m, Kind.EPOCH_MILLIS, value, fn, patient);
                }
                return maskNumber(m, kind, value, fn);
            case DECIMAL, FLOAT:
                return maskNumber(m, kind, value, fn);
            case BOOLEAN:
                return m.isDateMethod() ? value : null;
            default:
                return null;
        }
    }

    private static String text(Kind kind, Object value) {
        return switch (kind) {
            case BYTES -> value instanceof ByteBuffer b ? Base64.getEncoder().encodeToString(bytes(b))
                    : Base64.getEncoder().encodeToString((byte[]) value);
            case DATE -> toLocalDate(kind, value).toString();
            case TIMESTAMP -> ((Date) value).toInstant().toString();
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            default -> String.valueOf(value);
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    /**
     * A plain integer column read as a time: milliseconds since the epoch (1973 to 5138), the usual Kafka form. A
     * year (1000-9999) and an age (under 1000) are read as such; anything else cannot be told apart and is removed.
     */
    private static boolean isEpochMillis(Number value) {
        long v = value.longValue();
        return v >= 100_000_000_000L && v < 100_000_000_000_000L;
    }

    private static Object maskNumber(MaskMethod m, Kind kind, Object value, MaskFunctions fn) {
        BigDecimal number = kind == Kind.DECIMAL ? (BigDecimal) value : new BigDecimal(value.toString());
        switch (m) {
            case AGE90: {
                if (number.compareTo(BigDecimal.valueOf(1000)) >= 0) { // a year, not an age
                    return fn.impliesAgeOver89(number.intValue()) ? null : value;
                }
                return number.compareTo(BigDecimal.valueOf(89)) > 0 ? sameType(value, 90) : value;
            }
            case YEAR:
                return number.compareTo(BigDecimal.valueOf(1000)) >= 0
                        && number.compareTo(BigDecimal.valueOf(9999)) <= 0 ? value : null;
            case ZIP3: {
                if (kind != Kind.INTEGER || number.signum() < 0 || number.compareTo(BigDecimal.valueOf(99999)) > 0) {
                    return null;
                }
                return fn.zip3(String.format("%05d", number.intValue()));
            }
            default:
                return null;
        }
    }

    private static Object sameType(Object like, int value) {
        if (like instanceof Integer) {
            return value;
        }
        if (like instanceof Long) {
            return (long) value;
        }
        if (like instanceof Short) {
            return (short) value;
        }
        if (like instanceof Byte) {
            return (byte) value;
        }
        if (like instanceof Float) {
            return (float) value;
        }
        if (like instanceof Double) {
            return (double) value;
        }
        if (like instanceof BigDecimal d) {
            return BigDecimal.valueOf(value).setScale(Math.max(d.scale(), 0));
        }
        if (like instanceof java.math.BigInteger) {
            return java.math.BigInteger.valueOf(value);
        }
        return value;
    }

    private static LocalDate toLocalDate(Kind kind, Object value) {
        return switch (kind) {
            case DATE, TIMESTAMP -> ((Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
            case EPOCH_DAY_INT -> LocalDate.ofEpochDay(((Number) value).longValue());
            case EPOCH_MILLIS -> Instant.ofEpochMilli(((Number) value).longValue()).atOffset(ZoneOffset.UTC)
                    .toLocalDate();
            case EPOCH_MICROS -> LocalDate.ofEpochDay(Math.floorDiv(((Number) value).longValue(),
                    TimeUnit.DAYS.toMicros(1)));
            case EPOCH_NANOS -> LocalDate.ofEpochDay(Math.floorDiv(((Number) value).longValue(),
                    TimeUnit.DAYS.toNanos(1)));
            default -> throw new IllegalArgumentException(kind.name());
        };
    }

    private static Object maskDate(MaskMethod m, Kind kind, Object value, MaskFunctions fn, String patient) {
        LocalDate date = toLocalDate(kind, value);
        long shiftDays;
        switch (m) {
            case DATESHIFT:
                shiftDays = fn.shiftDays(patient);
                break;
            case AGE90:
                return fn.impliesAgeOver89(date.getYear()) ? null
                        : ofDate(kind, LocalDate.of(date.getYear(), 1, 1), value);
            case YEAR:
                return ofDate(kind, LocalDate.of(date.getYear(), 1, 1), value);
            default:
                return null;
        }
        long day = TimeUnit.DAYS.toMillis(1);
        return switch (kind) {
            case DATE -> Date.from(date.plusDays(shiftDays).atStartOfDay(ZoneOffset.UTC).toInstant());
            case TIMESTAMP -> new Date(((Date) value).getTime() + shiftDays * day);
            case EPOCH_DAY_INT -> sameIntegral(value, ((Number) value).longValue() + shiftDays);
            case EPOCH_MILLIS -> sameIntegral(value, ((Number) value).longValue() + shiftDays * day);
            case EPOCH_MICROS -> sameIntegral(value, ((Number) value).longValue()
                    + shiftDays * TimeUnit.DAYS.toMicros(1));
            case EPOCH_NANOS -> sameIntegral(value, ((Number) value).longValue()
                    + shiftDays * TimeUnit.DAYS.toNanos(1));
            default -> null;
        };
    }

    /** 1 January of a year, in the representation of {@code like}. */
    private static Object ofDate(Kind kind, LocalDate jan1, Object like) {
        long epochDay = jan1.toEpochDay();
        return switch (kind) {
            case DATE, TIMESTAMP -> Date.from(jan1.atStartOfDay(ZoneOffset.UTC).toInstant());
            case EPOCH_DAY_INT -> sameIntegral(like, epochDay);
            case EPOCH_MILLIS -> sameIntegral(like, TimeUnit.DAYS.toMillis(epochDay));
            case EPOCH_MICROS -> sameIntegral(like, TimeUnit.DAYS.toMicros(epochDay));
            case EPOCH_NANOS -> sameIntegral(like, TimeUnit.DAYS.toNanos(epochDay));
            default -> null;
        };
    }

    private static Object sameIntegral(Object like, long value) {
        return like instanceof Integer ? (Object) (int) value : (Object) value;
    }

    /** The optional version of a schema (same name, version, parameters; no default). */
    static Schema optional(Schema schema) {
        if (schema.isOptional()) {
            return schema;
        }
        return copyBasics(schema).optional().build();
    }

    /** A builder with the type, name, version, doc and parameters of {@code schema} (and its fields/elements). */
    static SchemaBuilder copyBasics(Schema schema) {
        SchemaBuilder builder = switch (schema.type()) {
            case STRUCT -> {
                SchemaBuilder b = SchemaBuilder.struct();
                schema.fields().forEach(f -> b.field(f.name(), f.schema()));
                yield b;
            }
            case ARRAY -> SchemaBuilder.array(schema.valueSchema());
            case MAP -> SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
            default -> new SchemaBuilder(schema.type());
        };
        return copyMetadata(schema, builder);
    }

    /** Gives {@code builder} the name, version, doc and parameters of {@code schema}; returns it. */
    static SchemaBuilder copyMetadata(Schema schema, SchemaBuilder builder) {
        if (schema.name() != null) {
            builder.name(schema.name());
        }
        if (schema.version() != null) {
            builder.version(schema.version());
        }
        if (schema.doc() != null) {
            builder.doc(schema.doc());
        }
        if (schema.parameters() != null && !schema.parameters().isEmpty()) {
            builder.parameters(schema.parameters());
        }
        return builder;
    }
}
