package io.stowage.service.transcode;

import io.stowage.service.ServiceBadRequestException;
import io.stowage.service.ServiceUnsupportedMediaTypeException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@code POST /upload} with commons-fileupload's streaming API: form fields up to the {@code file} part are
 * read (each at most 4 KiB), then the file part is handed over as a stream straight from the socket, never spooled
 * to memory or disk. Fields after the file are not read. The handler passes the stream to
 * {@code TranscodeService.submit}, whose limit stops it at the first byte over {@code maxInputBytes}.
 *
 * <p>One instance per request; not thread-safe.
 */
final class UploadParser {
    private static final int FIELD_LIMIT = 4096;
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
        JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> upload = new JakartaServletFileUpload<>();
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        upload.setMaxPartHeaderSize(8192);
        Map<String, String> fields = new HashMap<>();
        try {
            FileItemInputIterator it = upload.getItemIterator(request);
            while (it.hasNext()) {
                FileItemInput item = it.next();
                if (item.isFormField()) {
                    fields.put(item.getFieldName(), readField(item));
                } else if ("file".equals(item.getFieldName())) {
                    String name = item.getName();
                    if (name == null || name.isEmpty()) {
                        throw new ServiceBadRequestException("the file part has no filename");
                    }
                    return new Upload(name, new ClientStream(item.getInputStream()), fields);
                }
                // other file parts are skipped by the iterator
            }
        } catch (FileUploadException e) {
            throw new ServiceBadRequestException("malformed multipart body: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ServiceBadRequestException("upload interrupted while reading the form: " + e.getMessage(), e);
        }
        throw new ServiceBadRequestException("multipart body without a 'file' part");
    }

    private static String readField(FileItemInput item) throws IOException {
        try (InputStream in = item.getInputStream()) {
            byte[] b = in.readNBytes(FIELD_LIMIT + 1);
            if (b.length > FIELD_LIMIT) {
                throw new ServiceBadRequestException("form field " + item.getFieldName() + " is over " + FIELD_LIMIT
                        + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** A read failure of the client's body is the client's (400), not the store's. */
    static final class ClientStream extends FilterInputStream {
        ClientStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw interrupted(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw interrupted(e);
            }
        }

        private static ServiceBadRequestException interrupted(IOException e) {
            return new ServiceBadRequestException("upload interrupted: the request body ended or broke before the "
                    + "file part was complete (" + e.getMessage() + ")", e);
        }
    }
}
