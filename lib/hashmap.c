/*
 * String interning hash table: see hashmap_internal.h.
 *
 * Linear probing over 64-bit slots that carry the low half of the key's
 * hash beside its index: the slot's position comes from those bits, so a
 * table can be rehashed from its slots alone, and the bits above the
 * position reject most probes that do not match without touching the
 * entry. An entry (16 bytes) holds the key's place and first 8 bytes, so
 * keys of up to 8 bytes are compared without reading the arena.
 */
#include <string.h>

#include "core_internal.h"
#include "hashmap_internal.h"

#define SLOT_INDEX(s) ((uint32_t)(s) - 1u)
#define SLOT_TAG(s) ((uint32_t)((s) >> 32))
#define HASH_TAG(h) ((uint32_t)(h))
#define PLACE_OFFSET(p) ((size_t)((p) >> 24))
#define PLACE_LENGTH(p) ((size_t)((p) & 0xFFFFFFu))
#define KEY_MAX_LENGTH 0xFFFFFFu

void cx__hashmap_init(cx__hashmap *m)
{
    memset(m, 0, sizeof *m);
}

void cx__hashmap_destroy(cx__hashmap *m)
{
    cx__free(m->slots);
    cx__free(m->entries);
    cx__free(m->arena);
    memset(m, 0, sizeof *m);
}

/* FNV-1a over 8-byte words with a final avalanche (splitmix64 finaliser):
 * fast on short ids, well mixed in the low bits used for slots. */
uint64_t cx__hash_bytes(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    while (len-- > 0)
        h = (h ^ *p++) * 0x100000001b3ull;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

static uint64_t make_slot(uint64_t hash, uint32_t index)
{
    return (uint64_t)HASH_TAG(hash) << 32 | (uint64_t)(index + 1u);
}

/* The first 8 bytes of a key, zero-padded. */
static uint64_t key_prefix(const void *key, size_t len)
{
    uint64_t prefix = 0;
    memcpy(&prefix, key, len < 8 ? len : 8);
    return prefix;
}

static bool key_equals(const cx__hashmap *m, uint32_t index, const void *key, size_t len, uint64_t prefix)
{
    const cx__hashmap_entry *e = &m->entries[index];
    if (e->prefix != prefix || PLACE_LENGTH(e->place) != len)
        return false;
    return len <= 8 || memcmp(m->arena + PLACE_OFFSET(e->place) + 8, (const char *)key + 8, len - 8) == 0;
}

static int64_t probe(const cx__hashmap *m, uint64_t hash, const void *key, size_t len, size_t *slot_out)
{
    size_t mask = m->slot_count - 1;
    size_t slot = (size_t)hash & mask;
    uint32_t tag = HASH_TAG(hash);
    uint64_t prefix = key_prefix(key, len);
    for (;;) {
        uint64_t s = m->slots[slot];
        if (s == 0) {
            *slot_out = slot;
            return -1;
        }
        if (SLOT_TAG(s) == tag && key_equals(m, SLOT_INDEX(s), key, len, prefix))
            return SLOT_INDEX(s);
        slot = (slot + 1) & mask;
    }
}

int64_t cx__hashmap_find(const cx__hashmap *m, const void *key, size_t len)
{
    if (m->count == 0)
        return -1;
    size_t slot;
    return probe(m, cx__hash_bytes(key, len), key, len, &slot);
}

#if defined(__GNUC__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)(addr))
#endif

/* Keys looked up together: each stage issues the loads of the whole group
 * before any of them is needed, so that their cache misses overlap. */
#ifndef FIND_GROUP
#define FIND_GROUP 32
#endif

static void find_group(const cx__hashmap *m, const char *const *keys, size_t n, int64_t *out)
{
    uint64_t hash[FIND_GROUP], first[FIND_GROUP];
    size_t len[FIND_GROUP], slot, mask = m->slot_count - 1;
    for (size_t k = 0; k < n; k++) {
        len[k] = strlen(keys[k]);
        hash[k] = cx__hash_bytes(keys[k], len[k]);
        PREFETCH(&m->slots[hash[k] & mask]);
    }
    for (size_t k = 0; k < n; k++) {
        first[k] = m->slots[hash[k] & mask];
        if (first[k] != 0 && SLOT_TAG(first[k]) == HASH_TAG(hash[k]))
            PREFETCH(&m->entries[SLOT_INDEX(first[k])]);
    }
    for (size_t k = 0; k < n; k++)
        if (len[k] > 8 && first[k] != 0 && SLOT_TAG(first[k]) == HASH_TAG(hash[k]))
            PREFETCH(m->arena + PLACE_OFFSET(m->entries[SLOT_INDEX(first[k])].place));
    for (size_t k = 0; k < n; k++)
        out[k] = probe(m, hash[k], keys[k], len[k], &slot);
}

void cx__hashmap_find_strings(const cx__hashmap *m, const char *const *keys, size_t n, int64_t *out)
{
    if (m->count == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = -1;
        return;
    }
    for (size_t i = 0; i < n; i += FIND_GROUP)
        find_group(m, keys + i, n - i < FIND_GROUP ? n - i : FIND_GROUP, out + i);
}

static int rehash(cx__hashmap *m, size_t slot_count)
{
    uint64_t *slots = cx__calloc(slot_count, sizeof *slots);
    if (slots == NULL)
        return CX_ENOMEM;
    size_t mask = slot_count - 1;
    for (size_t old = 0; old < m->slot_count; old++) {
        uint64_t s = m->slots[old];
        if (s == 0)
            continue;
        size_t slot = (size_t)SLOT_TAG(s) & mask; /* the slot keeps the hash's low half */
        while (slots[slot] != 0)
            slot = (slot + 1) & mask;
        slots[slot] = s;
    }
    cx__free(m->slots);
    m->slots = slots;
    m->slot_count = slot_count;
    return CX_OK;
}

static int reserve_entries(cx__hashmap *m, size_t key_len)
{
    /* Below 2^31 keys the slot array stays within 2^32 slots, the hash bits a slot keeps. */
    if (m->count >= (1u << 31) - 1 || key_len > KEY_MAX_LENGTH || m->arena_len > (SIZE_MAX >> 24) - key_len - 1)
        return CX_ENOMEM;
    /* Keep the load factor under 1/2. */
    if ((m->count + 1) * 2 > m->slot_count && rehash(m, m->slot_count ? m->slot_count * 2 : 16) != CX_OK)
        return CX_ENOMEM;
    void *entries = m->entries;
    if (cx__grow(&entries, &m->cap, m->count + 1, sizeof *m->entries, 16) != CX_OK)
        return CX_ENOMEM;
    m->entries = entries;
    void *arena = m->arena;
    if (cx__grow(&arena, &m->arena_cap, m->arena_len + key_len + 1, 1, 256) != CX_OK)
        return CX_ENOMEM;
    m->arena = arena;
    return CX_OK;
}

int cx__hashmap_intern(cx__hashmap *m, const void *key, size_t len, uint32_t *index, bool *inserted)
{
    uint64_t hash = cx__hash_bytes(key, len);
    size_t slot;
    if (m->count > 0) {
        int64_t found = probe(m, hash, key, len, &slot);
        if (found >= 0) {
            *index = (uint32_t)found;
            if (inserted) *inserted = false;
            return CX_OK;
        }
    }
    if (reserve_entries(m, len) != CX_OK)
        return CX_ENOMEM;
    probe(m, hash, key, len, &slot); /* slots may have moved */
    uint32_t i = (uint32_t)m->count++;
    m->entries[i] = (cx__hashmap_entry){ (uint64_t)m->arena_len << 24 | len, key_prefix(key, len) };
    memcpy(m->arena + m->arena_len, key, len);
    m->arena[m->arena_len + len] = '\0';
    m->arena_len += len + 1;
    m->slots[slot] = make_slot(hash, i);
    *index = i;
    if (inserted) *inserted = true;
    return CX_OK;
}

void cx__hashmap_pop(cx__hashmap *m)
{
    if (m->count == 0)
        return;
    uint32_t i = (uint32_t)m->count - 1;
    size_t mask = m->slot_count - 1;
    size_t key_len;
    const char *key = cx__hashmap_key(m, i, &key_len);
    size_t slot = (size_t)cx__hash_bytes(key, key_len) & mask;
    while (m->slots[slot] == 0 || SLOT_INDEX(m->slots[slot]) != i)
        slot = (slot + 1) & mask;
    /* Backward-shift deletion keeps probe chains intact. */
    size_t hole = slot;
    for (size_t next = (hole + 1) & mask; m->slots[next] != 0; next = (next + 1) & mask) {
        size_t home = (size_t)SLOT_TAG(m->slots[next]) & mask;
        if (((next - home) & mask) >= ((next - hole) & mask)) {
            m->slots[hole] = m->slots[next];
            hole = next;
        }
    }
    m->slots[hole] = 0;
    m->arena_len = PLACE_OFFSET(m->entries[i].place);
    m->count--;
}

const char *cx__hashmap_key(const cx__hashmap *m, uint32_t index, size_t *len)
{
    if (len) *len = PLACE_LENGTH(m->entries[index].place);
    return m->arena + PLACE_OFFSET(m->entries[index].place);
}

size_t cx__hashmap_memory(const cx__hashmap *m)
{
    return m->slot_count * sizeof *m->slots + m->cap * sizeof *m->entries + m->arena_cap;
}

int cx__hashmap_copy(cx__hashmap *dst, const cx__hashmap *src)
{
    cx__hashmap t;
    cx__hashmap_init(&t);
    if (src->count > 0) {
        t.slots = cx__reallocarray(NULL, src->slot_count, sizeof *t.slots);
        t.entries = cx__reallocarray(NULL, src->cap, sizeof *t.entries);
        t.arena = cx__malloc(src->arena_cap);
        if (!t.slots || !t.entries || !t.arena) {
            cx__hashmap_destroy(&t);
            return CX_ENOMEM;
        }
        memcpy(t.slots, src->slots, src->slot_count * sizeof *t.slots);
        memcpy(t.entries, src->entries, src->count * sizeof *t.entries);
        memcpy(t.arena, src->arena, src->arena_len);
        t.slot_count = src->slot_count;
        t.count = src->count;
        t.cap = src->cap;
        t.arena_len = src->arena_len;
        t.arena_cap = src->arena_cap;
    }
    *dst = t;
    return CX_OK;
}
