package com.healthcare.kafka.connect.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.parser.GenericModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;

/**
 * The reader against HAPI's PipeParser (generic model: every field read as it is written) on every corpus
 * message of the project: the same segments, and in each the same fields, repetitions, components and
 * subcomponents with the same unescaped text.
 */
class HapiDifferentialTest {

    private static final PipeParser HAPI = hapi();

    private static PipeParser hapi() {
        HapiContext ctx = new DefaultHapiContext();
        ctx.setModelClassFactory(new GenericModelClassFactory());
        ctx.setValidationContext(ValidationContextFactory.noValidation());
        ctx.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        return ctx.getPipeParser();
    }

    static Stream<Corpus.Sample> corpus() {
        return Corpus.all().stream();
    }

    @Test
    void theCorpusIsThere() {
        // the HL7 source's, Hl7ToFhir's and the benchmarks' corpora: if the walk finds none the test proves nothing
        assertThat(Corpus.all()).hasSizeGreaterThan(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void readsEveryCorpusMessageAsHapiDoes(Corpus.Sample sample) throws Exception {
        Hl7Reader.Message ours = Hl7Reader.read(sample.text());
        // HAPI reads a doubled backslash in MSH-2 ("^~\\\\&", two public samples) as a backslash subcomponent
        // separator; the reader repairs it to "^~\\&", so HAPI gets the repaired header to compare the rest.
        Message theirs = HAPI.parse(sample.text().replace("MSH|^~\\\\&|", "MSH|^~\\&|"));
        compare(ours, theirs);
    }

    @Test
    void edgeCasesReadAsHapiDoes() throws Exception {
        List<String> messages = List.of(
                // escapes of every delimiter, formatting and hex kept as written, an unknown sequence kept
                "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||1\\S\\2^^^X\\T\\Y&Z||Doe\\F\\Roe^J\\R\\K\\E\\"
                        + "||||||Line\\.br\\two \\X41\\ \\H\\bold\\N\\\r",
                // non-standard delimiters
                "MSH#$*!%#A#B#C#D#20240101##ADT$A01#2#P#2.4\rPID#1##A$B%C*R$D!T!\r",
                // empty fields, repetitions and components, trailing separators
                "MSH|^~\\&|||||||ORU^R01|3|P|2.5.1|||||\rOBX|1|ST|^^^||~~|x^^^^|||||F|\r",
                // a Z-segment and an HL7 null
                "MSH|^~\\&|A||||||ADT^A08|4|P|2.3\rZXY|\"\"|a&b&c^d\r");
        for (String m : messages) {
            compare(Hl7Reader.read(m), HAPI.parse(m));
        }
    }

    /**
     * The one deliberate difference: HAPI drops the escape characters of an unknown sequence ({@code \Q\} reads
     * "Q"); the reader keeps the sequence as written, so no reader downstream mistakes it for data.
     */
    @Test
    void unknownEscapeSequencesStayAsWritten() throws Exception {
        String m = "MSH|^~\\&|A||||||ADT^A08|5|P|2.5\rPID|1||1||a\\Q\\b\r";
        assertThat(Terser.get((Segment) HAPI.parse(m).get("PID"), 5, 0, 1, 1)).isEqualTo("aQb");
        assertThat(Hl7Reader.read(m).first("PID").value(5, 1, 1, 1)).isEqualTo("a\\Q\\b");
    }

    /** MSH-2 "^~" declares no escape character and no subcomponent separator: backslash and ampersand are data. */
    @Test
    void undeclaredEncodingCharactersAreData() {
        Hl7Segment pid = Hl7Reader.read("MSH|^~|A||||||ADT^A08|6|P|2.5\rPID|1||A&B\\F\\^X~Y\r").first("PID");
        assertThat(pid.delimiters().escape()).isEqualTo((char) 0);
        assertThat(pid.delimiters().subcomponent()).isEqualTo((char) 0);
        assertThat(pid.value(3, 1, 1, 1)).isEqualTo("A&B\\F\\");
        assertThat(pid.value(3, 1, 2, 1)).isEqualTo("X");
        assertThat(pid.value(3, 2, 1, 1)).isEqualTo("Y");
    }

    private static void compare(Hl7Reader.Message ours, Message theirs) throws Exception {
        Map<String, List<Hl7Segment>> byName = new TreeMap<>();
        for (Hl7Segment s : ours.segments()) {
            byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
        }
        List<Segment> hapiSegments = new ArrayList<>();
        collect(theirs, hapiSegments);
        Map<String, List<Segment>> hapiByName = new TreeMap<>();
        for (Segment s : hapiSegments) {
            hapiByName.computeIfAbsent(s.getName(), k -> new ArrayList<>()).add(s);
        }
        assertThat(byName.keySet()).isEqualTo(hapiByName.keySet());
        for (Map.Entry<String, List<Hl7Segment>> e : byName.entrySet()) {
            List<Segment> hs = hapiByName.get(e.getKey());
            assertThat(e.getValue()).as("%s count", e.getKey()).hasSameSizeAs(hs);
            for (int i = 0; i < hs.size(); i++) {
                compareSegment(e.getValue().get(i), hs.get(i));
            }
        }
    }

    private static void collect(ca.uhn.hl7v2.model.Group group, List<Segment> out) throws Exception {
        for (String name : group.getNames()) {
            for (Structure s : group.getAll(name)) {
                if (s instanceof Segment seg) {
                    out.add(seg);
                } else if (s instanceof ca.uhn.hl7v2.model.Group g) {
                    collect(g, out);
                }
            }
        }
    }

    private static void compareSegment(Hl7Segment ours, Segment theirs) throws Exception {
        String where = ours.name() + " #" + ours.index();
        int fields = Math.max(ours.fieldCount(), theirs.numFields());
        for (int f = 1; f <= fields; f++) {
            String[] reps = ours.repetitions(f);
            int hapiReps = f <= theirs.numFields() ? theirs.getField(f).length : 0;
            int ourReps = nonEmptyCount(reps, ours);
            assertThat(ourReps).as("%s-%d repetitions", where, f).isEqualTo(hapiReps == 0 ? 0 : hapiReps);
            for (int r = 1; r <= reps.length; r++) {
                String[] comps = ours.isDelimiterField(f) ? new String[] {reps[r - 1]} : ours.components(reps[r - 1]);
                for (int c = 1; c <= comps.length + 1; c++) {
                    String[] subs = c <= comps.length && !ours.isDelimiterField(f)
                            ? ours.subcomponents(comps[c - 1]) : new String[] {""};
                    for (int s = 1; s <= subs.length + 1; s++) {
                        String mine = ours.value(f, r, c, s);
                        String hapi = r <= hapiReps ? Terser.get(theirs, f, r - 1, c, s) : null;
                        assertThat(mine).as("%s-%d(%d).%d.%d", where, f, r, c, s)
                                .isEqualTo(hapi == null ? "" : hapi);
                    }
                }
            }
        }
    }

    /** HAPI counts no repetition in an empty field and none after a trailing repetition separator. */
    private static int nonEmptyCount(String[] reps, Hl7Segment seg) {
        if (reps.length == 1 && reps[0].isEmpty()) {
            return 0;
        }
        return reps[reps.length - 1].isEmpty() ? reps.length - 1 : reps.length;
    }
}
