package io.stowage.s3.internal;

import io.stowage.s3.RemoteObject;

import java.util.List;

/**
 * One ListObjectsV2 page, from the direct path or the SDK: the objects, the common prefixes (with a delimiter) and the
 * next continuation token, or null on the last page. Immutable.
 */
public record ListingPage(List<RemoteObject> objects, List<String> prefixes, String nextToken) {}
