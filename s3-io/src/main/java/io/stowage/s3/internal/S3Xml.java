package io.stowage.s3.internal;

import io.stowage.s3.ETags;
import io.stowage.s3.RemoteObject;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The S3 XML that {@link DirectS3} reads, with the JDK's StAX parser (no DTDs, no external entities): ListObjectsV2
 * answers and error answers, turned into what the SDK would give (a {@link ListingPage}, an {@link S3Exception}).
 * Stateless and thread-safe.
 */
final class S3Xml {
    private static final XMLInputFactory XML = xmlFactory();

    private S3Xml() {}

    /** A ListObjectsV2 answer; keys are URL-decoded only when the store says it encoded them (as the SDK decides). */
    static ListingPage parseListing(String xml) {
        List<RemoteObject> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        List<String[]> rawObjects = new ArrayList<>();
        List<String> rawPrefixes = new ArrayList<>();
        String encoding = null;
        String truncated = null;
        String next = null;
        try {
            XMLStreamReader r = XML.createXMLStreamReader(new StringReader(xml));
            try {
                String[] current = null; // key, size, etag, last-modified of the <Contents> being read
                boolean inPrefixes = false;
                while (r.hasNext()) {
                    int event = r.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        switch (r.getLocalName()) {
                            case "Contents" -> current = new String[4];
                            case "CommonPrefixes" -> inPrefixes = true;
                            case "Key" -> set(current, 0, r.getElementText());
                            case "Size" -> set(current, 1, r.getElementText());
                            case "ETag" -> set(current, 2, r.getElementText());
                            case "LastModified" -> set(current, 3, r.getElementText());
                            case "Prefix" -> {
                                String v = r.getElementText();
                                if (inPrefixes) {
                                    rawPrefixes.add(v);
                                }
                            }
                            case "EncodingType" -> encoding = r.getElementText();
                            case "IsTruncated" -> truncated = r.getElementText();
                            case "NextContinuationToken" -> next = r.getElementText();
                            default -> {
                                // other fields are not used
                            }
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        if (r.getLocalName().equals("Contents") && current != null) {
                            if (current[0] == null) {
                                throw SdkClientException.create("a listing entry without a <Key>");
                            }
                            rawObjects.add(current);
                            current = null;
                        } else if (r.getLocalName().equals("CommonPrefixes")) {
                            inPrefixes = false;
                        }
                    }
                }
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw SdkClientException.create("the store's listing is not well-formed XML: " + e.getMessage(), e);
        }
        boolean url = encoding != null && encoding.trim().equalsIgnoreCase("url");
        for (String[] o : rawObjects) {
            Instant modified = null;
            if (o[3] != null) {
                try {
                    modified = Instant.parse(o[3].trim());
                } catch (DateTimeParseException e) {
                    modified = null;
                }
            }
            long size;
            try {
                size = o[1] == null ? -1 : Long.parseLong(o[1].trim());
            } catch (NumberFormatException e) {
                throw SdkClientException.create("a listing entry with a bad <Size>: " + o[1]);
            }
            objects.add(new RemoteObject(url ? urlDecode(o[0]) : o[0], size, ETags.unquote(o[2]), modified));
        }
        for (String p : rawPrefixes) {
            prefixes.add(url ? urlDecode(p) : p);
        }
        if (truncated != null && truncated.trim().equals("true")) {
            if (next == null) {
                throw SdkClientException.create("a truncated listing without a NextContinuationToken");
            }
        } else {
            next = null;
        }
        return new ListingPage(objects, prefixes, next);
    }

    private static void set(String[] current, int field, String value) {
        if (current != null) {
            current[field] = value;
        }
    }

    private static String urlDecode(String s) {
        if (s == null || (s.indexOf('%') < 0 && s.indexOf('+') < 0)) {
            return s;
        }
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The SDK's exception for an error answer: its code, message and request id, or what the status implies. */
    static S3Exception error(int status, String text, String method, String path) {
        String code = null;
        String message = null;
        String requestId = null;
        try {
            XMLStreamReader r = XML.createXMLStreamReader(new StringReader(text));
            try {
                while (r.hasNext()) {
                    if (r.next() == XMLStreamConstants.START_ELEMENT) {
                        switch (r.getLocalName()) {
                            case "Code" -> code = r.getElementText();
                            case "Message" -> message = r.getElementText();
                            case "RequestId" -> requestId = r.getElementText();
                            default -> {
                                // not used
                            }
                        }
                    }
                }
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            // not XML (a proxy's page, an empty body): the status decides
        }
        if (code == null) {
            code = switch (status) {
                case 404 -> "NoSuchKey";
                case 412 -> "PreconditionFailed";
                case 403 -> "AccessDenied";
                default -> null;
            };
        }
        if (message == null) {
            message = method + " " + path + " answered HTTP " + status;
        }
        return (S3Exception) S3Exception.builder().statusCode(status)
                .message(message + " (Service: S3, Status Code: " + status + ")")
                .requestId(requestId)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .serviceName("S3").build())
                .build();
    }

    private static XMLInputFactory xmlFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false); // no DTDs, no external entities
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }
}
