/* Streaming JSON output (see json_writer.h). */
#include "json_writer.h"

#include <math.h>
#include <string.h>

void jw_init(jw *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

void jw_init_compact(jw *w, FILE *out)
{
    jw_init(w, out);
    w->compact = true;
}

static void newline(jw *w)
{
    if (w->compact)
        return;
    fputc('\n', w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
}

/* Separator and indentation before a value or a key. */
static void before_item(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->has_items[w->depth])
        fputc(',', w->out);
    w->has_items[w->depth] = true;
    newline(w);
}

static void open(jw *w, char c)
{
    before_item(w);
    fputc(c, w->out);
    if (w->depth + 1 < JW_MAX_DEPTH)
        w->depth++;
    w->has_items[w->depth] = false;
    w->closer[w->depth] = c == '{' ? '}' : ']';
}

void jw_object(jw *w)
{
    open(w, '{');
}

void jw_array(jw *w)
{
    open(w, '[');
}

void jw_end(jw *w)
{
    bool had = w->has_items[w->depth];
    char closer = w->closer[w->depth];
    w->depth--;
    if (had)
        newline(w);
    fputc(closer, w->out);
}

static void write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

void jw_key(jw *w, const char *key)
{
    before_item(w);
    write_string(w->out, key);
    fputs(w->compact ? ":" : ": ", w->out);
    w->after_key = true;
}

void jw_string(jw *w, const char *s)
{
    before_item(w);
    if (s == NULL)
        fputs("null", w->out);
    else
        write_string(w->out, s);
}

void jw_number(jw *w, double v)
{
    before_item(w);
    if (!isfinite(v))
        fputs("null", w->out);
    else if (v == floor(v) && fabs(v) < 1e15)
        fprintf(w->out, "%.0f", v);
    else
        fprintf(w->out, "%.15g", v);
}

void jw_int(jw *w, int64_t v)
{
    before_item(w);
    fprintf(w->out, "%lld", (long long)v);
}

void jw_bool(jw *w, bool v)
{
    before_item(w);
    fputs(v ? "true" : "false", w->out);
}

void jw_null(jw *w)
{
    before_item(w);
    fputs("null", w->out);
}

void jw_finish(jw *w)
{
    fputc('\n', w->out);
}

void jw_kstring(jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_string(w, s);
}

void jw_knumber(jw *w, const char *key, double v)
{
    jw_key(w, key);
    jw_number(w, v);
}

void jw_kint(jw *w, const char *key, int64_t v)
{
    jw_key(w, key);
    jw_int(w, v);
}
