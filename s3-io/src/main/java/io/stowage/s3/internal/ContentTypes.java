package io.stowage.s3.internal;

import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;

/** Content type by file extension, media first. Stateless. */
final class ContentTypes {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("heic", "image/heic"),
            Map.entry("mp4", "video/mp4"), Map.entry("m4v", "video/mp4"), Map.entry("mov", "video/quicktime"),
            Map.entry("mkv", "video/x-matroska"), Map.entry("webm", "video/webm"), Map.entry("ts", "video/mp2t"),
            Map.entry("m3u8", "application/vnd.apple.mpegurl"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("aac", "audio/aac"), Map.entry("wav", "audio/wav"), Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"), Map.entry("html", "text/html"),
            Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"));

    private ContentTypes() {}

    public static String of(String name) {
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
            String t = TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
            if (t != null) {
                return t;
            }
        }
        String g = URLConnection.guessContentTypeFromName(name);
        return g != null ? g : "application/octet-stream";
    }
}
