/* UTF-8 validation (RFC 3629) for ids and keys handed to the core. */
#include "core_internal.h"

/* Length of the sequence introduced by lead byte `c`, 0 if invalid. */
static int utf8_sequence_length(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return 2;
    if (c >= 0xE0 && c <= 0xEF) return 3;
    if (c >= 0xF0 && c <= 0xF4) return 4;
    return 0;
}

static bool utf8_continuation_ok(const unsigned char *p, int len)
{
    /* Second-byte ranges exclude overlongs (E0, F0), surrogates (ED) and
     * code points above U+10FFFF (F4). */
    unsigned char lo = 0x80, hi = 0xBF;
    if (p[0] == 0xE0) lo = 0xA0;
    else if (p[0] == 0xED) hi = 0x9F;
    else if (p[0] == 0xF0) lo = 0x90;
    else if (p[0] == 0xF4) hi = 0x8F;
    if (p[1] < lo || p[1] > hi)
        return false;
    for (int i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return false;
    return true;
}

bool cx__utf8_valid(const char *s, size_t n, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        int len = utf8_sequence_length(p[i]);
        if (len == 0 || (size_t)len > n - i || !utf8_continuation_ok(p + i, len)) {
            if (bad_offset != NULL)
                *bad_offset = i;
            return false;
        }
        i += (size_t)len;
    }
    return true;
}
