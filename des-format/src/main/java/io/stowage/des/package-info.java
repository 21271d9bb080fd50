/**
 * DES v1 small-files container.
 */
package io.stowage.des;
