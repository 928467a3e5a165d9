/* A small streaming JSON writer for the tool's --json output (indented,
 * strings escaped, NaN and infinities written as null). */
#ifndef CX_JSON_WRITER_H
#define CX_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

typedef struct jw {
    FILE *out;
    int depth;
    bool has_items[JW_MAX_DEPTH];
    char closer[JW_MAX_DEPTH];
    bool after_key;
    bool compact;               /* one line, no indentation */
} jw;

void jw_init(jw *w, FILE *out);
/* Compact output on one line (JSON Lines). */
void jw_init_compact(jw *w, FILE *out);
void jw_object(jw *w);
void jw_array(jw *w);
void jw_end(jw *w);            /* closes the innermost object or array */
void jw_key(jw *w, const char *key);
void jw_string(jw *w, const char *s);   /* NULL -> null */
void jw_number(jw *w, double v);        /* %.15g; NaN -> null */
void jw_int(jw *w, int64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
/* Closes the document with a newline. */
void jw_finish(jw *w);

/* key + value in one call */
void jw_kstring(jw *w, const char *key, const char *s);
void jw_knumber(jw *w, const char *key, double v);
void jw_kint(jw *w, const char *key, int64_t v);

#endif
