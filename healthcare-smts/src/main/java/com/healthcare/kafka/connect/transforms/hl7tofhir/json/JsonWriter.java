package com.healthcare.kafka.connect.transforms.hl7tofhir.json;

/** Compact JSON serialisation of {@link JsonObject} trees; empty objects, arrays and strings are omitted. */
public final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {
    }

    public static String write(JsonObject o) {
        StringBuilder b = new StringBuilder(1024);
        if (!writeValue(o, b)) {
            b.append("{}");
        }
        return b.toString();
    }

    public static void write(JsonObject o, StringBuilder b) {
        if (!writeValue(o, b)) {
            b.append("{}");
        }
    }

    static boolean isEmpty(Object v) {
        if (v == null) {
            return true;
        }
        if (v instanceof String) {
            return ((String) v).isEmpty();
        }
        if (v instanceof JsonObject) {
            return ((JsonObject) v).isEmpty();
        }
        if (v instanceof JsonArray) {
            return ((JsonArray) v).isEmpty();
        }
        return false;
    }

    /** Writes {@code v}; returns false (and writes nothing) when it is empty. */
    private static boolean writeValue(Object v, StringBuilder b) {
        if (v == null) {
            return false;
        }
        if (v instanceof String) {
            String s = (String) v;
            if (s.isEmpty()) {
                return false;
            }
            writeString(s, b);
            return true;
        }
        if (v instanceof JsonObject) {
            JsonObject o = (JsonObject) v;
            int start = b.length();
            b.append('{');
            boolean any = false;
            for (int i = 0; i < o.size(); i++) {
                int mark = b.length();
                if (any) {
                    b.append(',');
                }
                writeString(o.keyAt(i), b);
                b.append(':');
                if (writeValue(o.valueAt(i), b)) {
                    any = true;
                } else {
                    b.setLength(mark);
                }
            }
            if (!any) {
                b.setLength(start);
                return false;
            }
            b.append('}');
            return true;
        }
        if (v instanceof JsonArray) {
            JsonArray a = (JsonArray) v;
            int start = b.length();
            b.append('[');
            boolean any = false;
            for (Object item : a.items()) {
                int mark = b.length();
                if (any) {
                    b.append(',');
                }
                if (writeValue(item, b)) {
                    any = true;
                } else {
                    b.setLength(mark);
                }
            }
            if (!any) {
                b.setLength(start);
                return false;
            }
            b.append(']');
            return true;
        }
        if (v instanceof Boolean || v instanceof JsonNumber || v instanceof Integer || v instanceof Long) {
            b.append(v);
            return true;
        }
        throw new IllegalArgumentException("unsupported JSON value " + v.getClass().getName());
    }

    static void writeString(String s, StringBuilder b) {
        b.append('"');
        int n = s.length();
        int run = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            b.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    b.append("\\u00").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
        b.append(s, run, n);
        b.append('"');
    }
}
