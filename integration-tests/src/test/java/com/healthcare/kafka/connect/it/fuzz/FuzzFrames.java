package com.healthcare.kafka.connect.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded generators of MLLP input, valid and malformed. Every generated piece says what the listener must do
 * with it (answer it, and how; write an error record or not), so the fuzzer can check each one. All names and
 * identifiers are invented.
 */
final class FuzzFrames {

    static final byte VT = 0x0B;
    static final byte FS = 0x1C;
    static final byte CR = 0x0D;

    /**
     * What the listener owes the sender for a piece of input: AA, AR/AE, nothing, or (ANY, a mutated message
     * that may or may not still be acceptable) AA with a record in a message topic or AR with an error record.
     */
    enum Answer { ACCEPT, REJECT, NONE, ANY }

    /** What was generated. */
    enum Kind {
        VALID, VALID_NO_CR, VALID_LF,
        RANDOM_FRAMED, GARBLED_ENCODING, BROKEN_MSH, UNDECODABLE, TRUNCATED_RESTART, GARBAGE, MUTATED
    }

    /**
     * One piece of a pipelined stream.
     *
     * @param controlId    MSH-10 of a valid message, else null
     * @param errorRecords error-topic records this piece must produce (0 or 1)
     * @param framed       whether the bytes start with 0x0B (a piece that leaves the decoder outside a complete
     *                     frame, GARBAGE or TRUNCATED_RESTART, must be followed by a framed one)
     */
    record Piece(Kind kind, byte[] bytes, Answer answer, String controlId, int errorRecords, boolean framed) {
        /** Malformed for sure (a mutated message is counted once the listener has judged it). */
        boolean malformed() {
            return answer == Answer.REJECT || answer == Answer.NONE;
        }
    }

    private FuzzFrames() {
    }

    static byte[] frame(byte[] body) {
        byte[] framed = new byte[body.length + 3];
        framed[0] = VT;
        System.arraycopy(body, 0, framed, 1, body.length);
        framed[body.length + 1] = FS;
        framed[body.length + 2] = CR;
        return framed;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A valid ADT^A01 or ORU^R01 with the given control id (the fuzzer's topics are fuzz.ADT and fuzz.ORU). */
    static String validMessage(SplittableRandom random, String controlId) {
        String[] versions = {"2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8"};
        String version = versions[random.nextInt(versions.length)];
        if (random.nextBoolean()) {
            // EVN-1 left empty: it is withdrawn from 2.7 on and HAPI validation (-Dfuzz.validation) refuses it.
            return msh("ADT^A01^ADT_A01", controlId, version) + "EVN||20240315083000\r"
                    + "PID|1||FZ" + random.nextInt(1_000_000) + "^^^FZHOSP^MR||Fuzz^Tester^Q||19800229|F\r"
                    + "PV1|1|I|ICU^12^A\r";
        }
        return msh("ORU^R01^ORU_R01", controlId, version)
                + "PID|1||FZ" + random.nextInt(1_000_000) + "^^^FZHOSP^MR||Fuzz^Tester\r"
                + "OBR|1|ORD1|FIL1|GLU^Glucose^L\rOBX|1|NM|GLU^Glucose^L||5.4|mmol/L|3.9-6.1|N|||F\r";
    }

    static String msh(String type, String controlId, String version) {
        return "MSH|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000||" + type + "|" + controlId + "|P|" + version + "\r";
    }

    static Piece valid(SplittableRandom random, String controlId) {
        String text = validMessage(random, controlId);
        int variant = random.nextInt(10);
        if (variant == 0) {
            // 0x1C without the final 0x0D: documented as tolerated.
            byte[] body = ascii(text);
            byte[] bytes = new byte[body.length + 2];
            bytes[0] = VT;
            System.arraycopy(body, 0, bytes, 1, body.length);
            bytes[body.length + 1] = FS;
            return new Piece(Kind.VALID_NO_CR, bytes, Answer.ACCEPT, controlId, 0, true);
        }
        if (variant == 1) {
            // LF or CRLF segment terminators are normalised.
            String lf = random.nextBoolean() ? text.replace("\r", "\n") : text.replace("\r", "\r\n");
            return new Piece(Kind.VALID_LF, frame(ascii(lf)), Answer.ACCEPT, controlId, 0, true);
        }
        return new Piece(Kind.VALID, frame(ascii(text)), Answer.ACCEPT, controlId, 0, true);
    }

    /** One malformed piece for a pipelined stream; {@code afterUnframed} forbids pieces that need a 0x0B next. */
    static Piece malformed(SplittableRandom random, boolean mustBeFramed) {
        int roll = random.nextInt(100);
        if (!mustBeFramed && roll < 12) {
            return garbage(random);
        }
        if (!mustBeFramed && roll < 27) {
            return truncatedRestart(random);
        }
        if (roll < 45) {
            return randomFramed(random);
        }
        if (roll < 60) {
            return garbledEncoding(random);
        }
        if (roll < 75) {
            return brokenMsh(random);
        }
        if (roll < 85) {
            return undecodable(random);
        }
        return mutated(random);
    }

    private static final String[] INSERTS = {"|", "^", "~", "\\", "&", "\r", "\n", "\r\n", " ", "||||", "^^^",
            "\\X\\", "\\X4\\", "\\XZZ\\", "\\X414243\\", "\\XC3A9\\", "\\E\\", "\\F\\", "\\.br\\", "\\H\\",
            "\\Z", "MSH|", "PID|", "\rPID|1||", "\u00e9", "\u0000", "\u00ff", "\ud83d"};

    /**
     * A valid message with one to four random edits (replaced bytes, inserted delimiters, escape sequences and
     * segment starts, deleted runs): it may still be acceptable or not; either way it must be answered, and land
     * in a message topic (AA) or the error topic (AR).
     */
    static Piece mutated(SplittableRandom random) {
        StringBuilder text = new StringBuilder(validMessage(random, "MUT" + random.nextInt(1_000_000_000)));
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && text.length() > 8; i++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0:
                    char c;
                    do {
                        c = (char) random.nextInt(256);
                    } while (c == VT || c == FS);
                    text.setCharAt(at, c);
                    break;
                case 1:
                    text.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
                    break;
                default:
                    text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(5)));
            }
        }
        // Characters above 0xFF become UTF-8 bytes; the rest is written byte for byte (so often invalid UTF-8).
        String body = text.toString();
        boolean wide = body.chars().anyMatch(ch -> ch > 0xFF);
        byte[] bytes = wide ? body.getBytes(StandardCharsets.UTF_8) : ascii(body);
        return new Piece(Kind.MUTATED, frame(bytes), Answer.ANY, null, 0, true);
    }

    /** Random bytes in a complete frame: never 0x0B/0x1C inside, never blank, never starting like a header. */
    static Piece randomFramed(SplittableRandom random) {
        int length = 1 + random.nextInt(random.nextInt(8) == 0 ? 3000 : 300);
        byte[] body = randomBytes(random, length);
        // A printable first byte that cannot begin MSH, FHS or BHS, so the frame is neither blank nor a message.
        body[0] = (byte) "!#$%()*+,-./0123456789:;<=>?@ACDEGHIJKLNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz"
                .charAt(random.nextInt(79));
        return new Piece(Kind.RANDOM_FRAMED, frame(body), Answer.REJECT, null, 1, true);
    }

    /** MSH-1/MSH-2 that cannot be read: every variant is rejected by the documented delimiter rules. */
    static Piece garbledEncoding(SplittableRandom random) {
        String rest = "|FUZZ|FZHOSP|KAFKA|HC|20240315083000||ADT^A01|GARBLED" + random.nextInt(1_000_000)
                + "|P|2.5\rPID|1||FZ1^^^FZHOSP^MR\r";
        String head;
        switch (random.nextInt(8)) {
            case 0: // a letter or digit as field separator
                char sep = "AZaz09Q".charAt(random.nextInt(7));
                head = "MSH" + sep + "^~\\&" + rest.replace('|', sep);
                break;
            case 1: // a space as field separator
                head = "MSH ^~\\&" + rest.replace('|', ' ');
                break;
            case 2: // one encoding character only
                head = "MSH|^" + rest;
                break;
            case 3: // six encoding characters
                head = "MSH|^~\\&#@" + rest;
                break;
            case 4: // duplicated encoding characters
                head = "MSH|^^\\&" + rest;
                break;
            case 5: // a letter among the encoding characters
                head = "MSH|^~X&" + rest;
                break;
            case 6: // no encoding characters at all
                head = "MSH||" + rest;
                break;
            default: // random garbage where MSH-2 belongs, containing a letter or digit
                StringBuilder enc = new StringBuilder();
                int n = 2 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    enc.append((char) ('!' + random.nextInt(94)));
                }
                enc.setCharAt(random.nextInt(n), (char) ('a' + random.nextInt(26)));
                head = "MSH|" + enc.toString().replace('|', 'x').replace('\\', 'y') + rest;
        }
        return new Piece(Kind.GARBLED_ENCODING, frame(ascii(head)), Answer.REJECT, null, 1, true);
    }

    /** MSH present but broken: too short, renamed, missing MSH-9/MSH-10, a type that cannot name a topic. */
    static Piece brokenMsh(SplittableRandom random) {
        String text;
        switch (random.nextInt(7)) {
            case 0:
                text = "MSH|^~";
                break;
            case 1:
                text = "MSX|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000||ADT^A01|X1|P|2.5\r";
                break;
            case 2: // MSH-9 empty
                text = "MSH|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000|||NO9-" + random.nextInt(1000) + "|P|2.5\r"
                        + "PID|1||FZ1\r";
                break;
            case 3: // MSH-10 empty
                text = "MSH|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000||ADT^A01||P|2.5\rPID|1||FZ1\r";
                break;
            case 4: // MSH stops before MSH-9
                text = "MSH|^~\\&|FUZZ|FZHOSP|KAFKA" + "|HC".repeat(random.nextInt(2)) + "\rPID|1||FZ1\r";
                break;
            case 5: // a message type that is not a legal topic name
                text = "MSH|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000||A D*T^A01|BADTYPE" + random.nextInt(1000)
                        + "|P|2.5\r";
                break;
            default: // a segment other than MSH first
                text = "PID|1||FZ1^^^FZHOSP^MR\rMSH|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000||ADT^A01|X2|P|2.5\r";
        }
        return new Piece(Kind.BROKEN_MSH, frame(ascii(text)), Answer.REJECT, null, 1, true);
    }

    /** Bytes that are not valid in the declared MSH-18, or an MSH-18 nobody knows. */
    static Piece undecodable(SplittableRandom random) {
        String head = "MSH|^~\\&|FUZZ|FZHOSP|KAFKA|HC|20240315083000||ADT^A01|UND" + random.nextInt(1000)
                + "|P|2.5||||||";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextBoolean()) {
            out.writeBytes(ascii(head + "NO-SUCH-CHARSET-" + random.nextInt(100) + "\rPID|1||FZ1\r"));
        } else {
            out.writeBytes(ascii(head + "UNICODE UTF-8\rPID|1||FZ"));
            // Invalid UTF-8: a lone continuation byte, an overlong form or a truncated sequence.
            byte[][] bad = {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x28, (byte) 0xA1},
                    {(byte) 0xFF}};
            out.writeBytes(bad[random.nextInt(bad.length)]);
            out.writeBytes(ascii("^^^FZHOSP^MR\r"));
        }
        return new Piece(Kind.UNDECODABLE, frame(out.toByteArray()), Answer.REJECT, null, 1, true);
    }

    /** The start of a message, then (next piece) a new 0x0B: the listener records it, there is nothing to answer. */
    static Piece truncatedRestart(SplittableRandom random) {
        String text = validMessage(random, "TRUNC" + random.nextInt(1_000_000));
        int cut = 3 + random.nextInt(text.length() - 3);
        byte[] body = ascii(text.substring(0, cut));
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = VT;
        System.arraycopy(body, 0, bytes, 1, body.length);
        return new Piece(Kind.TRUNCATED_RESTART, bytes, Answer.NONE, null, 1, false);
    }

    /** Bytes outside any frame (never 0x0B, at least one non-whitespace byte): recorded, not answered. */
    static Piece garbage(SplittableRandom random) {
        byte[] bytes = randomBytes(random, 1 + random.nextInt(200));
        bytes[random.nextInt(bytes.length)] = (byte) ('A' + random.nextInt(26));
        return new Piece(Kind.GARBAGE, bytes, Answer.NONE, null, 1, false);
    }

    /** Random bytes without 0x0B and 0x1C (0x1C may still appear in garbage, where it is just garbage). */
    static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            byte b;
            do {
                b = (byte) random.nextInt(256);
            } while (b == VT || b == FS);
            bytes[i] = b;
        }
        return bytes;
    }
}
