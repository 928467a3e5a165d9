/*
 * Friction signals: repeat contacts within a window, loops (revisits),
 * backtracking to earlier stages and channel switches, in total and per
 * touchpoint.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"

typedef struct friction_row {
    uint64_t events, repeats, revisits, backtracks, switches, ended, lost;
} friction_row;

struct cx_friction {
    cx_friction_summary total;
    size_t touchpoints;
    char **ids;          /* per touchpoint */
    friction_row *row;   /* per touchpoint */
    uint32_t *listed;    /* touchpoints with events */
    size_t count;
};

void cx_friction_free(cx_friction *f)
{
    if (f == NULL)
        return;
    cx__free_names(f->ids, f->touchpoints);
    cx__free(f->row);
    cx__free(f->listed);
    cx__free(f);
}

/* Per-touchpoint memory of the current case: `seen` holds the case number
 * in which the touchpoint was last seen, `last_ts` the time. */
typedef struct case_memory {
    uint64_t *seen;
    int64_t *last_ts;
    uint64_t case_no;
} case_memory;

typedef struct case_flags {
    bool repeat, loop, backtrack, switched;
} case_flags;

static void friction_event(cx_friction *f, const cx__jview *v, case_memory *m, const cx__jcase *c, size_t i,
                           int64_t window, case_flags *flags)
{
    uint32_t tp = cx__jcase_tp(c, i);
    friction_row *row = &f->row[tp];
    row->events++;
    if (m->seen[tp] == m->case_no) {
        if (cx__jcase_ts(c, i) - m->last_ts[tp] <= window) {
            row->repeats++;
            f->total.repeat_contacts++;
            flags->repeat = true;
        }
        if (cx__jcase_tp(c, i - 1) != tp) {
            row->revisits++;
            f->total.revisits++;
            flags->loop = true;
        }
    }
    m->seen[tp] = m->case_no;
    m->last_ts[tp] = cx__jcase_ts(c, i);
    if (i == 0)
        return;
    uint32_t prev = cx__jcase_tp(c, i - 1);
    if (v->stage_of[prev] >= 0 && v->stage_of[tp] >= 0 && v->stage_of[tp] < v->stage_of[prev]) {
        row->backtracks++;
        f->total.backtracks++;
        flags->backtrack = true;
    }
    if (v->channel_of[prev] != v->channel_of[tp]) {
        row->switches++;
        f->total.channel_switches++;
        flags->switched = true;
    }
}

static void friction_case(cx_friction *f, const cx__jview *v, case_memory *m, const cx__jcase *c, int64_t window)
{
    case_flags flags = { false, false, false, false };
    m->case_no++;
    for (size_t i = 0; i < c->n; i++)
        friction_event(f, v, m, c, i, window, &flags);
    cx_friction_summary *t = &f->total;
    t->cases++;
    t->cases_with_repeats += flags.repeat;
    t->cases_with_loops += flags.loop;
    t->cases_with_backtracks += flags.backtrack;
    t->cases_crossing_channels += flags.switched;
    size_t last = c->n - 1;
    if (c->n >= 2 && v->channel_of[cx__jcase_tp(c, last)] != v->channel_of[cx__jcase_tp(c, last - 1)]) {
        bool lost = !cx__jcase_converts(v, c);
        t->ended_after_switch++;
        t->lost_after_switch += lost;
        f->row[cx__jcase_tp(c, last)].ended++;
        f->row[cx__jcase_tp(c, last)].lost += lost;
    }
}

static int friction_alloc(cx_friction **out, const cx__jview *v)
{
    cx_friction *f = cx__calloc(1, sizeof *f);
    if (f == NULL)
        return cx__nomem("computing friction");
    cx_friction_summary s = CX_FRICTION_SUMMARY_INIT;
    f->total = s;
    f->ids = cx__jview_copy_names(v, CX_JOURNEY_LEVEL_TOUCHPOINT, &f->touchpoints);
    f->row = cx__calloc(v->touchpoints + 1, sizeof *f->row);
    f->listed = cx__reallocarray(NULL, v->touchpoints + 1, sizeof *f->listed);
    if (f->ids == NULL || f->row == NULL || f->listed == NULL) {
        cx_friction_free(f);
        return cx__nomem("computing friction");
    }
    *out = f;
    return CX_OK;
}

int cx_journey_friction(cx_friction **out, cx_journey *j, const cx_friction_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_friction");
    *out = NULL;
    CX__CHECK_ARG(j, "cx_journey_friction");
    cx_friction_options o = CX_FRICTION_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_FRICTION_OPTIONS_VERSION, "cx_friction_options");
        if (rc != CX_OK)
            return rc;
        o = *opts;
    }
    if (o.repeat_window_ms < 0)
        return cx__error(CX_ERANGE, "cx_journey_friction: repeat_window_ms %lld is negative",
                         (long long)o.repeat_window_ms);
    cx__jview v;
    cx_friction *f = NULL;
    int rc = cx__jview_open(&v, j);
    if (rc != CX_OK || (rc = friction_alloc(&f, &v)) != CX_OK) {
        cx__jview_close(&v);
        return rc;
    }
    case_memory m = { cx__calloc(v.touchpoints + 1, sizeof(uint64_t)),
                      cx__calloc(v.touchpoints + 1, sizeof(int64_t)), 0 };
    if (m.seen == NULL || m.last_ts == NULL) {
        rc = cx__nomem("computing friction");
    } else {
        cx__jcursor cur;
        cx__jcase c;
        cx__jcursor_init(&cur, j);
        while (cx__jcursor_next(&cur, &c))
            friction_case(f, &v, &m, &c, o.repeat_window_ms);
        f->total.crossing_share =
            f->total.cases ? (double)f->total.cases_crossing_channels / (double)f->total.cases : NAN;
        for (size_t t = 0; t < v.touchpoints; t++)
            if (f->row[t].events > 0)
                f->listed[f->count++] = (uint32_t)t;
    }
    cx__free(m.seen);
    cx__free(m.last_ts);
    cx__jview_close(&v);
    if (rc != CX_OK) {
        cx_friction_free(f);
        return rc;
    }
    *out = f;
    return CX_OK;
}

int cx_friction_get_summary(cx_friction_summary *out, const cx_friction *f)
{
    CX__CHECK_ARG(out, "cx_friction_get_summary");
    CX__CHECK_ARG(f, "cx_friction_get_summary");
    int rc = cx__check_version(out->version, CX_FRICTION_SUMMARY_VERSION, "cx_friction_summary");
    if (rc != CX_OK)
        return rc;
    cx_friction_summary s = f->total;
    s.version = out->version;
    static const size_t sizes[] = { sizeof(cx_friction_summary) }; /* per version */
    CX__COPY_VERSIONED(out, &s, sizes);
    return CX_OK;
}

int cx_friction_count(size_t *out, const cx_friction *f)
{
    CX__CHECK_ARG(out, "cx_friction_count");
    CX__CHECK_ARG(f, "cx_friction_count");
    *out = f->count;
    return CX_OK;
}

int cx_friction_get(cx_friction_entry *out, const cx_friction *f, size_t index)
{
    CX__CHECK_ARG(out, "cx_friction_get");
    CX__CHECK_ARG(f, "cx_friction_get");
    int rc = cx__check_version(out->version, CX_FRICTION_ENTRY_VERSION, "cx_friction_entry");
    if (rc != CX_OK)
        return rc;
    if (index >= f->count)
        return cx__error(CX_ENOTFOUND, "cx_friction_get: index %zu is past the last of %zu touchpoints", index,
                         f->count);
    uint32_t t = f->listed[index];
    const friction_row *r = &f->row[t];
    cx_friction_entry e = { out->version, t, f->ids[t], r->events, r->repeats, r->revisits, r->backtracks,
                            r->switches, r->ended, r->lost };
    static const size_t sizes[] = { sizeof(cx_friction_entry) }; /* per version */
    CX__COPY_VERSIONED(out, &e, sizes);
    return CX_OK;
}
