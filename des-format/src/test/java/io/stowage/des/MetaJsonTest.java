package io.stowage.des;

import io.stowage.des.internal.MetaJson;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** META bytes exactly as Python's json.dumps(separators=(",", ":")) writes them. */
class MetaJsonTest {
    private static String enc(Map<String, ?> m) {
        return new String(MetaJson.encode(m), StandardCharsets.US_ASCII);
    }

    @Property
    void theWritersShortcutForPlainMetaGivesTheEncodersBytes(@ForAll @net.jqwik.api.constraints.LongRange(min = 0)
                                                             long size, @ForAll int crc, @ForAll boolean withCrc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", size);
        String hex = String.format("%08x", crc);
        if (withCrc) {
            m.put("crc32c", hex);
        }
        byte[] out = new byte[64];
        int n = IndexBuilder.plainMeta(size, withCrc, crc, out);
        assertThat(java.util.Arrays.copyOf(out, n)).isEqualTo(MetaJson.encode(m));
    }

    @Test
    void encodesLikePython() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "zdjęcie \"q\" \\ \n\r\t\b\f\u0001\u007f😀");
        m.put("i", 42L);
        m.put("neg", -7);
        m.put("f", 1.0);
        m.put("big", 1e20);
        m.put("small", 1e-05);
        m.put("fix", 0.0001);
        m.put("pi", 3.14159);
        m.put("e16", 1e16);
        m.put("e15", 1e15);
        m.put("nan", Double.NaN);
        m.put("inf", Double.POSITIVE_INFINITY);
        m.put("ninf", Double.NEGATIVE_INFINITY);
        m.put("n", null);
        m.put("t", true);
        m.put("l", List.of(1, "a", false));
        m.put("o", Map.of("k", 0.1));
        // python3 -c 'import json;print(json.dumps({...},separators=(",",":")))' gave exactly this:
        assertThat(enc(m)).isEqualTo("{\"s\":\"zdj\\u0119cie \\\"q\\\" \\\\ \\n\\r\\t\\b\\f\\u0001\\u007f"
                + "\\ud83d\\ude00\",\"i\":42,\"neg\":-7,\"f\":1.0,\"big\":1e+20,\"small\":1e-05,\"fix\":0.0001,"
                + "\"pi\":3.14159,\"e16\":1e+16,\"e15\":1000000000000000.0,\"nan\":NaN,\"inf\":Infinity,"
                + "\"ninf\":-Infinity,\"n\":null,\"t\":true,\"l\":[1,\"a\",false],\"o\":{\"k\":0.1}}");
    }

    @Test
    void decodesPythonExtensionsAndKeepsOrder() throws Exception {
        Map<String, Object> m = MetaJson.decode("{\"b\":NaN,\"a\":-Infinity,\"c\":[1,2.5e3],\"d\":\"\\u00e9\"}"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(m.keySet()).containsExactly("b", "a", "c", "d");
        assertThat((Double) m.get("b")).isNaN();
        assertThat(m.get("a")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(m.get("c")).isEqualTo(List.of(1L, 2500.0));
        assertThat(m.get("d")).isEqualTo("é");
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : new String[] {"", "[]", "{", "{\"a\"}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1} x",
            "{\"a\":\"\\q\"}", "{\"a\":tru}", "{\"a\":\"\u0001\"}"}) {
            assertThatThrownBy(() -> MetaJson.decode(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(MetaJson.MetaSyntaxException.class);
        }
        byte[] invalidUtf8 = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        assertThatThrownBy(() -> MetaJson.decode(invalidUtf8)).isInstanceOf(MetaJson.MetaSyntaxException.class)
                .hasMessageContaining("UTF-8");
    }

    @Property(tries = 300)
    void decodeOfEncodeIsIdentityForStringsAndLongs(@ForAll String key, @ForAll String value, @ForAll long n)
            throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        m.put(key + "#n", n);
        byte[] bytes = MetaJson.encode(m);
        for (byte b : bytes) {
            assertThat(b & 0xff).isBetween(0x20, 0x7e); // ensure_ascii: pure printable ASCII
        }
        assertThat(MetaJson.decode(bytes)).isEqualTo(m);
    }

    @Property(tries = 300)
    void doublesRoundTripThroughPythonRepr(@ForAll double d) throws Exception {
        Map<String, Object> m = Map.of("d", d);
        byte[] once = MetaJson.encode(m);
        Object back = MetaJson.decode(once).get("d");
        assertThat(back).isEqualTo(d);
        assertThat(Arrays.equals(MetaJson.encode(Map.of("d", back)), once)).isTrue();
    }
}
