/*
 * The readers behind cx_store_import_*: a buffered byte source (a file
 * descriptor or memory), an RFC 4180 CSV record reader and a JSON Lines
 * line reader over it. Records are returned in place: fields point into
 * the buffer, unescaped and NUL-terminated, valid until the next call.
 */
#ifndef CX_STORE_IMPORT_INTERNAL_H
#define CX_STORE_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest record (CSV) or line (JSON Lines) accepted, in bytes. */
#define CX__IMPORT_RECORD_MAX (64u << 20)

typedef struct cx__source {
    const char *name;        /* for messages */
    int fd;                  /* -1 for memory */
    const char *mem;
    size_t mem_len, mem_pos;
    char *buf;               /* buf[pos .. len) is unread; one spare byte beyond len for a NUL */
    size_t cap, len, pos;
    bool eof;
    uint64_t consumed;       /* bytes of the input before buf[0] */
    uint64_t line;           /* line number at buf[pos], 1-based */
    bool started;            /* BOM checked */
} cx__source;

void cx__source_init_fd(cx__source *src, const char *name, int fd);
void cx__source_init_memory(cx__source *src, const char *name, const void *data, size_t len);
void cx__source_destroy(cx__source *src);
/* Reads more input after the unread part (compacting the buffer first,
 * growing it when the unread part fills it); sets eof at the end. */
int cx__source_fill(cx__source *src);
/* Bytes read so far (for progress). */
uint64_t cx__source_offset(const cx__source *src);

typedef struct cx__csv_field {
    char *text;              /* NUL-terminated, unescaped */
    size_t len;
} cx__csv_field;

typedef struct cx__csv {
    cx__source *src;
    char delimiter;
    cx__csv_field *fields;
    size_t count, cap;       /* fields of the current record */
    uint64_t line;           /* line where the current record starts */
    uint64_t end_line;       /* line where it ends (embedded newlines) */
} cx__csv;

void cx__csv_init(cx__csv *r, cx__source *src, char delimiter);
void cx__csv_destroy(cx__csv *r);
/* Reads the next record, skipping blank lines. *got is false at the end.
 * CX_EFORMAT for bad quoting ("name:line:column: reason"), CX_EIO, CX_ENOMEM. */
int cx__csv_next(cx__csv *r, bool *got);

/* Reads the next non-blank line (without its CR LF / LF), NUL-terminated
 * in place. */
int cx__lines_next(cx__source *src, char **line, size_t *len, uint64_t *line_number, bool *got);

#endif /* CX_STORE_IMPORT_INTERNAL_H */
