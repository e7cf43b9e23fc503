/* hash.h - a fast non-cryptographic 64-bit hash for in-memory tables
 * (never for anything stored or compared across runs). */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

/* Returns a 64-bit hash of the n bytes at p, eight bytes at a time. */
uint64_t hash64(const void *p, size_t n);

#endif
