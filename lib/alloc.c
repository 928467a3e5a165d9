/* Allocation through host-supplied hooks, and the caller-facing buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

static void *default_malloc(size_t size, void *payload)
{
    (void)payload;
    return malloc(size);
}

static void *default_realloc(void *ptr, size_t size, void *payload)
{
    (void)payload;
    return realloc(ptr, size);
}

static void default_free(void *ptr, void *payload)
{
    (void)payload;
    free(ptr);
}

/* The library's one piece of global mutable state, set before first use. */
static cx_allocator hooks = { CX_ALLOCATOR_VERSION, default_malloc, default_realloc, default_free, NULL };

int cx_allocator_init(cx_allocator *a, unsigned int version)
{
    CX__CHECK_ARG(a, "cx_allocator_init");
    int rc = cx__check_version(version, CX_ALLOCATOR_VERSION, "cx_allocator");
    if (rc != CX_OK)
        return rc;
    memset(a, 0, sizeof *a);
    a->version = version;
    return CX_OK;
}

int cx_set_allocator(const cx_allocator *a)
{
    if (a == NULL) {
        hooks = (cx_allocator){ CX_ALLOCATOR_VERSION, default_malloc, default_realloc, default_free, NULL };
        return CX_OK;
    }
    int rc = cx__check_version(a->version, CX_ALLOCATOR_VERSION, "cx_set_allocator");
    if (rc != CX_OK)
        return rc;
    if (a->malloc_fn == NULL || a->realloc_fn == NULL || a->free_fn == NULL)
        return cx__error(CX_EINVAL, "cx_set_allocator: malloc_fn, realloc_fn and free_fn must all be set");
    hooks = *a;
    return CX_OK;
}

void *cx__malloc(size_t size)
{
    return hooks.malloc_fn(size ? size : 1, hooks.payload);
}

void *cx__calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = cx__malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void *cx__realloc(void *ptr, size_t size)
{
    return hooks.realloc_fn(ptr, size ? size : 1, hooks.payload);
}

void *cx__reallocarray(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return cx__realloc(ptr, count * size);
}

void cx__free(void *ptr)
{
    if (ptr != NULL)
        hooks.free_fn(ptr, hooks.payload);
}

char *cx__strndup(const char *s, size_t n)
{
    char *copy = cx__malloc(n + 1);
    if (copy != NULL) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

char *cx__strdup(const char *s)
{
    return cx__strndup(s, strlen(s));
}

int cx__grow(void **items, size_t *cap, size_t need, size_t item_size, size_t minimum)
{
    if (need <= *cap)
        return CX_OK;
    size_t new_cap = *cap ? *cap : minimum;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2)
            return CX_ENOMEM;
        new_cap *= 2;
    }
    void *p = cx__reallocarray(*items, new_cap, item_size);
    if (p == NULL)
        return CX_ENOMEM;
    *items = p;
    *cap = new_cap;
    return CX_OK;
}

void cx_buffer_dispose(cx_buffer *buf)
{
    if (buf == NULL)
        return;
    cx__free(buf->data);
    buf->data = NULL;
    buf->size = 0;
    buf->capacity = 0;
}

int cx__buffer_append(cx_buffer *buf, const void *data, size_t n)
{
    if (n > SIZE_MAX - buf->size - 1)
        return cx__nomem("growing a buffer");
    size_t need = buf->size + n + 1;
    void *items = buf->data;
    if (cx__grow(&items, &buf->capacity, need, 1, 64) != CX_OK)
        return cx__nomem("growing a buffer");
    buf->data = items;
    if (n > 0)
        memcpy(buf->data + buf->size, data, n);
    buf->size += n;
    buf->data[buf->size] = '\0';
    return CX_OK;
}

int cx__buffer_printf(cx_buffer *buf, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return cx__error(CX_EINVAL, "formatting text failed");
    if ((size_t)n < sizeof small)
        return cx__buffer_append(buf, small, (size_t)n);
    char *big = cx__malloc((size_t)n + 1);
    if (big == NULL)
        return cx__nomem("formatting text");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = cx__buffer_append(buf, big, (size_t)n);
    cx__free(big);
    return rc;
}

/* A JSON string literal: quotes, backslashes and control characters
 * escaped; UTF-8 passes through. */
int cx__buffer_json_string(cx_buffer *b, const char *s)
{
    int rc = cx__buffer_append(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p != '\0' && rc == CX_OK; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = cx__buffer_append(b, run, (size_t)(p - run));
        if (rc == CX_OK)
            rc = c == '"' ? cx__buffer_append(b, "\\\"", 2)
                 : c == '\\' ? cx__buffer_append(b, "\\\\", 2)
                 : c == '\n' ? cx__buffer_append(b, "\\n", 2)
                 : c == '\t' ? cx__buffer_append(b, "\\t", 2)
                 : cx__buffer_printf(b, "\\u%04x", c);
        run = p + 1;
    }
    if (rc == CX_OK)
        rc = cx__buffer_append(b, run, strlen(run));
    if (rc == CX_OK)
        rc = cx__buffer_append(b, "\"", 1);
    return rc;
}
