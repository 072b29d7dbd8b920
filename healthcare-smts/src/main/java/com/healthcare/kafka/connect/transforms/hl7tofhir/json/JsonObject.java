package com.healthcare.kafka.connect.transforms.hl7tofhir.json;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered JSON object for building FHIR resources. Null values and blank strings are ignored on
 * {@link #put}, and empty objects and arrays are left out when written, so a resource never carries the empty
 * elements FHIR forbids (ele-1).
 */
public final class JsonObject {

    private final List<String> keys = new ArrayList<>(8);
    private final List<Object> values = new ArrayList<>(8);

    /** Sets {@code key}, replacing an earlier value; a null value or blank string is ignored. */
    public JsonObject put(String key, Object value) {
        if (value == null || (value instanceof String && ((String) value).isBlank())) {
            return this;
        }
        int i = keys.indexOf(key);
        if (i >= 0) {
            values.set(i, value);
        } else {
            keys.add(key);
            values.add(value);
        }
        return this;
    }

    /** Sets {@code key} only if it has no value yet. */
    public JsonObject putIfAbsent(String key, Object value) {
        if (!has(key)) {
            put(key, value);
        }
        return this;
    }

    public Object get(String key) {
        int i = keys.indexOf(key);
        return i >= 0 ? values.get(i) : null;
    }

    public String getString(String key) {
        Object v = get(key);
        return v instanceof String ? (String) v : null;
    }

    public boolean has(String key) {
        return keys.indexOf(key) >= 0;
    }

    public JsonObject remove(String key) {
        int i = keys.indexOf(key);
        if (i >= 0) {
            keys.remove(i);
            values.remove(i);
        }
        return this;
    }

    /** The child object at {@code key}, created if absent. */
    public JsonObject obj(String key) {
        Object v = get(key);
        if (v instanceof JsonObject) {
            return (JsonObject) v;
        }
        JsonObject o = new JsonObject();
        put(key, o);
        return o;
    }

    /** The array at {@code key}, created if absent. */
    public JsonArray arr(String key) {
        Object v = get(key);
        if (v instanceof JsonArray) {
            return (JsonArray) v;
        }
        JsonArray a = new JsonArray();
        put(key, a);
        return a;
    }

    /** Appends {@code value} to the array at {@code key} (created if absent); null is ignored. */
    public JsonObject add(String key, Object value) {
        if (value != null && !(value instanceof String && ((String) value).isBlank())) {
            arr(key).add(value);
        }
        return this;
    }

    int size() {
        return keys.size();
    }

    String keyAt(int i) {
        return keys.get(i);
    }

    Object valueAt(int i) {
        return values.get(i);
    }

    /** True when writing this object would produce nothing. */
    public boolean isEmpty() {
        for (Object v : values) {
            if (!JsonWriter.isEmpty(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return JsonWriter.write(this);
    }
}
