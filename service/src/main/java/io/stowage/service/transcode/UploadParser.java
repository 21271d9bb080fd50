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

    /** The file part, and the fields sent before it. */
    record Upload(String fileName, InputStream content, Map<String, String> fields) {
    }

    private UploadParser() {
    }

    static Upload parse(HttpServletRequest request) {
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw new ServiceUnsupportedMediaTypeException("POST /upload takes multipart/form-data with parts "
                    + "preset, email (optional) and file; got " + request.getContentType());
        }
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
