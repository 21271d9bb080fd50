package io.stowage.des;

import java.nio.charset.StandardCharsets;

/**
 * The rules for entry names. Writers enforce {@link #check}: the reference's rules (non-empty, at most 65535 UTF-8
 * bytes, none of {@code / \ : * ? " < > |}) plus Stowage's unpack safety (not {@code "."} or {@code ".."}, no control
 * characters). Readers accept any name that decodes as UTF-8, so archives written elsewhere stay readable; unpacking
 * refuses names that fail {@link #isSafeFileName}.
 *
 * <p>{@code EntryNames.check("cam-01.jpg");}
 *
 * <p>Stateless and thread-safe.
 */
public final class EntryNames {
    /** Longest name in UTF-8 bytes (the INDEX stores the length as u16). */
    public static final int MAX_NAME_BYTES = 65535;

    private EntryNames() {}

    /** Throws {@link DesNameException} saying what is wrong with {@code name}, if anything. */
    public static void check(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new DesNameException(name, problem);
        }
    }

    /** True when {@code name} can be used as a file name inside a target folder without escaping it. */
    public static boolean isSafeFileName(String name) {
        return problem(name) == null;
    }

    /** The characters of {@code / \\ : * ? " < > |}, by code (one lookup per character of every name written). */
    private static final boolean[] FORBIDDEN = new boolean[128];

    static {
        for (char c : "/\\:*?\"<>|".toCharArray()) {
            FORBIDDEN[c] = true;
        }
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "entry name is empty; every entry needs a name";
        }
        if (name.equals(".") || name.equals("..")) {
            return "entry name '" + name + "' is not allowed: it would escape the target folder on unpack";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < FORBIDDEN.length && FORBIDDEN[c]) {
                return "entry name '" + printable(name) + "' contains '" + c
                        + "'; names may not contain any of / \\ : * ? \" < > | (use the file name, not a path)";
            }
            if (c < 0x20 || c == 0x7f) {
                return "entry name '" + printable(name) + "' contains control character U+"
                        + String.format("%04X", (int) c) + " at position " + i + "; remove it";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    return "entry name '" + printable(name) + "' contains an unpaired surrogate at position " + i
                            + "; it cannot be encoded as UTF-8";
                }
                i++;
            }
        }
        // at most 3 UTF-8 bytes per UTF-16 char, so short names need no encoding to check their length
        int bytes = name.length() * 3 <= MAX_NAME_BYTES ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "entry name of " + bytes + " UTF-8 bytes exceeds the limit of " + MAX_NAME_BYTES + "; shorten it";
        }
        return null;
    }

    /**
     * {@code name} safe to print on a terminal: every control character (C0, DEL and C1, e.g. ESC or CSI, which a
     * terminal would act on) written as {@code \\uXXXX}, everything else as is.
     *
     * <p>{@code out.println(EntryNames.escaped(entry.name()));   // ESC prints as the six characters \\u001b}
     */
    public static String escaped(String name) {
        if (name == null) {
            return "null";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return escape(name, name.length());
            }
        }
        return name;
    }

    static String printable(String name) {
        return escape(name, 200);
    }

    private static String escape(String name, int max) {
        StringBuilder sb = new StringBuilder();
        int limit = Math.min(name.length(), max);
        for (int i = 0; i < limit; i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (name.length() > limit) {
            sb.append("...");
        }
        return sb.toString();
    }
}
