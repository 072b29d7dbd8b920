package com.healthcare.kafka.connect.transforms.hl7tofhir;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** One Bundle entry under construction: the resource, its fullUrl and (transaction/batch) its request. */
final class Entry {

    final String type;
    final String fullUrl;
    final JsonObject resource;
    /** The identifier ("system|value") the entry is keyed by, when it has one. */
    String key;
    /** The segment that created the entry (named in identity-conflict errors). */
    V2Segment source;
    /**
     * What tells this item apart from another one of the message that shares its business identifier (e.g. the
     * OBR-4 service code of orders sharing a placer number); null when the identifier alone is the identity.
     */
    String discriminator;
    /**
     * Set when the business identifier is shared with a distinct item of the same message: the identifier (hash of
     * business identifier and discriminator) the conditional request uses instead, added to the resource.
     */
    JsonObject distinctIdentifier;
    String method;
    String url;
    String ifNoneExist;

    Entry(String type, String fullUrl) {
        this.type = type;
        this.fullUrl = fullUrl;
        this.resource = new JsonObject().put("resourceType", type);
    }

    /** A Reference to this entry, resolved by the server when the transaction is processed. */
    JsonObject reference() {
        return new JsonObject().put("reference", fullUrl);
    }

    JsonObject reference(String display) {
        return reference().put("display", display);
    }

    /** Conditional update: {@code PUT Type?identifier=system|value}, idempotent on replay. */
    Entry updateBy(JsonObject identifier) {
        method = "PUT";
        url = type + "?identifier=" + Uris.token(identifier.getString("system"), identifier.getString("value"));
        ifNoneExist = null;
        return this;
    }

    /** Conditional create: {@code POST Type} with {@code ifNoneExist: identifier=system|value}. */
    Entry createBy(JsonObject identifier) {
        method = "POST";
        url = type;
        ifNoneExist = "identifier=" + Uris.token(identifier.getString("system"), identifier.getString("value"));
        return this;
    }

    /** Re-keys the conditional request (same method) on another identifier. */
    Entry requestBy(JsonObject identifier) {
        return "PUT".equals(method) ? updateBy(identifier) : createBy(identifier);
    }

    Entry createIfNoneExist(String query) {
        method = "POST";
        url = type;
        ifNoneExist = query;
        return this;
    }

    boolean hasRequest() {
        return method != null;
    }
}
