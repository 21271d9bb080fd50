package io.stowage.des.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * META JSON exactly as the reference writes it: Python's {@code json.dumps(meta, separators=(",", ":"))} with
 * {@code ensure_ascii}. Encoding gives pure-ASCII bytes; decoding accepts standard JSON plus Python's
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, keeps key order ({@link LinkedHashMap}) and maps integers to
 * {@link Long} (or {@link BigInteger} when larger) and other numbers to {@link Double}, so decode→encode of a
 * reference META object gives the same bytes.
 *
 * <p>Stateless and thread-safe. A general JSON library is not used because none produces these bytes by default
 * (and des-format depends on the JDK only). The class is about 500 lines, at the house limit, on purpose: encoder
 * and decoder must reproduce Python's {@code json.dumps} byte for byte (number forms, ASCII escapes of non-ASCII
 * text, surrogate pairs, NaN/Infinity), and keeping both in one class keeps those rules in step.
 */
public final class MetaJson {
    private MetaJson() {}

    /** Thrown by {@link #decode} with the byte position (relative to the input) where the JSON went wrong. */
    public static final class MetaSyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int position;

        MetaSyntaxException(String message, int position) {
            super(message + " at byte " + position);
            this.position = position;
        }

        public int position() {
            return position;
        }
    }

    // ------------------------------------------------------------------ encode

    /** Encodes a JSON object (map with String keys) to the reference's ASCII bytes. */
    public static byte[] encode(Map<String, ?> object) {
        StringBuilder sb = new StringBuilder(64);
        writeValue(sb, object);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Encodes any supported value (Map, List, String, Number, Boolean, null) to a compact ASCII string. */
    public static String encodeValue(Object value) {
        StringBuilder sb = new StringBuilder();
        writeValue(sb, value);
        return sb.toString();
    }

    private static void writeValue(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            writeString(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            sb.append(v.toString());
        } else if (v instanceof Double || v instanceof Float) {
            sb.append(pythonFloatRepr(((Number) v).doubleValue()));
        } else if (v instanceof BigDecimal bd) {
            sb.append(pythonFloatRepr(bd.doubleValue()));
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("META keys must be strings, got " + e.getKey());
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, key);
                sb.append(':');
                writeValue(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                writeValue(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Object[] arr) {
            writeValue(sb, java.util.Arrays.asList(arr));
        } else {
            throw new IllegalArgumentException("META value of type " + v.getClass().getName()
                    + " is not JSON; use String, Number, Boolean, null, Map or List");
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        // UTF-16 code units: a character above U+FFFF is already a surrogate pair, as Python writes it
                        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
    static String pythonFloatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // shortest digits that round-trip (Java 17's Double.toString is not always shortest)
        String digits = null;
        int exp = 0;
        for (int p = 1; p <= 17; p++) {
            String s = String.format(Locale.ROOT, "%." + (p - 1) + "e", Math.abs(d));
            if (Double.parseDouble(s) == Math.abs(d)) {
                int e = s.indexOf('e');
                digits = s.substring(0, e).replace(".", "");
                exp = Integer.parseInt(s.substring(e + 1));
                break;
            }
        }
        if (digits == null) {
            throw new IllegalStateException("cannot format " + d);
        }
        // strip trailing zeros of the mantissa digits
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        StringBuilder sb = new StringBuilder();
        if (d < 0) {
            sb.append('-');
        }
        if (exp >= -5 && exp < 16) {
            // fixed notation (Python repr switches at exponent -5 => 1e-05 is scientific, 0.0001 fixed)
            if (exp < -4) {
                return sciNotation(sb, digits, exp);
            }
            if (exp >= 0) {
                if (digits.length() <= exp + 1) {
                    sb.append(digits);
                    sb.append("0".repeat(exp + 1 - digits.length()));
                    sb.append(".0");
                } else {
                    sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
                }
            } else {
                sb.append("0.");
                sb.append("0".repeat(-exp - 1));
                sb.append(digits);
            }
            return sb.toString();
        }
        return sciNotation(sb, digits, exp);
    }

    private static String sciNotation(StringBuilder sb, String digits, int exp) {
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        sb.append(a);
        return sb.toString();
    }

    // ------------------------------------------------------------------ decode

    /**
     * Decodes one JSON object from UTF-8 bytes. The whole input must be one object (whitespace around it allowed).
     *
     * @throws MetaSyntaxException naming the byte position of the first error; no other exception type escapes
     */
    public static Map<String, Object> decode(byte[] bytes) throws MetaSyntaxException {
        Parser p = new Parser(bytes);
        p.skipWs();
        if (p.pos >= bytes.length || bytes[p.pos] != '{') {
            throw new MetaSyntaxException("META is not a JSON object", p.pos);
        }
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != bytes.length) {
            throw new MetaSyntaxException("unexpected bytes after the JSON object", p.pos);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    private static final class Parser {
        private static final int MAX_DEPTH = 256;
        final byte[] b;
        int pos;

        Parser(byte[] b) {
            this.b = b;
        }

        void skipWs() {
            while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
                pos++;
            }
        }

        MetaSyntaxException err(String msg) {
            return new MetaSyntaxException(msg, pos);
        }

        Object value(int depth) throws MetaSyntaxException {
            if (depth > MAX_DEPTH) {
                throw err("JSON nested deeper than " + MAX_DEPTH);
            }
            skipWs();
            if (pos >= b.length) {
                throw err("unexpected end of JSON");
            }
            byte c = b[pos];
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                case 'N':
                    literal("NaN");
                    return Double.NaN;
                case 'I':
                    literal("Infinity");
                    return Double.POSITIVE_INFINITY;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw err("unexpected character '" + (char) (c & 0xff) + "'");
            }
        }

        void literal(String word) throws MetaSyntaxException {
            int n = word.length();
            if (pos + n > b.length) {
                throw err("expected " + word);
            }
            for (int i = 0; i < n; i++) {
                if (b[pos + i] != word.charAt(i)) {
                    throw err("expected " + word);
                }
            }
            pos += n;
        }

        Map<String, Object> object(int depth) throws MetaSyntaxException {
            pos++; // {
            Map<String, Object> m = new LinkedHashMap<>();
            skipWs();
            if (pos < b.length && b[pos] == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipWs();
                if (pos >= b.length || b[pos] != '"') {
                    throw err("expected a string key");
                }
                String key = string();
                skipWs();
                if (pos >= b.length || b[pos] != ':') {
                    throw err("expected ':'");
                }
                pos++;
                Object v = value(depth + 1);
                m.put(key, v); // duplicate keys: last wins, as Python's json
                skipWs();
                if (pos >= b.length) {
                    throw err("unexpected end of JSON object");
                }
                if (b[pos] == ',') {
                    pos++;
                } else if (b[pos] == '}') {
                    pos++;
                    return m;
                } else {
                    throw err("expected ',' or '}'");
                }
            }
        }

        List<Object> array(int depth) throws MetaSyntaxException {
            pos++;
            List<Object> l = new ArrayList<>();
            skipWs();
            if (pos < b.length && b[pos] == ']') {
                pos++;
                return Collections.unmodifiableList(l);
            }
            while (true) {
                l.add(value(depth + 1));
                skipWs();
                if (pos >= b.length) {
                    throw err("unexpected end of JSON array");
                }
                if (b[pos] == ',') {
                    pos++;
                } else if (b[pos] == ']') {
                    pos++;
                    return Collections.unmodifiableList(l);
                } else {
                    throw err("expected ',' or ']'");
                }
            }
        }

        Object number() throws MetaSyntaxException {
            int start = pos;
            if (b[pos] == '-') {
                pos++;
                if (pos < b.length && b[pos] == 'I') {
                    literal("Infinity");
                    return Double.NEGATIVE_INFINITY;
                }
            }
            int intStart = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            if (pos == intStart) {
                throw err("expected digits");
            }
            if (b[intStart] == '0' && pos - intStart > 1) {
                throw err("leading zero in number");
            }
            boolean isFloat = false;
            if (pos < b.length && b[pos] == '.') {
                isFloat = true;
                pos++;
                int fs = pos;
                while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                    pos++;
                }
                if (pos == fs) {
                    throw err("expected digits after '.'");
                }
            }
            if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
                isFloat = true;
                pos++;
                if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
                    pos++;
                }
                int es = pos;
                while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                    pos++;
                }
                if (pos == es) {
                    throw err("expected exponent digits");
                }
            }
            String s = new String(b, start, pos - start, StandardCharsets.US_ASCII);
            if (isFloat) {
                return Double.parseDouble(s);
            }
            if (pos - start <= 18) {
                return Long.parseLong(s);
            }
            BigInteger bi = new BigInteger(s);
            return bi.bitLength() < 64 ? (Object) bi.longValue() : bi;
        }

        String string() throws MetaSyntaxException {
            pos++; // opening quote
            StringBuilder sb = null;
            int runStart = pos;
            while (true) {
                if (pos >= b.length) {
                    throw err("unterminated string");
                }
                int c = b[pos] & 0xff;
                if (c == '"') {
                    String tail = utf8(runStart, pos);
                    pos++;
                    return sb == null ? tail : sb.append(tail).toString();
                }
                if (c == '\\') {
                    if (sb == null) {
                        sb = new StringBuilder();
                    }
                    sb.append(utf8(runStart, pos));
                    pos++;
                    if (pos >= b.length) {
                        throw err("unterminated escape");
                    }
                    char e = (char) b[pos];
                    pos++;
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > b.length) {
                                throw err("truncated \\u escape");
                            }
                            int cp = 0;
                            for (int i = 0; i < 4; i++) {
                                int h = Character.digit(b[pos + i], 16);
                                if (h < 0) {
                                    throw err("bad hex digit in \\u escape");
                                }
                                cp = (cp << 4) | h;
                            }
                            pos += 4;
                            sb.append((char) cp);
                        }
                        default -> throw err("bad escape '\\" + e + "'");
                    }
                    runStart = pos;
                    continue;
                }
                if (c < 0x20) {
                    throw err("control character in string");
                }
                pos++;
            }
        }

        private String utf8(int from, int to) throws MetaSyntaxException {
            if (from == to) {
                return "";
            }
            boolean ascii = true;
            for (int i = from; i < to; i++) {
                if (b[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                return new String(b, from, to - from, StandardCharsets.US_ASCII);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(b, from, to - from)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new MetaSyntaxException("invalid UTF-8 in string", from);
            }
        }
    }
}
