package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonArray;
import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** TXA and the MDM OBX content to DocumentReference (IG TXA[DocumentReference], OBX[DocumentReference], ED[Attachment]). */
final class DocumentMapper {

    private DocumentMapper() {
    }

    static void txa(BundleContext ctx, V2Segment txa) {
        if (ctx.patient == null) {
            return;
        }
        DataTypes t = ctx.types;
        JsonObject master = t.identifierEI(txa.first(12), null);
        if (master != null && master.getString("system") == null) {
            master.put("system", t.local(ctx.senderKey.replace('^', '.') + ".document"));
        }
        String fileName = txa.get(16);
        JsonObject key = master;
        if (key == null && fileName != null) {
            key = new JsonObject().put("system", t.local(ctx.senderKey.replace('^', '.') + ".document-file"))
                    .put("value", fileName);
        }
        if (key == null) {
            key = ctx.derivedIdentifier("DocumentReference", ctx.patientKey(), txa.get(2), txa.get(6),
                    ctx.messageKey("TXA"));
        }
        Entry e = ctx.identified("DocumentReference", key, true);
        ctx.document = e;
        JsonObject r = e.resource;
        r.put("masterIdentifier", master);
        if (master == null) {
            r.add("identifier", key);
        } else if (fileName != null) {
            r.add("identifier", new JsonObject()
                    .put("system", t.local(ctx.senderKey.replace('^', '.') + ".document-file")).put("value", fileName));
        }
        String status = t.mappedCode(txa.get(19), "document-availability");
        if ("T11".equals(ctx.event)) {
            status = "entered-in-error";
        }
        r.put("status", status != null ? status : "current");
        r.put("docStatus", t.mappedCode(txa.get(17), "document-status"));
        r.put("type", t.codeableConcept(txa.first(2), "0270"));
        r.put("subject", ctx.patientRef());
        r.put("date", t.instant(txa.get(6), "TXA-6"));
        JsonArray authors = new JsonArray();
        for (int f : new int[] {9, 5}) {
            for (V2Composite xcn : txa.repetitions(f)) {
                JsonObject ref = SharedResources.practitioner(ctx, xcn);
                if (ref != null && !contains(authors, ref)) {
                    authors.add(ref);
                }
            }
        }
        r.put("author", authors);
        r.put("authenticator", OrderMapper.firstPractitioner(ctx, txa, 10));
        V2Composite parent = txa.first(13);
        if (parent.get(1) != null) {
            JsonObject parentId = t.identifierEI(parent, null);
            if (parentId.getString("system") == null) {
                parentId.put("system", t.local(ctx.senderKey.replace('^', '.') + ".document"));
            }
            String relation = "T06".equals(ctx.event) || "T05".equals(ctx.event) ? "appends" : "replaces";
            r.add("relatesTo", new JsonObject().put("code", relation)
                    .put("target", new JsonObject().put("identifier", parentId)));
        }
        r.put("securityLabel", new JsonArray().add(t.tableConcept(txa.get(18), "0272")));
        JsonObject context = new JsonObject();
        context.add("encounter", ctx.encounterRef());
        String activity = t.dateTime(txa, 4);
        if (activity != null) {
            context.put("period", new JsonObject().put("start", activity));
        }
        if (ctx.serviceRequest != null) {
            context.add("related", ctx.serviceRequest.reference());
        }
        r.put("context", context);
        ctx.notesTo(e, "content");
    }

    private static boolean contains(JsonArray refs, JsonObject ref) {
        for (int i = 0; i < refs.size(); i++) {
            JsonObject r = (JsonObject) refs.get(i);
            if (r.getString("reference") != null && r.getString("reference").equals(ref.getString("reference"))) {
                return true;
            }
        }
        return false;
    }

    /** MDM OBX: text lines gather into one text/plain attachment; ED/RP values become attachments of their own. */
    static void obx(BundleContext ctx, V2Segment obx) {
        Entry doc = ctx.document;
        if (doc == null) {
            return;
        }
        String type = obx.get(2) == null ? "" : obx.get(2).toUpperCase(Locale.ROOT);
        if (type.equals("ED")) {
            for (V2Composite rep : obx.repetitions(5)) {
                doc.resource.add("content", new JsonObject().put("attachment", attachment(ctx, rep, "OBX-5")));
            }
        } else if (type.equals("RP")) {
            String url = obx.get(5);
            if (url != null) {
                doc.resource.add("content", new JsonObject().put("attachment", new JsonObject().put("url", url)));
            }
        } else {
            StringBuilder text = ctx.documentText.computeIfAbsent(doc, k -> new StringBuilder());
            for (V2Composite rep : obx.repetitions(5)) {
                String line = rep.wholeText();
                if (line != null) {
                    if (text.length() > 0) {
                        text.append('\n');
                    }
                    text.append(line);
                }
            }
        }
        ctx.notesTo(doc, "content");
    }

    /** Adds the gathered text and makes sure every DocumentReference has content (it is required). */
    static void finish(BundleContext ctx) {
        ctx.documentText.forEach((doc, text) -> {
            if (text.length() > 0) {
                JsonObject attachment = new JsonObject().put("contentType", "text/plain")
                        .put("data", Base64.getEncoder().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8)));
                JsonArray content = doc.resource.arr("content");
                JsonArray reordered = new JsonArray().add(new JsonObject().put("attachment", attachment));
                for (int i = 0; i < content.size(); i++) {
                    reordered.add(content.get(i));
                }
                doc.resource.put("content", reordered);
            }
        });
        for (Entry e : ctx.entries()) {
            if (e.type.equals("DocumentReference") && (!e.resource.has("content")
                    || ((JsonArray) e.resource.get("content")).isEmpty())) {
                Object type = e.resource.get("type");
                String title = type instanceof JsonObject ? ((JsonObject) type).getString("text") : null;
                e.resource.put("content", new JsonArray().add(new JsonObject().put("attachment",
                        new JsonObject().put("title", title != null ? title : "Document (no content in message)"))));
            }
        }
    }

    /**
     * ED (source^type of data^subtype^encoding^data) to Attachment. Base64 data is checked and used as is; ASCII
     * ("A") is encoded; hexadecimal is decoded first.
     */
    static JsonObject attachment(BundleContext ctx, V2Composite ed, String where) {
        String typeOfData = ed.get(2);
        String subtype = ed.get(3);
        String encoding = ed.get(4) == null ? "A" : ed.get(4);
        String data = ed.text(5);
        MappingTables tables = ctx.types.tables();
        String mime = null;
        if (subtype != null) {
            mime = subtype.contains("/") ? subtype.toLowerCase(Locale.ROOT) : tables.mimeType(subtype);
        }
        if (mime == null && typeOfData != null) {
            mime = typeOfData.contains("/") ? typeOfData.toLowerCase(Locale.ROOT) : tables.mimeType(typeOfData);
        }
        if (mime == null) {
            mime = "application/octet-stream";
        }
        JsonObject a = new JsonObject().put("contentType", mime);
        if (data == null) {
            return a;
        }
        String base64;
        switch (encoding.toUpperCase(Locale.ROOT)) {
            case "BASE64":
                base64 = cleanBase64(data, where);
                break;
            case "HEX":
                base64 = Base64.getEncoder().encodeToString(hex(data, where));
                break;
            default:
                base64 = Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8));
        }
        return a.put("data", base64);
    }

    private static String cleanBase64(String data, String where) {
        StringBuilder b = new StringBuilder(data.length());
        for (int i = 0; i < data.length(); i++) {
            char c = data.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                    || c == '=')) {
                throw new ConversionException(where + " declares Base64 but holds other characters");
            }
            b.append(c);
        }
        String s = b.toString();
        try {
            Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new ConversionException(where + " declares Base64 but is not valid Base64");
        }
        return s;
    }

    private static byte[] hex(String h, String where) {
        String s = h.replaceAll("\\s", "");
        if ((s.length() & 1) != 0) {
            throw new ConversionException(where + " declares Hex but has an odd number of digits");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new ConversionException(where + " declares Hex but holds other characters");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
