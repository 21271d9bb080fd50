/** Thin HTTP adapters (Javalin): stowage serve transcode and stowage serve des, with JWT/OAuth login, error mapping, Prometheus metrics and health probes. */
package io.stowage.service;
