package io.stowage.s3.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as the JVM sees them: whether it can represent a name at all (its file name encoding, set by the locale
 * at startup), a name shown as its bytes when its characters would hide them (Unicode normalization, bytes that are
 * not UTF-8), and the temporary files a download writes beside its targets. Stateless.
 *
 * <pre>{@code
 * if (LocalNames.isDownloadTemp(name)) skip(name);
 * String shown = LocalNames.shown(path);   // "cafe%CC%81" for an NFD name
 * }</pre>
 */
public final class LocalNames {
    /** The marker in a download's temporary file name: {@code .NAME.stowage-part-HEX} beside the target. */
    public static final String TEMP_MARKER = ".stowage-part-";
    private static final Charset NAMES = charset();

    private LocalNames() {}

    private static Charset charset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Whether this JVM's file name encoding is UTF-8 (it is not under a C/POSIX locale: any non-ASCII name fails). */
    public static boolean utf8Names() {
        return NAMES.equals(StandardCharsets.UTF_8);
    }

    /** The name of this JVM's file name encoding, for messages (e.g. {@code ANSI_X3.4-1968} under {@code LC_ALL=C}). */
    public static String encoding() {
        return NAMES.name();
    }

    /** The fix to give when a name cannot be represented. */
    public static String localeHint() {
        return "this JVM's file name encoding is " + encoding() + " (a C/POSIX locale?); run with a UTF-8 locale,"
                + " e.g. LC_ALL=C.UTF-8";
    }

    /** Whether {@code fileName} is a download's temporary file ({@code .NAME.stowage-part-HEX}). */
    public static boolean isDownloadTemp(String fileName) {
        if (!fileName.startsWith(".")) {
            return false;
        }
        int at = fileName.lastIndexOf(TEMP_MARKER);
        if (at < 1 || at + TEMP_MARKER.length() == fileName.length()) {
            return false;
        }
        for (int i = at + TEMP_MARKER.length(); i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The last name of {@code p} as its bytes: itself when it is plain ASCII, else percent-encoded ({@code %C3%A9}),
     * so two names that look alike (NFC and NFD, or bytes that are not UTF-8 shown as U+FFFD) are told apart.
     */
    public static String shown(Path p) {
        String name = p.getFileName().toString();
        boolean ascii = true;
        for (int i = 0; i < name.length() && ascii; i++) {
            char c = name.charAt(i);
            ascii = c >= 0x20 && c < 0x7f && c != '%';
        }
        if (ascii) {
            return name;
        }
        String raw = p.toUri().getRawPath();   // the name's bytes, percent-encoded (the URI of a Unix path)
        if (raw.endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1);
        }
        return raw.substring(raw.lastIndexOf('/') + 1);
    }

    /**
     * Whether this name, as the walk gave it, stands for bytes the JVM could not decode: it holds U+FFFD and the file
     * name encoding is not UTF-8 (under UTF-8 an undecodable byte is kept as U+FFFD in the key, as before).
     */
    public static boolean unrepresentable(String decodedName) {
        return !utf8Names() && decodedName.indexOf('\uFFFD') >= 0;
    }
}
