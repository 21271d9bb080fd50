package io.stowage.service.transcode;

import io.stowage.service.ServiceBadRequestException;
import io.stowage.service.ServiceUnsupportedMediaTypeException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.ParameterParser;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code POST /upload} as a stream: form fields up to the {@code file} part are read (each at most 4 KiB), then
 * the file part is handed over as a stream straight from the socket, never spooled to memory or disk. Fields after
 * the file are not read. The handler passes the stream to {@code TranscodeService.submit}, whose limit stops it at
 * the first byte over {@code maxInputBytes}.
 *
 * <p>The boundaries are found by Jetty's {@link MultiPart.Parser} (a pattern search over each 64 KiB read, whose
 * content slices are handed on without a copy); commons-fileupload2's streaming iterator, used before, compared
 * byte by byte and took about 70 % of the service's CPU during an upload (150 MB/s a core). Part headers are read
 * as commons-fileupload reads them ({@link ParameterParser}), so names, file names and the fields keep their meaning.
 *
 * <p>One instance per request; not thread-safe.
 */
final class UploadParser {
    private static final int FIELD_LIMIT = 4096;
    private static final int READ_SIZE = 64 * 1024;
    /** The most of a refused body read and thrown away, so the client reads the answer (bytes). */
    static final long DISCARD_LIMIT = 16L << 20;
    /** The longest a refused body is read (ms). */
    static final long DISCARD_MILLIS = 5_000;

    /** The file part, and the fields sent before it. */
    record Upload(String fileName, InputStream content, Map<String, String> fields) {
    }

    private UploadParser() {
    }

    /** @throws ServiceUnsupportedMediaTypeException when the body is not multipart/form-data (415) */
    static void requireMultipart(HttpServletRequest request) {
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw new ServiceUnsupportedMediaTypeException("POST /upload takes multipart/form-data with parts "
                    + "preset, email (optional) and file; got " + request.getContentType());
        }
    }

    /**
     * Before an error answer to a body not yet read (401, 403, 413, 415): a client that waits for
     * {@code 100 Continue} gets the answer instead and never sends the body (nothing is read here, which is what
     * would send the 100). Otherwise the body is read and thrown away, at most {@value #DISCARD_LIMIT} bytes and
     * {@value #DISCARD_MILLIS} ms: a server that answers and closes with the body still arriving resets the
     * connection, and the client sees "connection reset" or "broken pipe" instead of the answer. A body declared
     * bigger than that is not read at all (the answer comes at once, and the connection closes).
     */
    static void discardBody(HttpServletRequest request) {
        String expect = request.getHeader("Expect");
        if (expect != null && expect.trim().equalsIgnoreCase("100-continue")) {
            return;
        }
        discardRest(request);
    }

    /**
     * The same for a body already partly read (an answer decided after the form was parsed: no preset, a bad name,
     * not media): what is left is read and dropped within the same bounds. Without it Jetty closes the connection
     * after such an answer, and a client that reused it for its next request got no answer at all ("header parser
     * received no bytes", TranscodeApiTest on a loaded machine).
     */
    static void discardRest(HttpServletRequest request) {
        if (request.getContentLengthLong() > DISCARD_LIMIT || request.getContentLengthLong() == 0) {
            return;
        }
        long deadline = System.nanoTime() + DISCARD_MILLIS * 1_000_000L;
        byte[] buf = new byte[16 * 1024];
        long read = 0;
        try {
            InputStream in = request.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                read += n;
                if (read > DISCARD_LIMIT || System.nanoTime() > deadline) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client broke off: there is no one to answer
        }
    }

    static Upload parse(HttpServletRequest request) {
        requireMultipart(request);
        String boundary = MultiPart.extractBoundary(request.getContentType());
        if (boundary == null || boundary.isEmpty()) {
            throw new ServiceBadRequestException("malformed multipart body: no boundary in Content-Type "
                    + request.getContentType());
        }
        InputStream raw;
        try {
            raw = request.getInputStream();
        } catch (IOException e) {
            throw interrupted(e);
        }
        Reader reader = new Reader(raw, boundary);
        reader.untilFile();
        return new Upload(reader.fileName, new FileStream(reader), Map.copyOf(reader.fields));
    }

    private static ServiceBadRequestException interrupted(IOException e) {
        return new ServiceBadRequestException("upload interrupted: the request body ended or broke before the "
                + "file part was complete (" + e.getMessage() + ")", e);
    }

    /** What a part's headers say. */
    private enum Mode { FIELD, FILE, SKIP }

    /**
     * Feeds the request body to Jetty's parser 64 KiB at a time; the file part's content slices wait in
     * {@link #pending} (views of {@link #buf}) and are all taken before the next read overwrites the buffer.
     */
    private static final class Reader implements MultiPart.Parser.Listener {
        private final InputStream raw;
        private final MultiPart.Parser parser;
        private final byte[] buf = new byte[READ_SIZE];
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        final Map<String, String> fields = new HashMap<>();
        private String disposition;
        private Mode mode = Mode.SKIP;
        private String fieldName;
        private final ByteArrayOutputStream field = new ByteArrayOutputStream();
        String fileName;
        boolean fileStarted;
        boolean fileEnded;
        private boolean complete;
        private boolean rawEnded;
        /** A failure the parser reported, or one of ours in a callback (the parser swallows what they throw). */
        private RuntimeException failure;

        Reader(InputStream raw, String boundary) {
            this.raw = raw;
            this.parser = new MultiPart.Parser(boundary, this);
            parser.setPartHeadersMaxLength(8192);
            parser.setMaxParts(1000);
        }

        /** Reads until the file part begins. */
        void untilFile() {
            while (!fileStarted) {
                if (complete || rawEnded) {
                    throw new ServiceBadRequestException("multipart body without a 'file' part");
                }
                fill();
            }
        }

        /** One read of the body into the parser; call only when {@link #pending} is empty. */
        void fill() {
            int n;
            try {
                n = raw.read(buf, 0, buf.length);
            } catch (IOException e) {
                throw interrupted(e);
            }
            if (n < 0) {
                rawEnded = true;
                parser.parse(Content.Chunk.EOF);
            } else if (n > 0) {
                parser.parse(Content.Chunk.from(ByteBuffer.wrap(buf, 0, n), false));
            }
            if (failure != null) {
                throw failure;
            }
        }

        boolean rawEnded() {
            return rawEnded;
        }

        @Override
        public void onPartBegin() {
            disposition = null;
        }

        @Override
        public void onPartHeader(String name, String value) {
            if ("content-disposition".equalsIgnoreCase(name)) {
                disposition = value;
            }
        }

        @Override
        public void onPartHeaders() {
            // as commons-fileupload: form-data (or attachment) with name and, for a file, filename parameters
            Map<String, String> params = null;
            if (disposition != null) {
                String d = disposition.toLowerCase(Locale.ROOT);
                if (d.startsWith("form-data") || d.startsWith("attachment")) {
                    ParameterParser pp = new ParameterParser();
                    pp.setLowerCaseNames(true);
                    params = pp.parse(disposition, ';');
                }
            }
            String name = params == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data") ? null
                    : params.get("name");
            if (name != null) {
                name = name.trim();
            }
            String file = params == null || !params.containsKey("filename") ? null
                    : params.get("filename") == null ? "" : params.get("filename").trim();
            if (file == null && fileStarted) {
                mode = Mode.SKIP; // fields after the file are not read
            } else if (file == null) {
                mode = Mode.FIELD;
                fieldName = name;
                field.reset();
            } else if ("file".equals(name) && !fileStarted) {
                if (file.isEmpty()) {
                    failure = new ServiceBadRequestException("the file part has no filename");
                    mode = Mode.SKIP;
                    return;
                }
                mode = Mode.FILE;
                fileName = file;
                fileStarted = true;
            } else {
                mode = Mode.SKIP; // other file parts are skipped
            }
        }

        @Override
        public void onPartContent(Content.Chunk chunk) {
            ByteBuffer b = chunk.getByteBuffer();
            if (mode == Mode.FILE) {
                if (b.hasRemaining()) {
                    pending.add(b.slice());
                }
            } else if (mode == Mode.FIELD && failure == null) {
                if (field.size() + b.remaining() > FIELD_LIMIT) {
                    failure = new ServiceBadRequestException("form field " + fieldName + " is over " + FIELD_LIMIT
                            + " bytes");
                    return;
                }
                ByteBuffer d = b.duplicate();
                byte[] tmp = new byte[d.remaining()];
                d.get(tmp);
                field.writeBytes(tmp);
            }
        }

        @Override
        public void onPartEnd() {
            if (mode == Mode.FIELD && fieldName != null && failure == null) {
                fields.put(fieldName, field.toString(StandardCharsets.UTF_8));
            } else if (mode == Mode.FILE) {
                fileEnded = true;
            }
            mode = Mode.SKIP;
        }

        @Override
        public void onComplete() {
            complete = true;
        }

        @Override
        public void onFailure(Throwable x) {
            if (failure == null) {
                failure = fileStarted && rawEnded
                        ? new ServiceBadRequestException("upload interrupted: the request body ended before the "
                        + "file part was complete (" + x.getMessage() + ")", x)
                        : new ServiceBadRequestException("malformed multipart body: " + x.getMessage(), x);
            }
        }
    }

    /** The file part's content; a read failure of the client's body is the client's (400), not the store's. */
    static final class FileStream extends InputStream {
        private final Reader reader;

        private FileStream(Reader reader) {
            this.reader = reader;
        }

        /** Whether a slice is waiting; reads on until one is or the part ended. */
        private boolean ready() {
            while (reader.pending.isEmpty()) {
                if (reader.fileEnded) {
                    return false;
                }
                if (reader.rawEnded()) {
                    throw new ServiceBadRequestException("upload interrupted: the request body ended before the "
                            + "file part was complete");
                }
                reader.fill();
            }
            return true;
        }

        @Override
        public int read() {
            if (!ready()) {
                return -1;
            }
            ByteBuffer b = reader.pending.peek();
            int v = b.get() & 0xFF;
            if (!b.hasRemaining()) {
                reader.pending.poll();
            }
            return v;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!ready()) {
                return -1;
            }
            int done = 0;
            // hand over every slice already parsed, without another read of the socket
            while (done < len && !reader.pending.isEmpty()) {
                ByteBuffer b = reader.pending.peek();
                int n = Math.min(len - done, b.remaining());
                b.get(dst, off + done, n);
                done += n;
                if (!b.hasRemaining()) {
                    reader.pending.poll();
                }
            }
            return done;
        }

        @Override
        public int available() {
            int n = 0;
            for (ByteBuffer b : reader.pending) {
                n += b.remaining();
            }
            return n;
        }
    }
}
