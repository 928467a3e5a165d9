/*
 * Journeys: the map (registry copy and stages), observation of events,
 * merging, and the per-customer paths every analysis walks.
 *
 * Batches are all or nothing. Events are written into spare capacity of
 * the pending array and only counted once everything succeeded; customers
 * interned by a failing batch are popped again, and so are the touchpoints
 * it registered (auto-registration, merges). The registry grows in place:
 * cx_journey_touchpoints() lends it for the journey's whole life.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"
#include "touchpoint_internal.h"

/* ---- options and the map ---------------------------------------------- */

int cx_journey_options_init(cx_journey_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_journey_options_init");
    int rc = cx__check_version(version, CX_JOURNEY_OPTIONS_VERSION, "cx_journey_options");
    if (rc != CX_OK)
        return rc;
    cx_journey_options defaults = CX_JOURNEY_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

int cx__journey_find_stage(const cx_journey *j, const char *name)
{
    for (size_t s = 0; s < j->stage_count; s++)
        if (strcmp(j->stages[s], name) == 0)
            return (int)s;
    return -1;
}

static int check_stage_name(const char *name, size_t index)
{
    if (name == NULL)
        return cx__error(CX_EINVAL, "cx_journey_new: stages[%zu] is NULL", index);
    size_t n = strnlen(name, CX_STAGE_NAME_MAX + 1);
    if (n == 0)
        return cx__error(CX_EINVAL, "cx_journey_new: stages[%zu] is empty", index);
    if (n > CX_STAGE_NAME_MAX)
        return cx__error(CX_EINVAL, "cx_journey_new: stages[%zu] \"%.32s...\" is longer than %d bytes", index, name,
                         CX_STAGE_NAME_MAX);
    size_t bad;
    if (!cx__utf8_valid(name, n, &bad))
        return cx__error(CX_EINVAL, "cx_journey_new: stages[%zu] is not valid UTF-8 (byte %zu)", index, bad);
    return CX_OK;
}

static int check_options(const cx_journey_options *o)
{
    if (o->inactivity_gap_ms < 0)
        return cx__error(CX_EINVAL, "cx_journey_new: inactivity_gap_ms %lld is negative (0 disables splitting)",
                         (long long)o->inactivity_gap_ms);
    if (o->stage_count > CX_JOURNEY_STAGES_MAX)
        return cx__error(CX_EINVAL, "cx_journey_new: %zu stages exceed the maximum of %d", o->stage_count,
                         CX_JOURNEY_STAGES_MAX);
    if ((o->stage_count > 0 && o->stages == NULL) || (o->goal_count > 0 && o->goal_stages == NULL))
        return cx__error(CX_EINVAL, "cx_journey_new: stages or goal_stages is NULL but its count is not 0");
    for (size_t i = 0; i < o->stage_count; i++) {
        int rc = check_stage_name(o->stages[i], i);
        if (rc != CX_OK)
            return rc;
        for (size_t k = 0; k < i; k++)
            if (strcmp(o->stages[k], o->stages[i]) == 0)
                return cx__error(CX_EINVAL, "cx_journey_new: stage \"%s\" is listed twice (stages[%zu] and [%zu])",
                                 o->stages[i], k, i);
    }
    for (size_t g = 0; g < o->goal_count; g++) {
        const char *goal = o->goal_stages[g];
        bool found = false;
        for (size_t i = 0; goal != NULL && i < o->stage_count && !found; i++)
            found = strcmp(o->stages[i], goal) == 0;
        if (!found)
            return cx__error(CX_ENOTFOUND, "cx_journey_new: goal stage \"%.64s\" is not one of the %zu stages",
                             goal ? goal : "(null)", o->stage_count);
    }
    return CX_OK;
}

/* A touchpoint index must fit the 16 bits of a stored event. */
static int check_room(size_t count, const char *what)
{
    if (count > CX_JOURNEY_TOUCHPOINTS_MAX)
        return cx__error(CX_ERANGE, "%s: a journey holds at most %d touchpoints (%zu needed)", what,
                         CX_JOURNEY_TOUCHPOINTS_MAX, count);
    return CX_OK;
}

/* Every touchpoint's stage must be a stage of the map (or none). */
static int check_touchpoint_stages(const cx_journey *j, const cx_touchpoint_registry *reg)
{
    size_t n;
    cx_touchpoint_count(&n, reg);
    int rc = check_room(n, "cx_journey_new");
    if (rc != CX_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        cx_touchpoint_get(&info, reg, i);
        if (info.stage[0] != '\0' && cx__journey_find_stage(j, info.stage) < 0)
            return cx__error(CX_ENOTFOUND, "touchpoint \"%.64s\" is in stage \"%.64s\", which is not a stage of "
                             "the journey", info.id, info.stage);
    }
    return CX_OK;
}

static int copy_stages(cx_journey *j, const cx_journey_options *o)
{
    size_t n = o->stage_count;
    j->stages = cx__calloc(n ? n : 1, sizeof *j->stages);
    j->stage_goal = cx__calloc(n ? n : 1, sizeof *j->stage_goal);
    if (j->stages == NULL || j->stage_goal == NULL)
        return CX_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if ((j->stages[i] = cx__strdup(o->stages[i])) == NULL)
            return CX_ENOMEM;
        j->stage_count = i + 1;
        for (size_t g = 0; g < o->goal_count; g++)
            if (strcmp(o->goal_stages[g], o->stages[i]) == 0)
                j->stage_goal[i] = 1;
    }
    return CX_OK;
}

int cx_journey_new(cx_journey **out, const cx_touchpoint_registry *touchpoints, const cx_journey_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_new");
    *out = NULL;
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_JOURNEY_OPTIONS_VERSION, "cx_journey_options");
        if (rc != CX_OK)
            return rc;
        o = *opts;
    }
    int rc = check_options(&o);
    if (rc != CX_OK)
        return rc;
    cx_journey *j = cx__calloc(1, sizeof *j);
    if (j == NULL)
        return cx__nomem("creating a journey");
    cx__hashmap_init(&j->customers);
    j->gap_ms = o.inactivity_gap_ms;
    j->auto_register = o.auto_register != 0;
    if (copy_stages(j, &o) != CX_OK)
        rc = cx__nomem("creating a journey");
    else if (touchpoints == NULL)
        rc = cx_touchpoint_registry_new(&j->reg);
    else if ((rc = check_touchpoint_stages(j, touchpoints)) == CX_OK)
        rc = cx_touchpoint_registry_clone(&j->reg, touchpoints);
    if (rc == CX_OK && (j->offsets = cx__calloc(1, sizeof *j->offsets)) == NULL)
        rc = cx__nomem("creating a journey");
    if (rc != CX_OK) {
        cx_journey_free(j);
        return rc;
    }
    *out = j;
    return CX_OK;
}

void cx_journey_free(cx_journey *j)
{
    if (j == NULL)
        return;
    for (size_t i = 0; i < j->stage_count; i++)
        cx__free(j->stages[i]);
    cx__free(j->stages);
    cx__free(j->stage_goal);
    cx_touchpoint_registry_free(j->reg);
    cx__hashmap_destroy(&j->customers);
    cx__free(j->offsets);
    cx__free(j->ev);
    cx__free(j->pending);
    cx__free(j->outcomes);
    cx__free(j);
}

int cx_journey_touchpoints(const cx_touchpoint_registry **out, const cx_journey *j)
{
    CX__CHECK_ARG(out, "cx_journey_touchpoints");
    CX__CHECK_ARG(j, "cx_journey_touchpoints");
    *out = j->reg;
    return CX_OK;
}

int cx_journey_add_touchpoint(uint32_t *out, cx_journey *j, const cx_touchpoint_info *info)
{
    CX__CHECK_ARG(j, "cx_journey_add_touchpoint");
    CX__CHECK_ARG(info, "cx_journey_add_touchpoint");
    size_t n;
    cx_touchpoint_count(&n, j->reg);
    int rc = check_room(n + 1, "cx_journey_add_touchpoint");
    if (rc != CX_OK)
        return rc;
    if (info->version >= 1 && info->id != NULL && info->stage != NULL && info->stage[0] != '\0'
        && cx__journey_find_stage(j, info->stage) < 0)
        return cx__error(CX_ENOTFOUND, "touchpoint \"%.64s\" is in stage \"%.64s\", which is not a stage of the "
                         "journey", info->id, info->stage);
    return cx_touchpoint_add(out, j->reg, info);
}

int cx_journey_stage_count(size_t *out, const cx_journey *j)
{
    CX__CHECK_ARG(out, "cx_journey_stage_count");
    CX__CHECK_ARG(j, "cx_journey_stage_count");
    *out = j->stage_count;
    return CX_OK;
}

int cx_journey_get_stage(const char **name_out, int *goal_out, const cx_journey *j, size_t index)
{
    CX__CHECK_ARG(j, "cx_journey_get_stage");
    if (index >= j->stage_count)
        return cx__error(CX_ENOTFOUND, "cx_journey_get_stage: index %zu is past the last of %zu stages", index,
                         j->stage_count);
    if (name_out != NULL)
        *name_out = j->stages[index];
    if (goal_out != NULL)
        *goal_out = j->stage_goal[index];
    return CX_OK;
}

/* ---- checking events -------------------------------------------------- */

/* "events[3]: " for batches, "" for single calls. */
typedef struct where {
    char text[40];
} where;

static where where_of(size_t index, bool batch)
{
    where w = { "" };
    if (batch)
        snprintf(w.text, sizeof w.text, "events[%zu]: ", index);
    return w;
}

/* Checks a customer or touchpoint id (`what`): 1..max bytes of UTF-8. */
static int check_id(const char *id, size_t max, const char *what, size_t index, bool batch)
{
    if (id == NULL)
        return cx__error(CX_EINVAL, "%s%s id is NULL", where_of(index, batch).text, what);
    size_t n = strnlen(id, max + 1);
    if (n == 0)
        return cx__error(CX_EINVAL, "%s%s id is empty", where_of(index, batch).text, what);
    if (n > max)
        return cx__error(CX_EINVAL, "%s%s id \"%.32s...\" is longer than %zu bytes", where_of(index, batch).text,
                         what, id, max);
    size_t bad;
    if (!cx__utf8_valid(id, n, &bad))
        return cx__error(CX_EINVAL, "%s%s id is not valid UTF-8 (byte %zu)", where_of(index, batch).text, what, bad);
    return CX_OK;
}

static int check_customer_id(const char *id, size_t index, bool batch)
{
    return check_id(id, CX_JOURNEY_CUSTOMER_ID_MAX, "customer", index, batch);
}

static int check_time_and_outcome(int64_t ts, const double *outcome, size_t index, bool batch)
{
    if (ts < 0 || ts > CX_JOURNEY_TIMESTAMP_MAX)
        return cx__error(CX_ERANGE, "%stimestamp %lld ms is outside 0..%lld (1970 to 9999-12-31)",
                         where_of(index, batch).text, (long long)ts, (long long)CX_JOURNEY_TIMESTAMP_MAX);
    if (outcome != NULL && isinf(*outcome))
        return cx__error(CX_ERANGE, "%soutcome %g is infinite (NaN means no outcome)", where_of(index, batch).text,
                         *outcome);
    return CX_OK;
}

/* ---- storing events --------------------------------------------------- */

static int reserve(cx_journey *j, size_t events, size_t outcomes)
{
    if (events > SIZE_MAX - j->pending_count || outcomes > SIZE_MAX - j->outcome_count)
        return cx__nomem("storing events");
    void *p = j->pending;
    if (cx__grow(&p, &j->pending_cap, j->pending_count + events, sizeof(cx__jevent), 1024) != CX_OK)
        return cx__nomem("storing events");
    j->pending = p;
    p = j->outcomes;
    if (outcomes > 0
        && cx__grow(&p, &j->outcome_cap, j->outcome_count + outcomes, sizeof(cx__joutcome), 64) != CX_OK)
        return cx__nomem("storing outcomes");
    j->outcomes = p;
    return CX_OK;
}

static size_t count_outcomes(const double *outcomes, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; outcomes != NULL && i < n; i++)
        k += !isnan(outcomes[i]);
    return k;
}

/* Counts the staged events (and their outcomes) in: the commit point. */
static void commit_events(cx_journey *j, size_t n, const double *outcomes)
{
    const cx__jevent *e = j->pending + j->pending_count;
    for (size_t i = 0; i < n; i++) {
        if (j->pending_count + j->built_events + i == 0 || e[i].ts < j->first_ms)
            j->first_ms = e[i].ts;
        if (j->pending_count + j->built_events + i == 0 || e[i].ts > j->last_ms)
            j->last_ms = e[i].ts;
        if (outcomes != NULL && !isnan(outcomes[i]))
            j->outcomes[j->outcome_count++] = (cx__joutcome){ e[i].ts, e[i].customer, e[i].touchpoint, outcomes[i] };
    }
    j->pending_count += n;
}

static void pop_customers(cx_journey *j, size_t count_before)
{
    while (j->customers.count > count_before)
        cx__hashmap_pop(&j->customers);
}

/* Registers the touchpoints a batch names but the registry lacks. On
 * failure the caller undoes them with cx__touchpoint_truncate(). */
static int register_unknown(cx_journey *j, cx__jevent *slots, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (slots[i].touchpoint != CX__NO_NODE)
            continue;
        if (cx_touchpoint_find(&slots[i].touchpoint, j->reg, ids[i]) == CX_OK)
            continue; /* named earlier in the batch */
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = ids[i];
        size_t count;
        cx_touchpoint_count(&count, j->reg);
        int rc = check_room(count + 1, "auto-registering a touchpoint");
        if (rc == CX_OK)
            rc = cx_touchpoint_add(&slots[i].touchpoint, j->reg, &info);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

/* Checks every event and resolves known touchpoints into the spare slots;
 * unknown ones are marked CX__NO_NODE when auto-registration is on. */
static int stage_string_events(cx_journey *j, cx__jevent *slots, const char *const *customer_ids,
                               const char *const *touchpoint_ids, const int64_t *timestamps_ms,
                               const double *outcomes, size_t n, bool batch)
{
    for (size_t i = 0; i < n; i++) {
        int rc = check_customer_id(customer_ids[i], i, batch);
        if (rc == CX_OK)
            rc = check_id(touchpoint_ids[i], CX_TOUCHPOINT_ID_MAX, "touchpoint", i, batch);
        if (rc == CX_OK)
            rc = check_time_and_outcome(timestamps_ms[i], outcomes ? &outcomes[i] : NULL, i, batch);
        if (rc != CX_OK)
            return rc;
        slots[i].ts = timestamps_ms[i];
        if (cx_touchpoint_find(&slots[i].touchpoint, j->reg, touchpoint_ids[i]) == CX_OK)
            continue;
        if (!j->auto_register)
            return cx__error(CX_ENOTFOUND, "%stouchpoint \"%.64s\" is not registered", where_of(i, batch).text,
                             touchpoint_ids[i]);
        slots[i].touchpoint = CX__NO_NODE;
    }
    return CX_OK;
}

static int intern_customers(cx_journey *j, cx__jevent *slots, const char *const *customer_ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *id = customer_ids[i];
        if (cx__hashmap_intern(&j->customers, id, strlen(id), &slots[i].customer, NULL) != CX_OK)
            return cx__nomem("interning customer ids");
    }
    return CX_OK;
}

static int observe_strings(cx_journey *j, const char *const *customer_ids, const char *const *touchpoint_ids,
                           const int64_t *timestamps_ms, const double *outcomes, size_t n, bool batch)
{
    int rc = reserve(j, n, count_outcomes(outcomes, n));
    if (rc != CX_OK)
        return rc;
    cx__jevent *slots = j->pending + j->pending_count;
    rc = stage_string_events(j, slots, customer_ids, touchpoint_ids, timestamps_ms, outcomes, n, batch);
    if (rc != CX_OK)
        return rc;
    size_t customers_before = j->customers.count, touchpoints_before;
    cx_touchpoint_count(&touchpoints_before, j->reg);
    rc = intern_customers(j, slots, customer_ids, n);
    if (rc == CX_OK)
        rc = register_unknown(j, slots, touchpoint_ids, n);
    if (rc != CX_OK) {
        pop_customers(j, customers_before);
        cx__touchpoint_truncate(j->reg, touchpoints_before);
        return rc;
    }
    commit_events(j, n, outcomes);
    return CX_OK;
}

int cx_journey_observe(cx_journey *j, const char *customer_id, const char *touchpoint_id, int64_t timestamp_ms,
                       double outcome)
{
    CX__CHECK_ARG(j, "cx_journey_observe");
    return observe_strings(j, &customer_id, &touchpoint_id, &timestamp_ms, &outcome, 1, false);
}

int cx_journey_observe_many(cx_journey *j, const char *const *customer_ids, const char *const *touchpoint_ids,
                            const int64_t *timestamps_ms, const double *outcomes, size_t n)
{
    CX__CHECK_ARG(j, "cx_journey_observe_many");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(customer_ids, "cx_journey_observe_many");
    CX__CHECK_ARG(touchpoint_ids, "cx_journey_observe_many");
    CX__CHECK_ARG(timestamps_ms, "cx_journey_observe_many");
    return observe_strings(j, customer_ids, touchpoint_ids, timestamps_ms, outcomes, n, true);
}

int cx_journey_intern_customer(uint32_t *out, cx_journey *j, const char *customer_id)
{
    CX__CHECK_ARG(out, "cx_journey_intern_customer");
    CX__CHECK_ARG(j, "cx_journey_intern_customer");
    int rc = check_customer_id(customer_id, 0, false);
    if (rc != CX_OK)
        return rc;
    if (cx__hashmap_intern(&j->customers, customer_id, strlen(customer_id), out, NULL) != CX_OK)
        return cx__nomem("interning a customer id");
    return CX_OK;
}

int cx_journey_observe_ids(cx_journey *j, const uint32_t *customers, const uint32_t *touchpoints,
                           const int64_t *timestamps_ms, const double *outcomes, size_t n)
{
    CX__CHECK_ARG(j, "cx_journey_observe_ids");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(customers, "cx_journey_observe_ids");
    CX__CHECK_ARG(touchpoints, "cx_journey_observe_ids");
    CX__CHECK_ARG(timestamps_ms, "cx_journey_observe_ids");
    size_t n_customers = j->customers.count, n_touchpoints;
    cx_touchpoint_count(&n_touchpoints, j->reg);
    int rc = reserve(j, n, count_outcomes(outcomes, n));
    if (rc != CX_OK)
        return rc;
    cx__jevent *slots = j->pending + j->pending_count;
    for (size_t i = 0; i < n; i++) {
        if (CX__UNLIKELY(customers[i] >= n_customers))
            return cx__error(CX_ENOTFOUND, "events[%zu]: customer index %u is past the last of %zu customers", i,
                             customers[i], n_customers);
        if (CX__UNLIKELY(touchpoints[i] >= n_touchpoints))
            return cx__error(CX_ENOTFOUND, "events[%zu]: touchpoint index %u is past the last of %zu touchpoints", i,
                             touchpoints[i], n_touchpoints);
        if (CX__UNLIKELY(timestamps_ms[i] < 0 || timestamps_ms[i] > CX_JOURNEY_TIMESTAMP_MAX)
            || (outcomes != NULL && CX__UNLIKELY(isinf(outcomes[i]))))
            return check_time_and_outcome(timestamps_ms[i], outcomes ? &outcomes[i] : NULL, i, true);
        slots[i] = (cx__jevent){ timestamps_ms[i], customers[i], touchpoints[i] };
    }
    commit_events(j, n, outcomes);
    return CX_OK;
}

/* ---- merging ---------------------------------------------------------- */

static int same_map(const cx_journey *a, const cx_journey *b)
{
    if (a->gap_ms != b->gap_ms)
        return cx__error(CX_ESTATE, "cx_journey_merge: inactivity gaps differ (%lld and %lld ms)",
                         (long long)a->gap_ms, (long long)b->gap_ms);
    if (a->stage_count != b->stage_count)
        return cx__error(CX_ESTATE, "cx_journey_merge: the journeys have %zu and %zu stages", a->stage_count,
                         b->stage_count);
    for (size_t s = 0; s < a->stage_count; s++)
        if (strcmp(a->stages[s], b->stages[s]) != 0 || a->stage_goal[s] != b->stage_goal[s])
            return cx__error(CX_ESTATE, "cx_journey_merge: stage %zu differs (\"%.64s\" and \"%.64s\", or its goal "
                             "flag)", s, a->stages[s], b->stages[s]);
    return CX_OK;
}

static int same_touchpoint(const cx_touchpoint_info *a, const cx_touchpoint_info *b)
{
    if (a->channel != b->channel || strcmp(a->channel_name, b->channel_name) != 0 || strcmp(a->stage, b->stage) != 0)
        return cx__error(CX_ESTATE, "cx_journey_merge: touchpoint \"%.64s\" has channel %s, stage \"%.64s\" in one "
                         "journey and channel %s, stage \"%.64s\" in the other", a->id, a->channel_name, a->stage,
                         b->channel_name, b->stage);
    return CX_OK;
}

/* Maps every touchpoint of `from` to an index of `into`, registering the
 * missing ones in into's registry. On failure the caller undoes them with
 * cx__touchpoint_truncate(). */
static int map_touchpoints(cx_journey *into, const cx_journey *from, uint32_t *map)
{
    size_t n;
    cx_touchpoint_count(&n, from->reg);
    for (size_t i = 0; i < n; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT, mine = CX_TOUCHPOINT_INFO_INIT;
        cx_touchpoint_get(&info, from->reg, i);
        int rc;
        if (cx_touchpoint_find(&map[i], into->reg, info.id) == CX_OK) {
            cx_touchpoint_get(&mine, into->reg, map[i]);
            rc = same_touchpoint(&mine, &info);
        } else {
            size_t count;
            cx_touchpoint_count(&count, into->reg);
            rc = check_room(count + 1, "cx_journey_merge");
            if (rc == CX_OK)
                rc = cx_touchpoint_add(&map[i], into->reg, &info);
        }
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int map_customers(cx_journey *into, const cx_journey *from, uint32_t *map)
{
    for (uint32_t c = 0; c < from->customers.count; c++) {
        size_t len;
        const char *id = cx__hashmap_key(&from->customers, c, &len);
        if (cx__hashmap_intern(&into->customers, id, len, &map[c], NULL) != CX_OK)
            return cx__nomem("merging journeys");
    }
    return CX_OK;
}

/* Writes from's events, renumbered, into into's spare pending slots. */
static void copy_events(cx_journey *into, const cx_journey *from, const uint32_t *cmap, const uint32_t *tmap)
{
    cx__jevent *slot = into->pending + into->pending_count;
    for (size_t c = 0; c < from->built_customers; c++)
        for (size_t e = from->offsets[c]; e < from->offsets[c + 1]; e++)
            *slot++ = (cx__jevent){ cx__ev_ts(from->ev[e]), cmap[c], tmap[cx__ev_tp(from->ev[e])] };
    for (size_t e = 0; e < from->pending_count; e++) {
        const cx__jevent *p = &from->pending[e];
        *slot++ = (cx__jevent){ p->ts, cmap[p->customer], tmap[p->touchpoint] };
    }
}

int cx_journey_merge(cx_journey *into, const cx_journey *from)
{
    CX__CHECK_ARG(into, "cx_journey_merge");
    CX__CHECK_ARG(from, "cx_journey_merge");
    if (into == from)
        return cx__error(CX_EINVAL, "cx_journey_merge: cannot merge a journey into itself");
    int rc = same_map(into, from);
    if (rc != CX_OK)
        return rc;
    size_t n_tp, events = from->built_events + from->pending_count;
    cx_touchpoint_count(&n_tp, from->reg);
    uint32_t *tmap = cx__malloc((n_tp + 1) * sizeof *tmap);
    uint32_t *cmap = cx__malloc((from->customers.count + 1) * sizeof *cmap);
    if (tmap == NULL || cmap == NULL || reserve(into, events, from->outcome_count) != CX_OK) {
        cx__free(tmap);
        cx__free(cmap);
        return cx__nomem("merging journeys");
    }
    size_t customers_before = into->customers.count, touchpoints_before;
    cx_touchpoint_count(&touchpoints_before, into->reg);
    rc = map_touchpoints(into, from, tmap);
    if (rc == CX_OK)
        rc = map_customers(into, from, cmap);
    if (rc != CX_OK) {
        pop_customers(into, customers_before);
        cx__touchpoint_truncate(into->reg, touchpoints_before);
    }
    if (rc == CX_OK) {
        copy_events(into, from, cmap, tmap);
        commit_events(into, events, NULL);
        for (size_t o = 0; o < from->outcome_count; o++) {
            cx__joutcome x = from->outcomes[o];
            x.customer = cmap[x.customer];
            x.touchpoint = tmap[x.touchpoint];
            into->outcomes[into->outcome_count++] = x;
        }
    }
    cx__free(tmap);
    cx__free(cmap);
    return rc;
}

/* ---- summary and paths ------------------------------------------------ */

int cx_journey_summary_init(cx_journey_summary *s, unsigned int version)
{
    CX__CHECK_ARG(s, "cx_journey_summary_init");
    int rc = cx__check_version(version, CX_JOURNEY_SUMMARY_VERSION, "cx_journey_summary");
    if (rc != CX_OK)
        return rc;
    cx_journey_summary defaults = CX_JOURNEY_SUMMARY_INIT;
    *s = defaults;
    s->version = version;
    return CX_OK;
}

static uint64_t memory_bytes(const cx_journey *j)
{
    const cx__hashmap *m = &j->customers;
    uint64_t bytes = (uint64_t)j->built_events * sizeof *j->ev
                     + (uint64_t)(j->built_customers + 1) * sizeof *j->offsets
                     + (uint64_t)j->pending_cap * sizeof(cx__jevent) + (uint64_t)j->outcome_cap * sizeof(cx__joutcome);
    bytes += cx__hashmap_memory(m);
    return bytes;
}

int cx_journey_get_summary(cx_journey_summary *out, cx_journey *j)
{
    CX__CHECK_ARG(out, "cx_journey_get_summary");
    CX__CHECK_ARG(j, "cx_journey_get_summary");
    int rc = cx__check_version(out->version, CX_JOURNEY_SUMMARY_VERSION, "cx_journey_summary");
    cx__jview v;
    if (rc != CX_OK || (rc = cx__jview_open(&v, j)) != CX_OK)
        return rc;
    cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
    s.version = out->version;
    cx__jcursor cur;
    cx__jcase c;
    cx__jcursor_init(&cur, j);
    while (cx__jcursor_next(&cur, &c)) {
        s.cases++;
        s.goal_cases += cx__jcase_converts(&v, &c);
    }
    cx__jview_close(&v);
    s.events = j->built_events;
    s.customers = j->customers.count;
    s.touchpoints = 0;
    size_t n_tp;
    cx_touchpoint_count(&n_tp, j->reg);
    s.touchpoints = n_tp;
    s.outcomes = j->outcome_count;
    s.first_ms = j->first_ms;
    s.last_ms = j->last_ms;
    s.memory_bytes = memory_bytes(j);
    static const size_t sizes[] = { sizeof(cx_journey_summary) }; /* per version */
    CX__COPY_VERSIONED(out, &s, sizes);
    return CX_OK;
}

int cx_journey_get_path(uint32_t *touchpoints_out, int64_t *timestamps_out, size_t cap, size_t *len, cx_journey *j,
                        const char *customer_id)
{
    CX__CHECK_ARG(len, "cx_journey_get_path");
    CX__CHECK_ARG(j, "cx_journey_get_path");
    CX__CHECK_ARG(customer_id, "cx_journey_get_path");
    int64_t c = cx__hashmap_find(&j->customers, customer_id, strlen(customer_id));
    if (c < 0)
        return cx__error(CX_ENOTFOUND, "cx_journey_get_path: customer \"%.64s\" has not been observed", customer_id);
    int rc = cx__journey_build(j);
    if (rc != CX_OK)
        return rc;
    size_t start = j->offsets[c], n = j->offsets[c + 1] - start;
    *len = n;
    if ((touchpoints_out != NULL || timestamps_out != NULL) && cap < n)
        return cx__error(CX_EINVAL, "cx_journey_get_path: cap %zu is smaller than the customer's %zu events", cap, n);
    for (size_t i = 0; i < n; i++) {
        if (touchpoints_out != NULL)
            touchpoints_out[i] = cx__ev_tp(j->ev[start + i]);
        if (timestamps_out != NULL)
            timestamps_out[i] = cx__ev_ts(j->ev[start + i]);
    }
    return CX_OK;
}

/* ---- experience -------------------------------------------------------- */

typedef struct outcome_batch {
    const char **segments;
    int64_t *timestamps;
    double *values;
} outcome_batch;

/* Checks each outcome on a scratch calculator, so a bad one is reported
 * with its customer, touchpoint and time rather than a batch index. */
static int check_outcomes(const cx_journey *j, const cx__jview *v, cx_metric_kind kind,
                          const cx_metric_options *metric_opts)
{
    cx_metric *scratch = NULL;
    int rc = cx_metric_new(&scratch, kind, metric_opts);
    for (size_t o = 0; o < j->outcome_count && rc == CX_OK; o++) {
        const cx__joutcome *x = &j->outcomes[o];
        rc = cx_metric_add(scratch, x->value);
        if (rc == CX_ERANGE) {
            char reason[256]; /* the message buffer is rewritten below */
            snprintf(reason, sizeof reason, "%s", cx_last_error());
            rc = cx__error(rc, "outcome of customer \"%.64s\" at touchpoint \"%.64s\" (%lld ms): %s",
                           cx__hashmap_key(&j->customers, x->customer, NULL), v->tp_names[x->touchpoint],
                           (long long)x->ts, reason);
        }
    }
    cx_metric_free(scratch);
    return rc;
}

int cx_journey_experience(cx_group **out, cx_journey *j, cx_journey_level by, cx_metric_kind kind,
                          const cx_metric_options *metric_opts, const cx_group_options *group_opts)
{
    CX__CHECK_ARG(out, "cx_journey_experience");
    *out = NULL;
    CX__CHECK_ARG(j, "cx_journey_experience");
    int rc = cx__check_level(by, true, "cx_journey_experience");
    cx_group *g = NULL;
    if (rc != CX_OK || (rc = cx_group_new(&g, kind, metric_opts, group_opts)) != CX_OK)
        return rc;
    cx__jview v;
    if ((rc = cx__jview_open(&v, j)) != CX_OK) {
        cx_group_free(g);
        return rc;
    }
    rc = check_outcomes(j, &v, kind, metric_opts);
    size_t n = j->outcome_count;
    outcome_batch b = { cx__reallocarray(NULL, n + 1, sizeof(char *)), cx__reallocarray(NULL, n + 1, sizeof(int64_t)),
                        cx__reallocarray(NULL, n + 1, sizeof(double)) };
    if (rc == CX_OK && (!b.segments || !b.timestamps || !b.values))
        rc = cx__nomem("grouping outcomes");
    for (size_t o = 0; o < n && rc == CX_OK; o++) {
        uint32_t node = cx__jview_node(&v, by, j->outcomes[o].touchpoint);
        b.segments[o] = node == CX__NO_NODE ? "" : cx__jview_node_name(&v, by, node);
        b.timestamps[o] = j->outcomes[o].ts;
        b.values[o] = j->outcomes[o].value;
    }
    if (rc == CX_OK)
        rc = cx_group_add_many(g, b.segments, b.timestamps, b.values, n);
    cx__free(b.segments);
    cx__free(b.timestamps);
    cx__free(b.values);
    cx__jview_close(&v);
    if (rc != CX_OK) {
        cx_group_free(g);
        return rc;
    }
    *out = g;
    return CX_OK;
}
