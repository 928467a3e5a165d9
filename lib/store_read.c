/*
 * Streaming reads: one SELECT per call, rows decoded into the public row
 * structs through the table descriptors and handed to the caller's
 * callback one at a time. Nothing is aggregated here.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

#define FIELD_PTR(row, f) ((char *)(row) + (f)->offset)

typedef struct read_plan {
    cx_store *s;
    const cx__store_table *t;
    const cx_store_filter *filter;
    sqlite3_stmt *st;
} read_plan;

static int check_filter(const cx_store_filter *f)
{
    int rc = cx__check_version(f->version, CX_STORE_FILTER_VERSION, "cx_store_filter");
    if (rc != CX_OK)
        return rc;
    if ((int)f->order < CX_STORE_ORDER_STORED || (int)f->order > CX_STORE_ORDER_CUSTOMER_TIME)
        return cx__error(CX_EINVAL, "cx_store_filter: unknown order %d", (int)f->order);
    if (f->from_ms != CX_STORE_NO_TIME && f->to_ms != CX_STORE_NO_TIME && f->to_ms < f->from_ms)
        return cx__error(CX_EINVAL, "cx_store_filter: to_ms %lld is before from_ms %lld", (long long)f->to_ms,
                         (long long)f->from_ms);
    return CX_OK;
}

static int append_where(cx_buffer *sql, bool *first, const char *clause)
{
    int rc = cx__buffer_printf(sql, "%s%s", *first ? " WHERE " : " AND ", clause);
    *first = false;
    return rc;
}

/* SELECT of every descriptor column, with ?1 from, ?2 to, ?3 customer,
 * ?4 touchpoint as the filter needs them. */
static int build_select(const cx__store_table *t, const cx_store_filter *f, cx_buffer *sql)
{
    int rc = cx__buffer_printf(sql, "SELECT ");
    for (size_t i = 0; rc == CX_OK && i < t->n_fields; i++)
        rc = cx__buffer_printf(sql, "%s%s", i ? ", " : "", t->fields[i].column);
    if (rc == CX_OK)
        rc = cx__buffer_printf(sql, " FROM %s", t->name);
    bool first = true;
    char clause[96];
    const char *time_col = t->time_field >= 0 ? t->fields[t->time_field].column : NULL;
    if (rc == CX_OK && time_col != NULL && f->from_ms != CX_STORE_NO_TIME) {
        snprintf(clause, sizeof clause, "%s >= ?1", time_col);
        rc = append_where(sql, &first, clause);
    }
    if (rc == CX_OK && time_col != NULL && f->to_ms != CX_STORE_NO_TIME) {
        snprintf(clause, sizeof clause, "%s < ?2", time_col);
        rc = append_where(sql, &first, clause);
    }
    if (rc == CX_OK && t->customer_field >= 0 && f->customer_id != NULL)
        rc = append_where(sql, &first, "customer_id = ?3");
    if (rc == CX_OK && t->touchpoint_field >= 0 && f->touchpoint != NULL)
        rc = append_where(sql, &first, "touchpoint = ?4");
    if (rc != CX_OK)
        return rc;
    if (f->order == CX_STORE_ORDER_CUSTOMER_TIME && t->customer_field >= 0)
        rc = cx__buffer_printf(sql, " ORDER BY customer_id%s%s, rowid", time_col ? ", " : "", time_col ? time_col : "");
    else if (f->order != CX_STORE_ORDER_STORED && time_col != NULL)
        rc = cx__buffer_printf(sql, " ORDER BY %s, rowid", time_col);
    else
        rc = cx__buffer_printf(sql, " ORDER BY rowid");
    return rc;
}

static int prepare_read(read_plan *plan)
{
    cx_buffer sql = CX_BUFFER_INIT;
    if (build_select(plan->t, plan->filter, &sql) != CX_OK) {
        cx_buffer_dispose(&sql);
        return cx__nomem("preparing a read");
    }
    int rc = cx__store_prepare(plan->s, &plan->st, sql.data);
    cx_buffer_dispose(&sql);
    if (rc != CX_OK)
        return rc;
    const cx_store_filter *f = plan->filter;
    /* Parameters the SQL does not use are ignored by SQLite's numbering. */
    if (f->from_ms != CX_STORE_NO_TIME)
        sqlite3_bind_int64(plan->st, 1, f->from_ms);
    if (f->to_ms != CX_STORE_NO_TIME)
        sqlite3_bind_int64(plan->st, 2, f->to_ms);
    if (f->customer_id != NULL)
        sqlite3_bind_text(plan->st, 3, f->customer_id, -1, SQLITE_STATIC);
    if (f->touchpoint != NULL)
        sqlite3_bind_text(plan->st, 4, f->touchpoint, -1, SQLITE_STATIC);
    return CX_OK;
}

/* Fills the fields of `row` (a zeroed current-version struct) from the
 * statement's columns starting at `first`. */
static void decode_row(const cx__store_table *t, sqlite3_stmt *st, int first, void *row)
{
    *(unsigned int *)row = 1;
    for (size_t i = 0; i < t->n_fields; i++) {
        const cx__store_field *f = &t->fields[i];
        int col = first + (int)i;
        bool null = sqlite3_column_type(st, col) == SQLITE_NULL;
        /* Text only for text columns: asking for a number's text converts it. */
        bool textual = f->kind != CX__FIELD_TIME && f->kind != CX__FIELD_REAL;
        const char *text = null || !textual ? NULL : (const char *)sqlite3_column_text(st, col);
        size_t len = text == NULL ? 0 : (size_t)sqlite3_column_bytes(st, col);
        void *p = FIELD_PTR(row, f);
        switch (f->kind) {
        case CX__FIELD_TEXT:
            *(const char **)p = text;
            break;
        case CX__FIELD_TIME:
            *(int64_t *)p = null ? CX_STORE_NO_TIME : sqlite3_column_int64(st, col);
            break;
        case CX__FIELD_REAL:
            *(double *)p = null ? NAN : sqlite3_column_double(st, col);
            break;
        case CX__FIELD_METRIC: {
            cx_metric_kind k = (cx_metric_kind)0;
            if (text != NULL)
                cx__parse_answer_metric(text, len, &k);
            *(cx_metric_kind *)p = k;
            break;
        }
        case CX__FIELD_STATUS: {
            cx_store_ticket_status v = CX_STORE_TICKET_UNKNOWN;
            if (text != NULL)
                cx__parse_status(text, len, &v);
            *(cx_store_ticket_status *)p = v;
            break;
        }
        case CX__FIELD_TE_KIND: {
            cx_store_ticket_event_kind v = (cx_store_ticket_event_kind)0;
            if (text != NULL)
                cx__parse_te_kind(text, len, &v);
            *(cx_store_ticket_event_kind *)p = v;
            break;
        }
        }
    }
}

/* ---- channels from the touchpoint registry ----------------------------- */

typedef struct channel_map {
    cx__hashmap touchpoints;
    char **channels;
    size_t count;
} channel_map;

static void channel_map_free(channel_map *m)
{
    for (size_t i = 0; i < m->count; i++)
        cx__free(m->channels[i]);
    cx__free(m->channels);
    cx__hashmap_destroy(&m->touchpoints);
}

static int channel_map_add(channel_map *m, const char *touchpoint, size_t len, const char *channel)
{
    uint32_t index;
    bool inserted;
    char **grown = cx__reallocarray(m->channels, m->count + 1, sizeof *grown);
    if (grown == NULL)
        return cx__nomem("loading touchpoint channels");
    m->channels = grown;
    if ((m->channels[m->count] = cx__strdup(channel)) == NULL)
        return cx__nomem("loading touchpoint channels");
    if (cx__hashmap_intern(&m->touchpoints, touchpoint, len, &index, &inserted) != CX_OK) {
        cx__free(m->channels[m->count]);
        return cx__nomem("loading touchpoint channels");
    }
    m->count++;
    return CX_OK;
}

static int channel_map_load(cx_store *s, channel_map *m)
{
    memset(m, 0, sizeof *m);
    cx__hashmap_init(&m->touchpoints);
    sqlite3_stmt *st = NULL;
    int rc = cx__store_prepare(s, &st, "SELECT touchpoint, channel FROM touchpoints WHERE channel IS NOT NULL");
    int step = SQLITE_DONE;
    while (rc == CX_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = channel_map_add(m, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
                             (const char *)sqlite3_column_text(st, 1));
    if (rc == CX_OK && step != SQLITE_DONE)
        rc = cx__store_sqlite_error(s, step, "loading touchpoint channels");
    sqlite3_finalize(st);
    if (rc != CX_OK)
        channel_map_free(m);
    return rc;
}

static void complete_channel(const channel_map *m, const char *touchpoint, const char **channel)
{
    if (*channel != NULL || touchpoint == NULL || m->count == 0)
        return;
    int64_t at = cx__hashmap_find(&m->touchpoints, touchpoint, strlen(touchpoint));
    if (at >= 0)
        *channel = m->channels[at];
}

/* ---- the generic walk ------------------------------------------------------ */

/* The caller's callback, called with its own type. */
typedef union row_callback {
    cx_store_customer_fn customer;
    cx_store_touchpoint_fn touchpoint;
    cx_store_event_fn event;
    cx_store_answer_fn answer;
    cx_store_comment_fn comment;
} row_callback;

typedef struct walk {
    cx_store *s;
    cx_store_table table;
    const cx_store_filter *filter;
    row_callback fn;
    void *payload;
    const channel_map *channels; /* events and answers: complete the channel */
} walk;

static int call_back(const walk *w, const void *row)
{
    switch (w->table) {
    case CX_STORE_CUSTOMERS: return w->fn.customer(row, w->payload);
    case CX_STORE_TOUCHPOINTS: return w->fn.touchpoint(row, w->payload);
    case CX_STORE_EVENTS: return w->fn.event(row, w->payload);
    case CX_STORE_ANSWERS: return w->fn.answer(row, w->payload);
    default: return w->fn.comment(row, w->payload);
    }
}

static int start_walk(cx_store *s, const cx_store_filter **filter, bool fn_missing, const char *func)
{
    static const cx_store_filter all = CX_STORE_FILTER_INIT;
    CX__CHECK_ARG(s, func);
    if (fn_missing)
        return cx__error(CX_EINVAL, "%s: fn is NULL", func);
    if (*filter == NULL)
        *filter = &all;
    return check_filter(*filter);
}

static int run_walk(const walk *w)
{
    read_plan plan = { w->s, cx__store_table_desc(w->table), w->filter, NULL };
    int rc = prepare_read(&plan);
    if (rc != CX_OK)
        return rc;
    /* Any row struct, aligned for its pointers, times and doubles. */
    union {
        cx_store_customer customer;
        cx_store_touchpoint touchpoint;
        cx_store_event event;
        cx_store_answer answer;
        cx_store_comment comment;
    } row;
    int step;
    while ((step = sqlite3_step(plan.st)) == SQLITE_ROW) {
        memset(&row, 0, sizeof row);
        decode_row(plan.t, plan.st, 0, &row);
        if (w->channels != NULL) {
            const cx__store_field *tp = &plan.t->fields[plan.t->touchpoint_field];
            const cx__store_field *ch = &plan.t->fields[plan.t->touchpoint_field + 1];
            complete_channel(w->channels, *(const char **)(void *)FIELD_PTR(&row, tp),
                             (const char **)(void *)FIELD_PTR(&row, ch));
        }
        if ((rc = call_back(w, &row)) != CX_OK)
            break;
    }
    if (rc == CX_OK && step != SQLITE_DONE)
        rc = cx__store_sqlite_error(w->s, step, "reading rows");
    sqlite3_finalize(plan.st);
    return rc;
}

static int walk_with_channels(walk *w)
{
    channel_map m;
    int rc = channel_map_load(w->s, &m);
    if (rc != CX_OK)
        return rc;
    w->channels = &m;
    rc = run_walk(w);
    channel_map_free(&m);
    return rc;
}

int cx_store_each_customer(cx_store *s, const cx_store_filter *filter, cx_store_customer_fn fn, void *payload)
{
    int rc = start_walk(s, &filter, fn == NULL, "cx_store_each_customer");
    walk w = { s, CX_STORE_CUSTOMERS, filter, { .customer = fn }, payload, NULL };
    return rc != CX_OK ? rc : run_walk(&w);
}

int cx_store_each_touchpoint(cx_store *s, const cx_store_filter *filter, cx_store_touchpoint_fn fn, void *payload)
{
    int rc = start_walk(s, &filter, fn == NULL, "cx_store_each_touchpoint");
    walk w = { s, CX_STORE_TOUCHPOINTS, filter, { .touchpoint = fn }, payload, NULL };
    return rc != CX_OK ? rc : run_walk(&w);
}

int cx_store_each_event(cx_store *s, const cx_store_filter *filter, cx_store_event_fn fn, void *payload)
{
    int rc = start_walk(s, &filter, fn == NULL, "cx_store_each_event");
    walk w = { s, CX_STORE_EVENTS, filter, { .event = fn }, payload, NULL };
    return rc != CX_OK ? rc : walk_with_channels(&w);
}

int cx_store_each_answer(cx_store *s, const cx_store_filter *filter, cx_store_answer_fn fn, void *payload)
{
    int rc = start_walk(s, &filter, fn == NULL, "cx_store_each_answer");
    walk w = { s, CX_STORE_ANSWERS, filter, { .answer = fn }, payload, NULL };
    return rc != CX_OK ? rc : walk_with_channels(&w);
}

int cx_store_each_comment(cx_store *s, const cx_store_filter *filter, cx_store_comment_fn fn, void *payload)
{
    int rc = start_walk(s, &filter, fn == NULL, "cx_store_each_comment");
    walk w = { s, CX_STORE_COMMENTS, filter, { .comment = fn }, payload, NULL };
    return rc != CX_OK ? rc : run_walk(&w);
}

/* ---- tickets with their events ------------------------------------------- */

/* The events of one ticket, with their strings copied (SQLite's text is
 * only valid until the next step). */
typedef struct ticket_events {
    cx_store_ticket_event *items;
    size_t count, cap;
    cx_buffer text;
    size_t (*offsets)[3]; /* event_id, author, text offsets + 1 in `text`; 0 = NULL */
    size_t offsets_cap;
} ticket_events;

static void ticket_events_free(ticket_events *e)
{
    cx__free(e->items);
    cx__free(e->offsets);
    cx_buffer_dispose(&e->text);
}

static int keep_text(ticket_events *e, const char *s, size_t *offset)
{
    *offset = 0;
    if (s == NULL)
        return CX_OK;
    size_t at = e->text.size;
    if (cx__buffer_append(&e->text, s, strlen(s) + 1) != CX_OK)
        return cx__nomem("reading ticket events");
    *offset = at + 1;
    return CX_OK;
}

static const char *text_at(const ticket_events *e, size_t offset)
{
    return offset == 0 ? NULL : e->text.data + offset - 1;
}

static int load_ticket_events(cx_store *s, sqlite3_stmt *st, const char *ticket_id, ticket_events *e)
{
    const cx__store_table *t = cx__store_table_desc(CX_STORE_TICKET_EVENTS);
    e->count = 0;
    e->text.size = 0;
    sqlite3_bind_text(st, 1, ticket_id, -1, SQLITE_STATIC);
    int step, rc = CX_OK;
    while (rc == CX_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (cx__grow((void **)&e->items, &e->cap, e->count + 1, sizeof *e->items, 16) != CX_OK
            || cx__grow((void **)&e->offsets, &e->offsets_cap, e->count + 1, sizeof *e->offsets, 16) != CX_OK) {
            rc = cx__nomem("reading ticket events");
            break;
        }
        cx_store_ticket_event *ev = &e->items[e->count];
        memset(ev, 0, sizeof *ev);
        decode_row(t, st, 0, ev);
        size_t *off = e->offsets[e->count];
        if ((rc = keep_text(e, ev->event_id, &off[0])) == CX_OK && (rc = keep_text(e, ev->author, &off[1])) == CX_OK)
            rc = keep_text(e, ev->text, &off[2]);
        e->count++;
    }
    if (rc == CX_OK && step != SQLITE_DONE)
        rc = cx__store_sqlite_error(s, step, "reading ticket events");
    sqlite3_reset(st);
    /* Pointers only now: the text buffer may have moved while growing. */
    for (size_t i = 0; rc == CX_OK && i < e->count; i++) {
        e->items[i].event_id = text_at(e, e->offsets[i][0]);
        e->items[i].ticket_id = ticket_id;
        e->items[i].author = text_at(e, e->offsets[i][1]);
        e->items[i].text = text_at(e, e->offsets[i][2]);
    }
    return rc;
}

static int visit_tickets(cx_store *s, const cx_store_filter *filter, sqlite3_stmt *ev_st, ticket_events *e,
                         cx_store_ticket_fn fn, void *payload)
{
    read_plan plan = { s, cx__store_table_desc(CX_STORE_TICKETS), filter, NULL };
    int rc = prepare_read(&plan);
    if (rc != CX_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(plan.st)) == SQLITE_ROW) {
        cx_store_ticket t;
        memset(&t, 0, sizeof t);
        decode_row(plan.t, plan.st, 0, &t);
        if ((rc = load_ticket_events(s, ev_st, t.ticket_id, e)) != CX_OK
            || (rc = fn(&t, e->count ? e->items : NULL, e->count, payload)) != CX_OK)
            break;
    }
    if (rc == CX_OK && step != SQLITE_DONE)
        rc = cx__store_sqlite_error(s, step, "reading tickets");
    sqlite3_finalize(plan.st);
    return rc;
}

/* Tickets known only from their events. */
static int visit_orphans(cx_store *s, sqlite3_stmt *ev_st, ticket_events *e, cx_store_ticket_fn fn, void *payload)
{
    sqlite3_stmt *st = NULL;
    int rc = cx__store_prepare(s, &st,
                               "SELECT DISTINCT ticket_id FROM ticket_events WHERE ticket_id NOT IN "
                               "(SELECT ticket_id FROM tickets) ORDER BY ticket_id");
    if (rc != CX_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cx_store_ticket t = CX_STORE_TICKET_INIT;
        t.ticket_id = (const char *)sqlite3_column_text(st, 0);
        if ((rc = load_ticket_events(s, ev_st, t.ticket_id, e)) != CX_OK
            || (rc = fn(&t, e->count ? e->items : NULL, e->count, payload)) != CX_OK)
            break;
    }
    if (rc == CX_OK && step != SQLITE_DONE)
        rc = cx__store_sqlite_error(s, step, "reading tickets");
    sqlite3_finalize(st);
    return rc;
}

int cx_store_each_ticket(cx_store *s, const cx_store_filter *filter, cx_store_ticket_fn fn, void *payload)
{
    int rc = start_walk(s, &filter, fn == NULL, "cx_store_each_ticket");
    if (rc != CX_OK)
        return rc;
    sqlite3_stmt *ev_st = NULL;
    rc = cx__store_prepare(s, &ev_st,
                           "SELECT event_id, ticket_id, timestamp_ms, kind, author, text FROM ticket_events "
                           "WHERE ticket_id = ?1 ORDER BY timestamp_ms, rowid");
    if (rc != CX_OK)
        return rc;
    ticket_events e;
    memset(&e, 0, sizeof e);
    e.text.version = CX_BUFFER_VERSION;
    rc = visit_tickets(s, filter, ev_st, &e, fn, payload);
    bool unfiltered = filter->from_ms == CX_STORE_NO_TIME && filter->to_ms == CX_STORE_NO_TIME
                      && filter->customer_id == NULL && filter->touchpoint == NULL;
    if (rc == CX_OK && unfiltered)
        rc = visit_orphans(s, ev_st, &e, fn, payload);
    ticket_events_free(&e);
    sqlite3_finalize(ev_st);
    return rc;
}
