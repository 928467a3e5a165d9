/* Journeys from a store or an events file (see journey_load.h). One pass
 * over the events interns customers and touchpoints and keeps the events
 * as indices; the journey is made afterwards (its goals depend on where
 * purchases happen) and fed with cx_journey_observe_ids() in one call. */
#include "journey_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

typedef struct tp_data {
    char *channel, *stage;
} tp_data;

typedef struct loader {
    tally touchpoints;   /* stored order, then new ones from events; sum: purchase events */
    tally customers;     /* order of first event */
    size_t last_customer; /* index of the previous event's customer + 1 (exports often group by customer) */
    uint32_t *customer, *touchpoint;
    int64_t *time;
    size_t n, cap;
    char **stages, **goals;
    size_t n_stages, n_goals;
} loader;

void journey_setup_init(journey_setup *setup)
{
    cx_store_filter all = CX_STORE_FILTER_INIT;
    memset(setup, 0, sizeof *setup);
    setup->filter = all;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void loader_free(loader *l)
{
    for (size_t i = 0; i < l->touchpoints.count; i++) {
        tp_data *d = l->touchpoints.items[i].data;
        if (d != NULL) {
            free(d->channel);
            free(d->stage);
            free(d);
        }
    }
    tally_free(&l->touchpoints);
    tally_free(&l->customers);
    free(l->customer);
    free(l->touchpoint);
    free(l->time);
    free_list(l->stages, l->n_stages);
    free_list(l->goals, l->n_goals);
}

/* The entry of a touchpoint; a new one takes the channel and stage given. */
static int touchpoint_entry(loader *l, const char *id, const char *channel, const char *stage, size_t *index)
{
    tally_entry *e = tally_get(&l->touchpoints, id);
    if (e == NULL)
        return CX_ENOMEM;
    if (e->data == NULL) {
        tp_data *d = calloc(1, sizeof *d);
        if (d == NULL)
            return CX_ENOMEM;
        e->data = d;
        if ((channel != NULL && *channel && (d->channel = strdup(channel)) == NULL)
            || (stage != NULL && *stage && (d->stage = strdup(stage)) == NULL))
            return CX_ENOMEM;
    }
    *index = (size_t)(e - l->touchpoints.items);
    return CX_OK;
}

static int add_touchpoint(const cx_store_touchpoint *t, void *payload)
{
    size_t at;
    return touchpoint_entry(payload, t->touchpoint, t->channel, t->stage, &at);
}

static int add_event(const cx_store_event *ev, void *payload)
{
    loader *l = payload;
    size_t tp;
    int rc = touchpoint_entry(l, ev->touchpoint, ev->channel, NULL, &tp);
    tally_entry *c = l->last_customer ? &l->customers.items[l->last_customer - 1] : NULL;
    if (rc == CX_OK && (c == NULL || strcmp(c->key, ev->customer_id) != 0))
        c = tally_get(&l->customers, ev->customer_id);
    if (rc != CX_OK || c == NULL)
        return CX_ENOMEM;
    l->last_customer = (size_t)(c - l->customers.items) + 1;
    if (ev->type != NULL && strcmp(ev->type, "purchase") == 0)
        l->touchpoints.items[tp].sum += 1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        uint32_t *cu = realloc(l->customer, cap * sizeof *cu);
        if (cu != NULL)
            l->customer = cu;
        uint32_t *tu = realloc(l->touchpoint, cap * sizeof *tu);
        if (tu != NULL)
            l->touchpoint = tu;
        int64_t *ti = realloc(l->time, cap * sizeof *ti);
        if (ti != NULL)
            l->time = ti;
        if (cu == NULL || tu == NULL || ti == NULL)
            return CX_ENOMEM;
        l->cap = cap;
    }
    l->customer[l->n] = (uint32_t)(c - l->customers.items);
    l->touchpoint[l->n] = (uint32_t)tp;
    l->time[l->n++] = ev->timestamp_ms;
    return CX_OK;
}

static bool in_list(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static int push(char ***list, size_t *n, const char *s)
{
    char **grown = realloc(*list, (*n + 1) * sizeof **list);
    if (grown == NULL)
        return CX_ENOMEM;
    *list = grown;
    if ((grown[*n] = strdup(s)) == NULL)
        return CX_ENOMEM;
    (*n)++;
    return CX_OK;
}

/* Splits "a, b,c" into names; an empty or repeated name is refused. */
static int split_list(journey_setup *setup, const char *what, const char *text, char ***list, size_t *n)
{
    char name[CX_STAGE_NAME_MAX + 1];
    for (const char *p = text;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && isspace((unsigned char)*p))
            p++, len--;
        while (len > 0 && isspace((unsigned char)p[len - 1]))
            len--;
        if (len == 0 || len > CX_STAGE_NAME_MAX) {
            snprintf(setup->error, sizeof setup->error, "%s \"%.80s\" has an empty or over-long name", what, text);
            return CX_EINVAL;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        if (in_list(*list, *n, name)) {
            snprintf(setup->error, sizeof setup->error, "%s names \"%.80s\" twice", what, name);
            return CX_EINVAL;
        }
        if (push(list, n, name) != CX_OK)
            return CX_ENOMEM;
        if (end == NULL)
            return CX_OK;
        p = end + 1;
    }
}

static int choose_stages(loader *l, journey_setup *setup)
{
    if (setup->stages != NULL)
        return split_list(setup, "--stages", setup->stages, &l->stages, &l->n_stages);
    for (size_t i = 0; i < l->touchpoints.count; i++) {
        const tp_data *d = l->touchpoints.items[i].data;
        if (d->stage != NULL && !in_list(l->stages, l->n_stages, d->stage)
            && push(&l->stages, &l->n_stages, d->stage) != CX_OK)
            return CX_ENOMEM;
    }
    return CX_OK;
}

/* Given goals must be stages; by default the stages where purchases happen,
 * else the last stage. */
static int choose_goals(loader *l, journey_setup *setup)
{
    if (setup->goals != NULL) {
        int rc = split_list(setup, "--goal", setup->goals, &l->goals, &l->n_goals);
        for (size_t i = 0; rc == CX_OK && i < l->n_goals; i++) {
            if (!in_list(l->stages, l->n_stages, l->goals[i])) {
                int at = snprintf(setup->error, sizeof setup->error, "goal \"%s\" is not a stage (stages:",
                                  l->goals[i]);
                for (size_t k = 0; k < l->n_stages && at > 0 && (size_t)at < sizeof setup->error; k++)
                    at += snprintf(setup->error + at, sizeof setup->error - (size_t)at, " %s", l->stages[k]);
                if (at > 0 && (size_t)at < sizeof setup->error)
                    snprintf(setup->error + at, sizeof setup->error - (size_t)at, ")");
                rc = CX_EINVAL;
            }
        }
        return rc;
    }
    for (size_t i = 0; i < l->touchpoints.count; i++) {
        const tp_data *d = l->touchpoints.items[i].data;
        if (l->touchpoints.items[i].sum > 0 && d->stage != NULL && in_list(l->stages, l->n_stages, d->stage)
            && !in_list(l->goals, l->n_goals, d->stage) && push(&l->goals, &l->n_goals, d->stage) != CX_OK)
            return CX_ENOMEM;
    }
    if (l->n_goals == 0 && l->n_stages > 0)
        return push(&l->goals, &l->n_goals, l->stages[l->n_stages - 1]);
    return CX_OK;
}

/* A touchpoint of the registry: built-in channels by name, others as
 * custom channels; stages outside the funnel are dropped. */
static int register_touchpoint(cx_touchpoint_registry *reg, const loader *l, size_t i)
{
    const tp_data *d = l->touchpoints.items[i].data;
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    info.id = l->touchpoints.items[i].key;
    info.stage = d->stage != NULL && in_list(l->stages, l->n_stages, d->stage) ? d->stage : NULL;
    if (d->channel != NULL && cx_channel_from_name(&info.channel, d->channel) != CX_OK) {
        info.channel = CX_CHANNEL_CUSTOM;
        info.channel_name = d->channel;
    }
    int rc = cx_touchpoint_add(NULL, reg, &info);
    if (rc == CX_EINVAL && info.channel == CX_CHANNEL_CUSTOM) { /* a channel name the registry refuses */
        info.channel = CX_CHANNEL_OTHER;
        rc = cx_touchpoint_add(NULL, reg, &info);
    }
    return rc;
}

static int build(cx_journey **out, const loader *l, const journey_setup *setup)
{
    cx_touchpoint_registry *reg = NULL;
    int rc = cx_touchpoint_registry_new(&reg);
    for (size_t i = 0; rc == CX_OK && i < l->touchpoints.count; i++)
        rc = register_touchpoint(reg, l, i);
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.inactivity_gap_ms = setup->gap_ms;
    o.auto_register = 1;
    o.stages = (const char *const *)l->stages;
    o.stage_count = l->n_stages;
    o.goal_stages = (const char *const *)l->goals;
    o.goal_count = l->n_goals;
    if (rc == CX_OK)
        rc = cx_journey_new(out, reg, &o);
    cx_touchpoint_registry_free(reg);
    for (size_t i = 0; rc == CX_OK && i < l->customers.count; i++) {
        uint32_t index;
        rc = cx_journey_intern_customer(&index, *out, l->customers.items[i].key);
    }
    if (rc == CX_OK)
        rc = cx_journey_observe_ids(*out, l->customer, l->touchpoint, l->time, NULL, l->n);
    if (rc != CX_OK) {
        cx_journey_free(*out);
        *out = NULL;
    }
    return rc;
}

int journey_from_store(cx_journey **out, cx_store *store, journey_setup *setup)
{
    loader l;
    memset(&l, 0, sizeof l);
    tally_init(&l.touchpoints);
    tally_init(&l.customers);
    *out = NULL;
    setup->error[0] = '\0';
    int rc = cx_store_each_touchpoint(store, NULL, add_touchpoint, &l);
    if (rc == CX_OK)
        rc = cx_store_each_event(store, &setup->filter, add_event, &l);
    if (rc == CX_OK)
        rc = choose_stages(&l, setup);
    if (rc == CX_OK && l.n_stages > CX_JOURNEY_STAGES_MAX) {
        snprintf(setup->error, sizeof setup->error, "%zu stages are more than a journey takes (%d); name the funnel's "
                 "stages with --stages", l.n_stages, CX_JOURNEY_STAGES_MAX);
        rc = CX_EINVAL;
    }
    if (rc == CX_OK)
        rc = choose_goals(&l, setup);
    if (rc == CX_OK)
        rc = build(out, &l, setup);
    loader_free(&l);
    return rc;
}

int journey_from_file(cx_journey **out, const char *path, journey_setup *setup)
{
    cx_store *mem = NULL;
    *out = NULL;
    int rc = cx_store_open(&mem, ":memory:", NULL);
    cx_import_options io = CX_IMPORT_OPTIONS_INIT;
    io.table = CX_STORE_EVENTS;
    io.epoch_unit = CX_EPOCH_MILLISECONDS;
    io.column_map = setup->column_map;
    io.accept_local_times = 1; /* date-times without a zone are UTC: journeys need order and differences */
    if (rc == CX_OK)
        rc = strcmp(path, "-") == 0 ? cx_store_import_fd(NULL, mem, STDIN_FILENO, "stdin", &io)
                                    : cx_store_import_file(NULL, mem, path, &io);
    if (rc == CX_OK)
        rc = journey_from_store(out, mem, setup);
    cx_store_close(mem);
    return rc;
}

bool journey_parse_gap(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    double unit = 1000;
    if (end == s || errno == ERANGE || !(v >= 0))
        return false;
    if (*end != '\0') {
        switch (*end) {
        case 's': unit = 1000; break;
        case 'm': unit = 60e3; break;
        case 'h': unit = 3600e3; break;
        case 'd': unit = 86400e3; break;
        case 'w': unit = 604800e3; break;
        default: return false;
        }
        if (end[1] != '\0')
            return false;
    }
    if (v * unit > 9.2e18)
        return false;
    *out = (int64_t)(v * unit + 0.5);
    return true;
}
