/* Little-endian field codec and CRC-32 for serialized state. */
#include <string.h>

#include "blob_internal.h"
#include "core_internal.h"

void cx__put_bytes(cx__writer *w, const void *p, size_t n)
{
    if (w->buf != NULL && w->len <= w->cap && n <= w->cap - w->len)
        memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put_le(cx__writer *w, uint64_t v, int bytes)
{
    uint8_t tmp[8];
    for (int i = 0; i < bytes; i++)
        tmp[i] = (uint8_t)(v >> (8 * i));
    cx__put_bytes(w, tmp, (size_t)bytes);
}

void cx__put_u8(cx__writer *w, uint8_t v) { put_le(w, v, 1); }
void cx__put_u16(cx__writer *w, uint16_t v) { put_le(w, v, 2); }
void cx__put_u32(cx__writer *w, uint32_t v) { put_le(w, v, 4); }
void cx__put_u64(cx__writer *w, uint64_t v) { put_le(w, v, 8); }
void cx__put_i64(cx__writer *w, int64_t v) { put_le(w, (uint64_t)v, 8); }

void cx__put_f64(cx__writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    put_le(w, bits, 8);
}

bool cx__writer_fits(const cx__writer *w)
{
    return w->buf != NULL && w->len <= w->cap;
}

void cx__put_crc(cx__writer *w)
{
    uint32_t crc = cx__writer_fits(w) ? cx__crc32(w->buf, w->len) : 0;
    cx__put_u32(w, crc);
}

const uint8_t *cx__get_bytes(cx__reader *r, size_t n)
{
    if (r->bad || n > r->len - r->pos) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->buf + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_le(cx__reader *r, int bytes)
{
    const uint8_t *p = cx__get_bytes(r, (size_t)bytes);
    if (p == NULL)
        return 0;
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t cx__get_u8(cx__reader *r) { return (uint8_t)get_le(r, 1); }
uint16_t cx__get_u16(cx__reader *r) { return (uint16_t)get_le(r, 2); }
uint32_t cx__get_u32(cx__reader *r) { return (uint32_t)get_le(r, 4); }
uint64_t cx__get_u64(cx__reader *r) { return get_le(r, 8); }
int64_t cx__get_i64(cx__reader *r) { return (int64_t)get_le(r, 8); }

double cx__get_f64(cx__reader *r)
{
    uint64_t bits = get_le(r, 8);
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

size_t cx__reader_left(const cx__reader *r)
{
    return r->bad ? 0 : r->len - r->pos;
}

/* Bitwise CRC-32 (reflected polynomial 0xEDB88320, as zlib and PNG):
 * blobs are small, and a table would be either global state or a big
 * constant. */
uint32_t cx__crc32(const void *data, size_t n)
{
    const uint8_t *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

int cx__reader_open(cx__reader *r, const void *buf, size_t len, const char *what)
{
    if (len < 4)
        return cx__error(CX_EFORMAT, "%s: blob of %zu bytes is truncated (at least 4 bytes of checksum expected)", what, len);
    const uint8_t *p = buf;
    uint32_t stored = (uint32_t)p[len - 4] | (uint32_t)p[len - 3] << 8 | (uint32_t)p[len - 2] << 16
                      | (uint32_t)p[len - 1] << 24;
    uint32_t actual = cx__crc32(p, len - 4);
    if (stored != actual)
        return cx__error(CX_EFORMAT, "%s: checksum mismatch (stored %08x, computed %08x): blob truncated or corrupted",
                         what, stored, actual);
    r->buf = p;
    r->len = len - 4;
    r->pos = 0;
    r->bad = false;
    return CX_OK;
}
