package com.healthcare.kafka.connect.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class Hl7CharsetsTest {

    private static byte[] message(String msh18, String pid5, Charset charset) {
        String text = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||" + msh18 + "\rPID|1||1||" + pid5 + "\r";
        return text.getBytes(charset);
    }

    @Test
    void everyTable0211CodeMapsToAJdkCharsetOrSaysWhyNot() {
        List<String> codes = Hl7Charsets.table().stream().map(Hl7Charsets.Entry::code).toList();
        assertThat(codes).contains("ASCII", "8859/1", "8859/2", "8859/3", "8859/4", "8859/5", "8859/6", "8859/7",
                "8859/8", "8859/9", "8859/15", "ISO IR6", "ISO IR14", "ISO IR87", "ISO IR159", "ISO IR192",
                "UNICODE", "UNICODE UTF-8", "UNICODE UTF-16", "UNICODE UTF-32", "GB 18030-2000", "KS X 1001",
                "CNS 11643-1992", "BIG-5", "JAS2020", "JIS X 0202");
        for (Hl7Charsets.Entry e : Hl7Charsets.table()) {
            if (e.javaName() != null) {
                assertThat(Charset.isSupported(e.javaName())).as(e.code()).isTrue();
            }
        }
        assertThat(Hl7Charsets.lookup("JAS2020").orElseThrow().charset()).isEmpty();
        assertThatThrownBy(() -> Hl7Charsets.forMsh18(List.of("JAS2020")))
                .isInstanceOf(Hl7ParseException.class).hasMessageContaining("JAS2020").hasMessageContaining("no Java");
        assertThatThrownBy(() -> Hl7Charsets.forMsh18(List.of("KLINGON")))
                .isInstanceOf(Hl7ParseException.class).hasMessageContaining("table 0211");
    }

    @Test
    void isoIr100IsLatin1LikeEveryOtherSpellingOfIt() {
        for (String code : List.of("ISO IR100", "ISO_IR 100", "iso ir100", "8859/1")) {
            assertThat(Hl7Charsets.forMsh18(List.of(code))).as(code).isEqualTo(StandardCharsets.ISO_8859_1);
        }
        byte[] latin1 = message("ISO IR100", "M\u00fcller^J\u00fcrgen", StandardCharsets.ISO_8859_1);
        assertThat(Hl7Charsets.decode(latin1, null).text()).contains("M\u00fcller^J\u00fcrgen");
    }

    @Test
    void decodesWhatMsh18DeclaresAndRefusesInvalidBytes() {
        assertThat(Hl7Charsets.decode(message("UNICODE UTF-8", "\u674e^\u534e", StandardCharsets.UTF_8), null)
                .text()).contains("\u674e^\u534e");
        assertThat(Hl7Charsets.decode(message("GB 18030-2000", "\u674e^\u534e", Charset.forName("GB18030")), null)
                .text()).contains("\u674e^\u534e");
        assertThat(Hl7Charsets.decode(message("8859/7", "\u03a0\u03b1\u03c0\u03b1", Charset.forName("ISO-8859-7")),
                null).text()).contains("\u03a0\u03b1\u03c0\u03b1");
        // Japanese: MSH-18 "~ISO IR87" says the text switches to JIS X 0208 with ISO 2022 escapes
        byte[] jis = message("~ISO IR87", "\u5c71\u7530^\u592a\u90ce", Charset.forName("ISO-2022-JP"));
        assertThat(Hl7Charsets.decode(jis, null).text()).contains("\u5c71\u7530^\u592a\u90ce");
        // empty MSH-18: UTF-8, strictly
        assertThat(Hl7Charsets.decode(message("", "plain", StandardCharsets.UTF_8), null).charset())
                .isEqualTo(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Hl7Charsets.decode(message("", "M\u00fcller", StandardCharsets.ISO_8859_1), null))
                .isInstanceOf(Hl7ParseException.class)
                .extracting(e -> ((Hl7ParseException) e).kind()).isEqualTo(Hl7ParseException.Kind.UNDECODABLE);
        // a configured override wins over MSH-18
        assertThat(Hl7Charsets.decode(message("UNICODE UTF-8", "M\u00fcller", StandardCharsets.ISO_8859_1),
                StandardCharsets.ISO_8859_1).text()).contains("M\u00fcller");
    }

    @Test
    void javaNamesAreAcceptedForConfiguration() {
        assertThat(Hl7Charsets.forName("windows-1252")).isEqualTo(Charset.forName("windows-1252"));
        assertThat(Hl7Charsets.forName("8859/15")).isEqualTo(Charset.forName("ISO-8859-15"));
        assertThat(Hl7Charsets.forName("no-such-charset")).isNull();
    }
}
