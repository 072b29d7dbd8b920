package com.healthcare.kafka.connect.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the reader, the escapes and the charset decoding: whatever the input, the only
 * exception is {@link Hl7ParseException}, nothing loops (a generous guard, not a timing), and the output stays
 * bounded by the input. The seed is printed in a failure, so every failure replays.
 */
class Hl7ReaderFuzzTest {

    private static final long SEED = 0x4C37_5632L;
    private static final int ROUNDS = 20_000;
    /** The most text escapes may add per input character ("\.sp99\": 7 characters, 99 line breaks). */
    private static final int GROWTH = 16;
    private static final String ALPHABET = "|^~\\&#MSHPIDOBXFHSBTZ0123456789 .br.spXCN\"\r\n\u000B\u001C\uFEFF\u00E9\u4E2D";

    @Test
    void randomMutationsOfCorpusMessagesOnlyEverRaiseTheParseException() {
        List<Corpus.Sample> corpus = Corpus.all();
        assertThat(corpus).isNotEmpty();
        Random random = new Random(SEED);
        Assertions.assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            int parsed = 0;
            for (int round = 0; round < ROUNDS; round++) {
                String original = corpus.get(random.nextInt(corpus.size())).text();
                String mutated = mutate(original, random);
                try {
                    parsed += exercise(mutated) ? 1 : 0;
                    exerciseBytes(mutated.getBytes(random.nextBoolean() ? StandardCharsets.UTF_8
                            : StandardCharsets.ISO_8859_1));
                } catch (Hl7ParseException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (RuntimeException | Error e) {
                    fail("round " + round + " (seed " + SEED + ") threw " + e + " on: " + printable(mutated), e);
                }
            }
            // the mutations must leave most messages readable, or the fuzzing only tests the header check
            assertThat(parsed).isGreaterThan(ROUNDS / 3);
        });
    }

    /** Reads the text and every leaf of it; true when it was readable. */
    private static boolean exercise(String text) {
        Hl7Reader.Message message = Hl7Reader.read(text);
        long out = 0;
        for (Hl7Segment s : message.segments()) {
            for (int f = 1; f <= s.fieldCount(); f++) {
                String[] reps = s.repetitions(f);
                for (int r = 1; r <= reps.length; r++) {
                    String[] comps = s.components(reps[r - 1]);
                    for (int c = 1; c <= comps.length; c++) {
                        String[] subs = s.subcomponents(comps[c - 1]);
                        for (int k = 1; k <= subs.length; k++) {
                            out += s.value(f, r, c, k).length();
                        }
                    }
                }
                String plain = Hl7Escapes.toPlainText(s.field(f), s.delimiters());
                assertThat(plain.length()).isLessThanOrEqualTo(GROWTH * Math.max(1, s.field(f).length()));
                String escaped = Hl7Escapes.escape(plain, s.delimiters());
                assertThat(escaped.indexOf('\r')).isNegative();
            }
        }
        assertThat(out).isLessThanOrEqualTo(text.length());
        return true;
    }

    private static void exerciseBytes(byte[] bytes) {
        Hl7Charsets.Decoded decoded = Hl7Charsets.decode(bytes, null);
        assertThat(decoded.text().length()).isLessThanOrEqualTo(bytes.length);
    }

    private static String mutate(String text, Random random) {
        StringBuilder b = new StringBuilder(text);
        int mutations = 1 + random.nextInt(6);
        for (int m = 0; m < mutations && b.length() > 0; m++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(8)) {
                case 0 -> b.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 1 -> b.deleteCharAt(at);
                case 2 -> b.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 3 -> b.setLength(at); // truncation
                case 4 -> {
                    int end = Math.min(b.length(), at + random.nextInt(40));
                    b.insert(random.nextInt(b.length()), b.substring(at, end)); // duplicated span
                }
                case 5 -> b.insert(at, "\\.sp" + random.nextInt(1_000_000) + "\\"); // formatting with a count
                case 6 -> b.insert(at, "\\X" + Integer.toHexString(random.nextInt()) + "\\");
                default -> {
                    // the header itself: MSH-1 / MSH-2 characters
                    int h = Math.min(b.length() - 1, 3 + random.nextInt(5));
                    b.setCharAt(h, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
        }
        return b.toString();
    }

    private static String printable(String s) {
        String cut = s.length() > 300 ? s.substring(0, 300) + "..." : s;
        return cut.replace("\r", "\\r").replace("\n", "\\n");
    }
}
