package com.healthcare.kafka.connect.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Hl7EscapesTest {

    private static final Hl7Delimiters D = Hl7Delimiters.STANDARD;

    @Test
    void unescapeResolvesDelimitersAndKeepsFormatting() {
        assertThat(Hl7Escapes.unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", D)).isEqualTo("a|b^c&d~e\\f");
        assertThat(Hl7Escapes.unescape("x\\.br\\y\\X41\\\\H\\z\\N\\", D)).isEqualTo("x\\.br\\y\\X41\\\\H\\z\\N\\");
        assertThat(Hl7Escapes.unescape("open \\F", D)).isEqualTo("open \\F");
    }

    @Test
    void plainTextRendersFormattingAndHex() {
        assertThat(Hl7Escapes.toPlainText("x\\.br\\y\\X41C3A9\\\\H\\z\\N\\\\.sp2\\w", D)).isEqualTo("x\nyA\u00e9z\n\nw");
        assertThat(Hl7Escapes.toPlainText("\\.sp999999\\", D)).hasSize(100);
        assertThat(Hl7Escapes.toPlainText("\\Zlocal\\\\Q\\", D)).isEqualTo("\\Q\\");
    }

    @Test
    void escapeRoundTripsThroughUnescape() {
        String text = "a|b^c&d~e\\f\rg\nh";
        String escaped = Hl7Escapes.escape(text, D);
        assertThat(escaped).isEqualTo("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\g\\X0A\\h");
        assertThat(Hl7Escapes.toPlainText(escaped, D)).isEqualTo(text);
    }

    @Test
    void delimitersAreDistinctAndDeclaredOnes() {
        assertThat(Hl7Delimiters.of('|', "^~\\&")).isSameAs(Hl7Delimiters.STANDARD);
        assertThat(Hl7Delimiters.of('|', "^~\\&#").truncation()).isEqualTo('#');
        assertThat(Hl7Escapes.unescape("x\\P\\", Hl7Delimiters.of('|', "^~\\&#"))).isEqualTo("x#");
        for (String bad : new String[] {"", "^", "^^\\&", "^~\\&#!", "^|\\&", "^A\\&", "^ \\&"}) {
            assertThatThrownBy(() -> Hl7Delimiters.of('|', bad)).as(bad).isInstanceOf(Hl7ParseException.class);
        }
        Hl7Delimiters none = Hl7Delimiters.of('|', "^~");
        assertThat(Hl7Escapes.unescape("a\\F\\b&c", none)).isEqualTo("a\\F\\b&c");
        assertThat(Hl7Escapes.escape("a|b", none)).isEqualTo("a b");
    }
}
