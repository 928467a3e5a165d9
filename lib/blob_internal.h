/*
 * Portable blobs: little-endian fixed-width fields, a magic and format
 * version up front, a CRC-32 (IEEE 802.3 polynomial) at the end.
 */
#ifndef CX_BLOB_INTERNAL_H
#define CX_BLOB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cx__writer {
    uint8_t *buf;   /* NULL: only count */
    size_t cap;
    size_t len;     /* bytes written or needed */
} cx__writer;

void cx__put_u8(cx__writer *w, uint8_t v);
void cx__put_u16(cx__writer *w, uint16_t v);
void cx__put_u32(cx__writer *w, uint32_t v);
void cx__put_u64(cx__writer *w, uint64_t v);
void cx__put_i64(cx__writer *w, int64_t v);
void cx__put_f64(cx__writer *w, double v);
void cx__put_bytes(cx__writer *w, const void *p, size_t n);
/* Appends the CRC-32 of everything written so far. */
void cx__put_crc(cx__writer *w);
/* True when everything fitted in the buffer. */
bool cx__writer_fits(const cx__writer *w);

typedef struct cx__reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    bool bad;       /* a read ran past the end */
} cx__reader;

uint8_t cx__get_u8(cx__reader *r);
uint16_t cx__get_u16(cx__reader *r);
uint32_t cx__get_u32(cx__reader *r);
uint64_t cx__get_u64(cx__reader *r);
int64_t cx__get_i64(cx__reader *r);
double cx__get_f64(cx__reader *r);
/* Returns a pointer to n bytes in place, or NULL (and sets bad). */
const uint8_t *cx__get_bytes(cx__reader *r, size_t n);
size_t cx__reader_left(const cx__reader *r);

uint32_t cx__crc32(const void *data, size_t n);

/* Checks the trailing CRC of a whole blob; the reader then spans the
 * contents without the CRC. Returns CX_OK or CX_EFORMAT with a message
 * naming `what`. */
int cx__reader_open(cx__reader *r, const void *buf, size_t len, const char *what);

#endif /* CX_BLOB_INTERNAL_H */
