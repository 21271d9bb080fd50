package io.stowage.s3.internal;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** An answer: status, headers (case-insensitive) and the body; closing before its end drops the connection. */
final class DirectResponse implements AutoCloseable {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    final int status;
    private final SdkHttpResponse head;
    final InputStream body;

    DirectResponse(HttpExecuteResponse resp) {
        this.head = resp.httpResponse();
        this.status = head.statusCode();
        AbortableInputStream raw = resp.responseBody().orElse(null);
        this.body = raw == null ? InputStream.nullInputStream() : new AbortOnEarlyClose(raw);
    }

    String header(String name) {
        return head.firstMatchingHeader(name).orElse(null);
    }

    long contentLength() {
        String v = header("Content-Length");
        try {
            return v == null ? -1 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    String text() {
        try (InputStream in = body) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw SdkClientException.create("reading the answer failed: " + e, e);
        }
    }

    void drain() {
        try (InputStream in = body) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw SdkClientException.create("reading the answer failed: " + e, e);
        }
    }

    S3Exception error(String method, String path) {
        String text;
        try (InputStream in = body) {
            text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            text = "";
        }
        return S3Xml.error(status, text, method, path);
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // the connection is dropped instead of pooled
        }
    }

    /** Closing before the end aborts (drops the connection) instead of reading the rest to reuse it. */
    private static final class AbortOnEarlyClose extends FilterInputStream {
        private final AbortableInputStream raw;
        private boolean ended;

        AbortOnEarlyClose(AbortableInputStream raw) {
            super(raw);
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                raw.abort();
            }
            super.close();
        }
    }
}
