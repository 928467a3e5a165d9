/*
 * Internal helpers shared by every module: error reporting, allocation,
 * overflow-checked sizes. Not installed; symbols are hidden.
 */
#ifndef CX_CORE_INTERNAL_H
#define CX_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cx/common.h"

#if defined(__GNUC__)
#define CX__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define CX__LIKELY(x) __builtin_expect(!!(x), 1)
#define CX__UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define CX__PRINTF(fmt, args)
#define CX__LIKELY(x) (x)
#define CX__UNLIKELY(x) (x)
#endif

/* Records `code` and a formatted message for this thread; returns `code`,
 * so a failure path reads `return cx__error(CX_ERANGE, "...", ...);`. */
int cx__error(int code, const char *fmt, ...) CX__PRINTF(2, 3);
int cx__verror(int code, const char *fmt, va_list ap);

/* Records an allocation failure ("out of memory while <what>"). */
int cx__nomem(const char *what);

/* Checks a NULL argument: returns CX_EINVAL with "<func>: <name> is NULL". */
#define CX__CHECK_ARG(ptr, func) \
    do { if ((ptr) == NULL) return cx__error(CX_EINVAL, "%s: %s is NULL", (func), #ptr); } while (0)

/* Allocation through the host's hooks (cx_set_allocator). */
void *cx__malloc(size_t size);
void *cx__calloc(size_t count, size_t size);
void *cx__realloc(void *ptr, size_t size);
/* realloc of count * size bytes with overflow check; NULL on overflow. */
void *cx__reallocarray(void *ptr, size_t count, size_t size);
void cx__free(void *ptr);
char *cx__strdup(const char *s);
char *cx__strndup(const char *s, size_t n);

/* Grows *cap (doubling from `minimum`) until it holds `need` items and
 * reallocates *items; returns CX_OK or CX_ENOMEM (items unchanged). */
int cx__grow(void **items, size_t *cap, size_t need, size_t item_size, size_t minimum);

/* Appends bytes to a cx_buffer, keeping it NUL-terminated. */
int cx__buffer_append(cx_buffer *buf, const void *data, size_t n);
int cx__buffer_printf(cx_buffer *buf, const char *fmt, ...) CX__PRINTF(2, 3);
/* Appends `s` as a JSON string literal (escaped, in quotes). */
int cx__buffer_json_string(cx_buffer *buf, const char *s);

/* Checks a caller's struct version: 1..current, else CX_EINVAL/CX_EVERSION. */
int cx__check_version(unsigned int version, unsigned int current, const char *what);

/*
 * Copies a result struct to a caller who passed `version`: only the bytes
 * of that version are written, so a caller compiled against older headers
 * (a smaller struct) is never written past its end. `sizes[v - 1]` is the
 * size of version v (offsetof the first field added after it, or sizeof).
 */
#define CX__COPY_VERSIONED(dst, src, sizes) \
    memcpy((dst), (src), (sizes)[(dst)->version - 1])

/* True when `s` (length n) is valid UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF); *bad_offset receives the first bad byte. */
bool cx__utf8_valid(const char *s, size_t n, size_t *bad_offset);

#endif /* CX_CORE_INTERNAL_H */
