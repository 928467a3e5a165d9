/*
 * Buffered input and the record readers of the importer.
 *
 * CSV follows RFC 4180: fields separated by a delimiter, records by CR LF or
 * LF; a field in double quotes may hold delimiters, quotes (doubled) and
 * line breaks. A UTF-8 byte-order mark at the start is skipped; blank lines
 * are skipped; a CR at the very end of the input ends the last record.
 * Beyond the RFC, like Python's csv module, a quote inside an unquoted field
 * is kept as data; any other byte after a closing quote is an error.
 *
 * A record is first scanned for its boundaries; if the buffer ends inside
 * it, more input is read and the scan restarts, so a record is unescaped
 * (in place) only once it is complete.
 *
 * A reader of its own rather than a library: the C CSV library Debian
 * ships (libcsv, LGPL-2.1) hands out fields through callbacks, without the
 * record boundaries and line numbers that the error messages and the
 * reject file need, and copies every field.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "store_import_internal.h"
#include "store_internal.h"

#define CHUNK (1u << 20)

void cx__source_init_fd(cx__source *src, const char *name, int fd)
{
    memset(src, 0, sizeof *src);
    src->name = name;
    src->fd = fd;
    src->line = 1;
}

void cx__source_init_memory(cx__source *src, const char *name, const void *data, size_t len)
{
    memset(src, 0, sizeof *src);
    src->name = name;
    src->fd = -1;
    src->mem = data;
    src->mem_len = len;
    src->line = 1;
}

void cx__source_destroy(cx__source *src)
{
    cx__free(src->buf);
    src->buf = NULL;
}

uint64_t cx__source_offset(const cx__source *src)
{
    return src->consumed + src->pos;
}

static int make_room(cx__source *src)
{
    if (src->pos > 0) {
        memmove(src->buf, src->buf + src->pos, src->len - src->pos);
        src->consumed += src->pos;
        src->len -= src->pos;
        src->pos = 0;
    }
    if (src->len < src->cap)
        return CX_OK;
    if (src->len >= CX__IMPORT_RECORD_MAX)
        return cx__error(CX_EFORMAT, "%s:%llu: a record longer than %u MiB (an unterminated quote?)", src->name,
                         (unsigned long long)src->line, CX__IMPORT_RECORD_MAX >> 20);
    size_t cap = src->cap ? src->cap * 2 : CHUNK;
    char *grown = cx__realloc(src->buf, cap + 1); /* + 1: room for a final NUL */
    if (grown == NULL)
        return cx__nomem("reading the input");
    src->buf = grown;
    src->cap = cap;
    return CX_OK;
}

static int read_some(cx__source *src, size_t *got)
{
    size_t room = src->cap - src->len;
    if (src->fd < 0) {
        size_t n = src->mem_len - src->mem_pos < room ? src->mem_len - src->mem_pos : room;
        memcpy(src->buf + src->len, src->mem + src->mem_pos, n);
        src->mem_pos += n;
        *got = n;
        return CX_OK;
    }
    for (;;) {
        ssize_t n = read(src->fd, src->buf + src->len, room);
        if (n >= 0) {
            *got = (size_t)n;
            return CX_OK;
        }
        if (errno != EINTR)
            return cx__error(CX_EIO, "%s: reading failed: %s", src->name, strerror(errno));
    }
}

int cx__source_fill(cx__source *src)
{
    if (src->eof)
        return CX_OK;
    int rc = make_room(src);
    if (rc != CX_OK)
        return rc;
    size_t got = 0;
    if ((rc = read_some(src, &got)) != CX_OK)
        return rc;
    src->len += got;
    if (got == 0)
        src->eof = true;
    return CX_OK;
}

/* Skips a UTF-8 byte-order mark at the very start. */
static int start(cx__source *src)
{
    if (src->started)
        return CX_OK;
    while (!src->eof && src->len - src->pos < 3) {
        int rc = cx__source_fill(src);
        if (rc != CX_OK)
            return rc;
    }
    if (src->len - src->pos >= 3 && memcmp(src->buf + src->pos, "\xEF\xBB\xBF", 3) == 0)
        src->pos += 3;
    src->started = true;
    return CX_OK;
}

/* ---- CSV ----------------------------------------------------------------- */

typedef struct span {
    size_t start, end; /* offsets in the buffer */
    bool quoted;
    bool escaped;      /* quoted with doubled quotes inside */
} span;

typedef enum scan_result { SCAN_DONE, SCAN_MORE, SCAN_ERROR } scan_result;

void cx__csv_init(cx__csv *r, cx__source *src, char delimiter)
{
    memset(r, 0, sizeof *r);
    r->src = src;
    r->delimiter = delimiter;
}

void cx__csv_destroy(cx__csv *r)
{
    cx__free(r->fields);
    r->fields = NULL;
}

static uint64_t count_lines(const char *p, size_t n)
{
    uint64_t lines = 0;
    const char *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
    }
    return lines;
}

typedef struct scan {
    span *spans;
    size_t count, cap;
    size_t end; /* offset just past the record's terminator */
} scan;

static scan_result scan_error(cx__csv *r, size_t at, size_t field, const char *reason)
{
    cx__source *src = r->src;
    uint64_t line = src->line + count_lines(src->buf + src->pos, at - src->pos);
    cx__error(CX_EFORMAT, "%s:%llu:%zu: %s", src->name, (unsigned long long)line, field, reason);
    return SCAN_ERROR;
}

static scan_result add_span(scan *sc, size_t start, size_t end, bool quoted, bool escaped)
{
    if (cx__grow((void **)&sc->spans, &sc->cap, sc->count + 1, sizeof *sc->spans, 16) != CX_OK) {
        cx__nomem("reading a CSV record");
        return SCAN_ERROR;
    }
    sc->spans[sc->count++] = (span){ start, end, quoted, escaped };
    return SCAN_DONE;
}

/* A quoted field from the quote at p; *next is the offset after the
 * closing quote. */
static scan_result scan_quoted(cx__csv *r, scan *sc, size_t p, size_t *next)
{
    cx__source *src = r->src;
    const char *b = src->buf;
    size_t q = p + 1;
    bool escaped = false;
    for (;;) {
        const char *hit = memchr(b + q, '"', src->len - q);
        if (hit == NULL)
            return src->eof ? scan_error(r, p, sc->count + 1, "unterminated quoted field (it runs to the end of the input)")
                            : SCAN_MORE;
        size_t h = (size_t)(hit - b);
        if (h + 1 == src->len && !src->eof)
            return SCAN_MORE; /* a doubled quote may follow */
        if (h + 1 < src->len && b[h + 1] == '"') {
            escaped = true;
            q = h + 2;
            continue;
        }
        *next = h + 1;
        return add_span(sc, p + 1, h, true, escaped);
    }
}

/* What follows a closing quote: a delimiter (1), the record's end (2). */
static scan_result after_quote(cx__csv *r, scan *sc, size_t p, int *what)
{
    cx__source *src = r->src;
    const char *b = src->buf;
    if (p == src->len) {
        if (!src->eof)
            return SCAN_MORE;
        sc->end = p;
        *what = 2;
        return SCAN_DONE;
    }
    if (b[p] == r->delimiter) {
        *what = 1;
        return SCAN_DONE;
    }
    if (b[p] == '\n' || (b[p] == '\r' && p + 1 < src->len && b[p + 1] == '\n')) {
        sc->end = p + (b[p] == '\r' ? 2 : 1);
        *what = 2;
        return SCAN_DONE;
    }
    if (b[p] == '\r' && p + 1 == src->len) {
        if (!src->eof)
            return SCAN_MORE;
        sc->end = p + 1; /* a lone CR ends the last record */
        *what = 2;
        return SCAN_DONE;
    }
    return scan_error(r, p, sc->count, "unexpected character after a closing quote (quotes inside a field are doubled: \"\")");
}

static scan_result scan_record(cx__csv *r, scan *sc)
{
    cx__source *src = r->src;
    const char *b = src->buf;
    const char d = r->delimiter;
    size_t p = src->pos;
    sc->count = 0;
    for (;;) {
        scan_result res;
        if (p < src->len && b[p] == '"') {
            int what = 0;
            if ((res = scan_quoted(r, sc, p, &p)) != SCAN_DONE || (res = after_quote(r, sc, p, &what)) != SCAN_DONE)
                return res;
            if (what == 2)
                return SCAN_DONE;
            p++;
            continue;
        }
        size_t q = p;
        while (q < src->len && b[q] != d && b[q] != '\n')
            q++;
        if (q == src->len && !src->eof)
            return SCAN_MORE;
        size_t end = q;
        if (end > p && b[end - 1] == '\r' && (q < src->len ? b[q] == '\n' : src->eof))
            end--; /* CR LF, or a lone CR ending the input */
        if ((res = add_span(sc, p, end, false, false)) != SCAN_DONE)
            return res;
        if (q < src->len && b[q] == d) {
            p = q + 1;
            continue;
        }
        sc->end = q < src->len ? q + 1 : q;
        return SCAN_DONE;
    }
}

static size_t unescape(char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++, w++) {
        s[w] = s[i];
        if (s[i] == '"')
            i++; /* the second of a doubled quote */
    }
    return w;
}

static int take_record(cx__csv *r, const scan *sc)
{
    cx__source *src = r->src;
    if (cx__grow((void **)&r->fields, &r->cap, sc->count, sizeof *r->fields, 16) != CX_OK)
        return cx__nomem("reading a CSV record");
    uint64_t lines = count_lines(src->buf + src->pos, sc->end - src->pos);
    bool terminated = sc->end > src->pos && src->buf[sc->end - 1] == '\n';
    r->line = src->line;
    r->end_line = src->line + lines - (terminated ? 1 : 0);
    src->line += lines;
    for (size_t i = 0; i < sc->count; i++) {
        char *text = src->buf + sc->spans[i].start;
        size_t len = sc->spans[i].end - sc->spans[i].start;
        if (sc->spans[i].escaped)
            len = unescape(text, len);
        text[len] = '\0';
        r->fields[i] = (cx__csv_field){ text, len };
    }
    r->count = sc->count;
    src->pos = sc->end;
    return CX_OK;
}

static bool blank(const scan *sc)
{
    return sc->count == 1 && !sc->spans[0].quoted && sc->spans[0].start == sc->spans[0].end;
}

int cx__csv_next(cx__csv *r, bool *got)
{
    cx__source *src = r->src;
    *got = false;
    int rc = start(src);
    scan sc = { NULL, 0, 0, 0 };
    while (rc == CX_OK) {
        if (src->pos == src->len && !src->eof) {
            rc = cx__source_fill(src);
            continue;
        }
        if (src->pos == src->len)
            break; /* end of input */
        scan_result res = scan_record(r, &sc);
        if (res == SCAN_ERROR) {
            rc = cx_last_error_code();
            break;
        }
        if (res == SCAN_MORE) {
            rc = cx__source_fill(src);
            continue;
        }
        if (blank(&sc)) { /* an empty line */
            src->line += count_lines(src->buf + src->pos, sc.end - src->pos);
            src->pos = sc.end;
            continue;
        }
        rc = take_record(r, &sc);
        *got = rc == CX_OK;
        break;
    }
    cx__free(sc.spans);
    return rc;
}

/* ---- lines ------------------------------------------------------------------ */

static bool only_spaces(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

int cx__lines_next(cx__source *src, char **line, size_t *len, uint64_t *line_number, bool *got)
{
    *got = false;
    int rc = start(src);
    while (rc == CX_OK) {
        char *b = src->buf + src->pos;
        size_t avail = src->len - src->pos;
        char *nl = avail ? memchr(b, '\n', avail) : NULL;
        if (nl == NULL && !src->eof) {
            rc = cx__source_fill(src);
            continue;
        }
        if (nl == NULL && avail == 0)
            break;
        size_t n = nl ? (size_t)(nl - b) : avail;
        src->pos += nl ? n + 1 : n;
        uint64_t number = src->line++;
        if (n > 0 && b[n - 1] == '\r')
            n--;
        if (only_spaces(b, n))
            continue;
        b[n] = '\0';
        *line = b;
        *len = n;
        *line_number = number;
        *got = true;
        break;
    }
    return rc;
}
