package com.healthcare.kafka.connect.transforms.hl7tofhir.json;

import java.util.ArrayList;
import java.util.List;

/** A JSON array; null elements are ignored and empty ones are left out when written. */
public final class JsonArray {

    private final List<Object> items = new ArrayList<>(4);

    public JsonArray add(Object value) {
        if (value != null && !(value instanceof String && ((String) value).isBlank())) {
            items.add(value);
        }
        return this;
    }

    public int size() {
        return items.size();
    }

    public Object get(int i) {
        return items.get(i);
    }

    public boolean contains(Object value) {
        return items.contains(value);
    }

    public boolean isEmpty() {
        for (Object v : items) {
            if (!JsonWriter.isEmpty(v)) {
                return false;
            }
        }
        return true;
    }

    List<Object> items() {
        return items;
    }
}
