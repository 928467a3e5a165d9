/*
 * Open-addressing hash table from byte strings to dense indices 0..n-1, in
 * insertion order. Keys are copied into one arena. Used to intern ids and
 * group keys.
 */
#ifndef CX_HASHMAP_INTERNAL_H
#define CX_HASHMAP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One key: its place and length in the arena, and its first 8 bytes, so
 * that keys of up to 8 bytes compare without reading the arena. 16 bytes:
 * one entry is one cache access. */
typedef struct cx__hashmap_entry {
    uint64_t place;       /* offset in the arena << 24 | length (< 2^24) */
    uint64_t prefix;      /* the key's first 8 bytes, zero-padded */
} cx__hashmap_entry;

typedef struct cx__hashmap {
    uint64_t *slots;      /* 0 = empty, else (low 32 bits of the hash) << 32 | (index + 1) */
    size_t slot_count;    /* power of two */
    cx__hashmap_entry *entries; /* per index */
    size_t count, cap;
    char *arena;          /* keys, each followed by a NUL */
    size_t arena_len, arena_cap;
} cx__hashmap;

void cx__hashmap_init(cx__hashmap *m);
void cx__hashmap_destroy(cx__hashmap *m);
uint64_t cx__hash_bytes(const void *key, size_t len);
/* Index of key, or -1. */
int64_t cx__hashmap_find(const cx__hashmap *m, const void *key, size_t len);
/* Index of key, inserting it if new (*inserted tells). CX_OK or CX_ENOMEM
 * (map unchanged). */
int cx__hashmap_intern(cx__hashmap *m, const void *key, size_t len, uint32_t *index, bool *inserted);
/* Looks up n NUL-terminated keys: out[i] = index or -1. Equivalent to n
 * calls of cx__hashmap_find, but overlaps the cache misses of several keys
 * (software prefetching), which matters once the table outgrows the caches. */
void cx__hashmap_find_strings(const cx__hashmap *m, const char *const *keys, size_t n, int64_t *out);
/* Removes the most recently inserted key (undo of an intern). */
void cx__hashmap_pop(cx__hashmap *m);
const char *cx__hashmap_key(const cx__hashmap *m, uint32_t index, size_t *len);
/* Bytes the map holds (slots, entries, arena), for memory reports. */
size_t cx__hashmap_memory(const cx__hashmap *m);
/* Copies a map (for transactional updates). */
int cx__hashmap_copy(cx__hashmap *dst, const cx__hashmap *src);

#endif
