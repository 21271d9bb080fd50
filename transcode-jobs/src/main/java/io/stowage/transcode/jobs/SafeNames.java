package io.stowage.transcode.jobs;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Reduces a user's file name to one safe S3 key segment: the last path segment (after {@code /} or {@code \}),
 * NFC, characters outside {@code [A-Za-z0-9._-]} replaced by {@code _}, no leading dots. Stateless, so thread-safe.
 */
final class SafeNames {
    static final int MAX_BYTES = 255;

    private SafeNames() {
    }

    /**
     * The safe name.
     *
     * @throws TranscodeJobsUnsafeNameException when nothing usable is left or the name has control characters
     */
    static String reduce(String name) {
        if (name == null || name.isEmpty()) {
            throw new TranscodeJobsUnsafeNameException(String.valueOf(name), "it is empty");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new TranscodeJobsUnsafeNameException(name, "it contains control characters");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES * 4) {
            throw new TranscodeJobsUnsafeNameException(name, "it is longer than " + MAX_BYTES * 4 + " bytes");
        }
        String n = Normalizer.normalize(name, Normalizer.Form.NFC);
        int cut = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
        n = n.substring(cut + 1);
        StringBuilder b = new StringBuilder();
        n.codePoints().forEach(c -> {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_') {
                b.append((char) c);
            } else {
                b.append('_');
            }
        });
        String s = b.toString();
        int lead = 0;
        while (lead < s.length() && s.charAt(lead) == '.') {
            lead++;
        }
        s = s.substring(lead);
        if (s.isEmpty() || s.chars().allMatch(c -> c == '_')) {
            throw new TranscodeJobsUnsafeNameException(name, "no file name is left once folders, dots and"
                    + " unsafe characters are removed");
        }
        if (s.length() > MAX_BYTES) {
            int dot = s.lastIndexOf('.');
            String ext = dot > 0 && s.length() - dot <= 16 ? s.substring(dot) : "";
            s = s.substring(0, MAX_BYTES - ext.length()) + ext;
        }
        return s;
    }
}
