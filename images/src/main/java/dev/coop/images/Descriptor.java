package dev.coop.images;

/** What a manifest says about a blob: its media type, digest and size (-1 when unknown). */
public record Descriptor(String mediaType, Digest digest, long size) {}
