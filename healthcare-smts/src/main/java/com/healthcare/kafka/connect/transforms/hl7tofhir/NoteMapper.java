package com.healthcare.kafka.connect.transforms.hl7tofhir;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.healthcare.kafka.connect.transforms.hl7tofhir.json.JsonObject;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Composite;
import com.healthcare.kafka.connect.transforms.hl7tofhir.v2.V2Segment;

/** NTE: notes on whatever the previous segment produced. */
final class NoteMapper {

    private NoteMapper() {
    }

    /** NTE: a note on whatever the previous segment produced (Annotation, Appointment.comment or content). */
    static void nte(BundleContext ctx, V2Segment nte) {
        Entry target = ctx.noteTarget;
        if (target == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (V2Composite rep : nte.repetitions(3)) {
            String s = rep.wholeText();
            if (s != null) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(s);
            }
        }
        if (b.length() == 0) {
            return;
        }
        String text = b.toString();
        switch (ctx.noteKind) {
            case "comment": {
                String existing = target.resource.getString("comment");
                target.resource.put("comment", existing == null ? text : existing + "\n" + text);
                return;
            }
            case "content":
                target.resource.add("content", new JsonObject().put("attachment", new JsonObject()
                        .put("contentType", "text/plain")
                        .put("data", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
                        .put("title", "Note")));
                return;
            default: {
                JsonObject note = new JsonObject();
                JsonObject author = OrderMapper.firstPractitioner(ctx, nte, 5);
                if (author != null && author.has("reference")) {
                    note.put("authorReference", author);
                } else if (author != null) {
                    note.put("authorString", author.getString("display"));
                }
                note.put("time", ctx.types.dateTime(nte, 6));
                note.put("text", text);
                target.resource.add("note", note);
            }
        }
    }
}
