package io.stowage.testing.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's truth (what S3 answers) and each of its lies, seen through a plain HTTP client. */
class LyingS3Test {
    @RegisterExtension
    static final LyingS3 S3 = LyingS3.start();

    static final Pattern KEY = Pattern.compile("<Key>([^<]*)</Key>");
    static final Pattern SIZE = Pattern.compile("<Size>(\\d+)</Size>");
    static final Pattern NEXT = Pattern.compile("<NextContinuationToken>([^<]*)</NextContinuationToken>");

    /** One answer: status, headers, body. */
    record Answer(int statusCode, Map<String, List<String>> headerMap, byte[] body) {
        Optional<String> header(String name) {
            return headerMap.entrySet().stream().filter(e -> name.equalsIgnoreCase(e.getKey()))
                    .map(e -> e.getValue().get(0)).findFirst();
        }

        OptionalLong length() {
            return header("Content-Length").map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
        }
    }

    static Answer send(String method, String pathAndQuery, String range) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(S3.endpoint() + pathAndQuery).openConnection();
        try {
            c.setRequestMethod(method);
            if (range != null) {
                c.setRequestProperty("Range", range);
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] body = in == null ? new byte[0] : in.readAllBytes();
            return new Answer(status, c.getHeaderFields(), body);
        } finally {
            c.disconnect();
        }
    }

    static String list(String bucket, String query) throws Exception {
        Answer r = send("GET", "/" + bucket + "?list-type=2" + query, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static List<String> all(Pattern p, String xml) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(xml);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void honestListingPagesInKeyOrderAndEnds() throws Exception {
        S3.clear().put("b", "p/c", bytes(3)).put("b", "p/b", bytes(2)).put("b", "q/x", bytes(1));
        S3.put("b", "p/a", bytes(1));
        String first = list("b", "&prefix=p/&max-keys=2");
        assertThat(all(KEY, first)).containsExactly("p/a", "p/b");
        assertThat(all(SIZE, first)).containsExactly("1", "2");
        assertThat(first).contains("<IsTruncated>true</IsTruncated>");
        String token = all(NEXT, first).get(0);
        String second = list("b", "&prefix=p/&max-keys=2&continuation-token=" + token);
        assertThat(all(KEY, second)).containsExactly("p/c");
        assertThat(second).contains("<IsTruncated>false</IsTruncated>").doesNotContain("NextContinuationToken");
        assertThat(S3.listRequests()).isEqualTo(2);
    }

    @Test
    void delimiterRollsUpCommonPrefixesAcrossPages() throws Exception {
        S3.clear().put("d", "a/1", bytes(1)).put("d", "a/2", bytes(1)).put("d", "b", bytes(1))
                .put("d", "c/1", bytes(1));
        String first = list("d", "&delimiter=/&max-keys=2");
        assertThat(first).contains("<Prefix>a/</Prefix>");
        assertThat(all(KEY, first)).containsExactly("b");
        String second = list("d", "&delimiter=/&max-keys=2&continuation-token=" + all(NEXT, first).get(0));
        assertThat(second).contains("<Prefix>c/</Prefix>").doesNotContain("a/").contains("<IsTruncated>false<");
    }

    @Test
    void honestGetHeadAndRanges() throws Exception {
        byte[] content = bytes(100);
        S3.put("b", "dir/x y+z.bin", content);
        Answer get = send("GET", "/b/dir/x%20y%2Bz.bin", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(content);
        assertThat(get.header("ETag")).hasValueSatisfying(e -> assertThat(e).startsWith("\""));
        Answer head = send("HEAD", "/b/dir/x%20y%2Bz.bin", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.length()).hasValue(100);
        Answer range = send("GET", "/b/dir/x%20y%2Bz.bin", "bytes=10-19");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(content, 10, 20));
        assertThat(range.header("Content-Range")).hasValue("bytes 10-19/100");
        assertThat(send("GET", "/b/dir/x%20y%2Bz.bin", "bytes=100-").statusCode()).isEqualTo(416);
        assertThat(send("GET", "/b/missing", null).statusCode()).isEqualTo(404);
        assertThat(send("HEAD", "/b/missing", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/nobucket?list-type=2", null).statusCode()).isEqualTo(404);
        assertThat(S3.getRequests()).isEqualTo(3);
    }

    @Test
    void listedSizesLieWhileGetTellsTheTruth() throws Exception {
        S3.clear().put("b", "k", bytes(10)).lie(LyingS3.Lie.LISTED_SIZE_LARGER);
        assertThat(all(SIZE, list("b", ""))).containsExactly("11");
        assertThat(send("HEAD", "/b/k", null).length()).hasValue(11);
        assertThat(send("GET", "/b/k", null).body()).hasSize(10);
        S3.lie(LyingS3.Lie.LISTED_SIZE_SMALLER);
        assertThat(all(SIZE, list("b", ""))).containsExactly("9");
        assertThat(send("GET", "/b/k", null).body()).hasSize(10);
    }

    @Test
    void truncatedBodyDropsTheConnection() {
        S3.put("b", "big", bytes(100_000)).lie(LyingS3.Lie.TRUNCATED_BODY);
        Answer a;
        try {
            a = send("GET", "/b/big", null);
        } catch (IOException e) {
            return; // a client that checks the length fails the read: the lie was seen
        }
        // HttpURLConnection ends the body quietly at the dropped connection: fewer bytes than announced
        assertThat(a.length()).hasValue(100_000);
        assertThat(a.body()).hasSize(50_000);
    }

    @Test
    void endlessPagesRepeatTheSameTokenOrNewOnes() throws Exception {
        S3.clear().put("b", "a", bytes(1)).put("b", "b", bytes(1)).lie(LyingS3.Lie.ENDLESS_PAGES_SAME_TOKEN);
        String first = list("b", "");
        String again = list("b", "&continuation-token=" + all(NEXT, first).get(0));
        assertThat(all(NEXT, first)).isEqualTo(all(NEXT, again)).hasSize(1);
        assertThat(all(KEY, again)).containsExactly("a", "b");

        S3.lie(LyingS3.Lie.ENDLESS_PAGES_NEW_TOKEN);
        String one = list("b", "");
        String two = list("b", "&continuation-token=" + all(NEXT, one).get(0));
        assertThat(all(NEXT, two)).hasSize(1).isNotEqualTo(all(NEXT, one));
        assertThat(all(KEY, two)).containsExactly("a", "b");
    }

    @Test
    void endlessPagesEndAfterTheLimitSoABlindClientFailsInsteadOfHanging() throws Exception {
        S3.clear().put("b", "a", bytes(1)).lie(LyingS3.Lie.ENDLESS_PAGES_NEW_TOKEN);
        assertThat(S3.listRequests()).isZero();
        String page = list("b", "");
        int pages = 1;
        while (page.contains("<IsTruncated>true")) {
            page = list("b", "&continuation-token=" + all(NEXT, page).get(0));
            pages++;
        }
        assertThat(pages).isEqualTo(LyingS3.ENDLESS_PAGE_LIMIT + 1);
        S3.endlessPageLimit(3).lie(LyingS3.Lie.ENDLESS_PAGES_SAME_TOKEN);
        pages = 1;
        page = list("b", "");
        while (page.contains("<IsTruncated>true")) {
            page = list("b", "&continuation-token=" + all(NEXT, page).get(0));
            pages++;
        }
        S3.endlessPageLimit(LyingS3.ENDLESS_PAGE_LIMIT);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void malformedXml() throws Exception {
        S3.put("b", "a", bytes(1)).lie(LyingS3.Lie.MALFORMED_LIST_XML);
        String xml = list("b", "");
        assertThat(xml).startsWith("<?xml").doesNotEndWith("</ListBucketResult>");
    }

    @Test
    void resetTellsTheTruthAgain() throws Exception {
        S3.clear().put("b", "k", bytes(5)).lie(LyingS3.Lie.LISTED_SIZE_LARGER, LyingS3.Lie.MALFORMED_LIST_XML);
        S3.reset();
        assertThat(all(SIZE, list("b", ""))).containsExactly("5");
        assertThat(S3.listRequests()).isEqualTo(1);
    }

    @Test
    void urlEncodedListing() throws Exception {
        S3.clear().put("b", "a b/ü", bytes(1));
        assertThat(all(KEY, list("b", "&encoding-type=url"))).containsExactly("a+b%2F%C3%BC");
        assertThat(all(KEY, list("b", ""))).containsExactly("a b/ü");
    }
}
