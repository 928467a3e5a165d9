/*
 * Calculator blobs. Layout (all integers and doubles little-endian):
 *
 *   "CXMT"  magic                       4 bytes
 *   u16     format version (1)
 *   u16     kind
 *   options: f64 confidence, scale_min, scale_max, threshold, low_threshold;
 *            u32 ci_method, variant; f64 item_weights[3]; u32 sketch_k
 *   scale kinds: u32 bins, then per bin u64 n1, u64 nw, f64 w, f64 w2
 *   DURATION:    f64 sum, min, max, then the sketch (sketch.c)
 *   u32     CRC-32 of everything above
 *
 * Readers reject unknown newer format versions with CX_EVERSION and any
 * inconsistency with CX_EFORMAT; nothing in a blob is trusted unchecked.
 */
#include <math.h>
#include <string.h>

#include "blob_internal.h"
#include "core_internal.h"
#include "metric_internal.h"

#define BLOB_MAGIC "CXMT"
#define BLOB_FORMAT 1u
#define WHAT "cx_metric_deserialize"

static void write_options(cx__writer *w, const cx_metric_options *o)
{
    cx__put_f64(w, o->confidence);
    cx__put_f64(w, o->scale_min);
    cx__put_f64(w, o->scale_max);
    cx__put_f64(w, o->threshold);
    cx__put_f64(w, o->low_threshold);
    cx__put_u32(w, (uint32_t)o->ci_method);
    cx__put_u32(w, (uint32_t)o->variant);
    for (int i = 0; i < 3; i++)
        cx__put_f64(w, o->item_weights[i]);
    cx__put_u32(w, o->sketch_k);
}

static void write_metric(cx__writer *w, const cx_metric *m)
{
    cx__put_bytes(w, BLOB_MAGIC, 4);
    cx__put_u16(w, BLOB_FORMAT);
    cx__put_u16(w, (uint16_t)m->kind);
    write_options(w, &m->opts);
    if (m->kind == CX_METRIC_DURATION) {
        cx__put_f64(w, m->sum);
        cx__put_f64(w, m->min);
        cx__put_f64(w, m->max);
        cx__sketch_write(w, &m->sketch);
    } else {
        cx__put_u32(w, m->nbins);
        for (uint32_t b = 0; b < m->nbins; b++) {
            cx__put_u64(w, m->bins[b].n1);
            cx__put_u64(w, m->bins[b].nw);
            cx__put_f64(w, m->bins[b].w);
            cx__put_f64(w, m->bins[b].w2);
        }
    }
    cx__put_crc(w);
}

int cx_metric_serialize(const cx_metric *m, void *buf, size_t cap, size_t *len)
{
    CX__CHECK_ARG(m, "cx_metric_serialize");
    CX__CHECK_ARG(len, "cx_metric_serialize");
    cx__writer sizer = { NULL, 0, 0 };
    write_metric(&sizer, m);
    *len = sizer.len;
    if (buf == NULL)
        return CX_OK;
    if (cap < sizer.len)
        return cx__error(CX_EINVAL, "cx_metric_serialize: buffer of %zu bytes is too small; %zu needed", cap, sizer.len);
    cx__writer w = { buf, cap, 0 };
    write_metric(&w, m);
    return CX_OK;
}

static void read_options(cx__reader *r, cx_metric_options *o)
{
    cx_metric_options defaults = CX_METRIC_OPTIONS_INIT;
    *o = defaults;
    o->confidence = cx__get_f64(r);
    o->scale_min = cx__get_f64(r);
    o->scale_max = cx__get_f64(r);
    o->threshold = cx__get_f64(r);
    o->low_threshold = cx__get_f64(r);
    o->ci_method = (cx_ci_method)cx__get_u32(r);
    o->variant = (cx_metric_variant)cx__get_u32(r);
    for (int i = 0; i < 3; i++)
        o->item_weights[i] = cx__get_f64(r);
    o->sketch_k = cx__get_u32(r);
}

/* The stored options must be exactly what resolving them gives back. */
static int check_options(cx_metric_kind kind, const cx_metric_options *stored, cx_metric_options *resolved)
{
    if (cx__metric_resolve_options(kind, stored, resolved) != CX_OK)
        return cx__error(CX_EFORMAT, WHAT ": stored options are invalid (%s)", cx_last_error());
    /* Bit for bit: a NaN with another payload, or a default left unresolved,
     * is not what a writer produces. */
    const double *a[] = { &resolved->confidence, &resolved->scale_min, &resolved->scale_max, &resolved->threshold,
                          &resolved->low_threshold, &resolved->item_weights[0], &resolved->item_weights[1],
                          &resolved->item_weights[2] };
    const double *b[] = { &stored->confidence, &stored->scale_min, &stored->scale_max, &stored->threshold,
                          &stored->low_threshold, &stored->item_weights[0], &stored->item_weights[1],
                          &stored->item_weights[2] };
    bool same = resolved->variant == stored->variant && resolved->ci_method == stored->ci_method
                && resolved->sketch_k == stored->sketch_k;
    for (size_t i = 0; i < sizeof a / sizeof *a && same; i++)
        same = memcmp(a[i], b[i], sizeof(double)) == 0;
    if (!same)
        return cx__error(CX_EFORMAT, WHAT ": stored options are not in resolved form");
    return CX_OK;
}

static int read_bins(cx__reader *r, cx_metric *m)
{
    uint32_t nbins = cx__get_u32(r);
    if (r->bad || nbins != m->nbins)
        return cx__error(CX_EFORMAT, WHAT ": %u bins stored, the %s scale has %u", nbins,
                         cx_metric_kind_name(m->kind), m->nbins);
    uint64_t total = 0;
    for (uint32_t b = 0; b < nbins; b++) {
        cx__bin *bin = &m->bins[b];
        bin->n1 = cx__get_u64(r);
        bin->nw = cx__get_u64(r);
        bin->w = cx__get_f64(r);
        bin->w2 = cx__get_f64(r);
        bool ok = isfinite(bin->w) && bin->w >= 0 && isfinite(bin->w2) && bin->w2 >= 0
                  && (bin->nw > 0 || (bin->w == 0 && bin->w2 == 0)) && bin->n1 <= UINT64_MAX - total;
        if (!ok)
            return cx__error(CX_EFORMAT, WHAT ": bin %u holds inconsistent counts or weights", b);
        total += bin->n1;
        if (bin->nw > UINT64_MAX - total)
            return cx__error(CX_EFORMAT, WHAT ": answer counts overflow");
        total += bin->nw;
    }
    if (r->bad)
        return cx__error(CX_EFORMAT, WHAT ": blob is truncated inside the bins");
    return CX_OK;
}

static int read_duration(cx__reader *r, cx_metric *m)
{
    m->sum = cx__get_f64(r);
    m->min = cx__get_f64(r);
    m->max = cx__get_f64(r);
    if (r->bad)
        return cx__error(CX_EFORMAT, WHAT ": blob is truncated before the sketch");
    cx__sketch_destroy(&m->sketch);
    int rc = cx__sketch_read(r, &m->sketch, WHAT);
    if (rc != CX_OK) {
        cx__sketch_init(&m->sketch, m->opts.sketch_k);
        return rc;
    }
    bool empty = m->sketch.n == 0;
    bool ok = m->sketch.k == m->opts.sketch_k && isfinite(m->sum) && m->sum >= 0
              && (empty ? (m->min == INFINITY && m->max == -INFINITY && m->sum == 0)
                        : (isfinite(m->min) && isfinite(m->max) && m->min >= 0 && m->min <= m->max));
    if (!ok)
        return cx__error(CX_EFORMAT, WHAT ": duration totals are inconsistent");
    return CX_OK;
}

static int read_header(cx__reader *r, cx_metric_kind *kind)
{
    const uint8_t *magic = cx__get_bytes(r, 4);
    if (magic == NULL || memcmp(magic, BLOB_MAGIC, 4) != 0)
        return cx__error(CX_EFORMAT, WHAT ": not a calculator blob (magic \"CXMT\" missing)");
    uint16_t format = cx__get_u16(r);
    uint16_t k = cx__get_u16(r);
    if (r->bad)
        return cx__error(CX_EFORMAT, WHAT ": blob header is truncated");
    if (format == 0 || format > BLOB_FORMAT)
        return cx__error(format == 0 ? CX_EFORMAT : CX_EVERSION,
                         WHAT ": blob format %u is not supported (this library reads 1..%u)", format, BLOB_FORMAT);
    if (cx_metric_kind_name((cx_metric_kind)k) == NULL)
        return cx__error(CX_EFORMAT, WHAT ": unknown kind %u in blob", k);
    *kind = (cx_metric_kind)k;
    return CX_OK;
}

int cx_metric_deserialize(cx_metric **out, const void *buf, size_t len)
{
    CX__CHECK_ARG(out, "cx_metric_deserialize");
    *out = NULL;
    CX__CHECK_ARG(buf, "cx_metric_deserialize");
    cx__reader r;
    cx_metric_kind kind = CX_METRIC_NPS;
    int rc = cx__reader_open(&r, buf, len, WHAT);
    if (rc == CX_OK)
        rc = read_header(&r, &kind);
    if (rc != CX_OK)
        return rc;
    cx_metric_options stored, resolved;
    read_options(&r, &stored);
    if (r.bad)
        return cx__error(CX_EFORMAT, WHAT ": blob is truncated inside the options");
    if ((rc = check_options(kind, &stored, &resolved)) != CX_OK)
        return rc;
    cx_metric *m;
    if ((rc = cx__metric_create(&m, kind, &resolved)) != CX_OK)
        return rc;
    rc = kind == CX_METRIC_DURATION ? read_duration(&r, m) : read_bins(&r, m);
    if (rc == CX_OK && cx__reader_left(&r) != 0)
        rc = cx__error(CX_EFORMAT, WHAT ": %zu unexpected bytes after the calculator", cx__reader_left(&r));
    if (rc != CX_OK) {
        cx_metric_free(m);
        return rc;
    }
    *out = m;
    return CX_OK;
}
