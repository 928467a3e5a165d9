/* Store tickets as cx/service.h timelines (see tickets.h and docs/cli.md). */
#include "tickets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void timeline_free(timeline *tl)
{
    free(tl->events);
    tl->events = NULL;
    tl->n = tl->cap = 0;
}

static int64_t seconds_of(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static int push(timeline *tl, int64_t ms, cx_ticket_event_type type, int32_t value, uint32_t flags)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 32;
        cx_ticket_event *grown = realloc(tl->events, cap * sizeof *grown);
        if (grown == NULL)
            return CX_ENOMEM;
        tl->events = grown;
        tl->cap = cap;
    }
    tl->events[tl->n++] = (cx_ticket_event){ seconds_of(ms), (int32_t)type, value, flags, 0 };
    return CX_OK;
}

/* Where the ticket stands while its events are read. */
typedef struct state {
    int status;         /* cx_ticket_status */
    bool resolved_once; /* an event resolved or closed it */
    bool ended;         /* closed: nothing may follow */
} state;

/* The timeline event of one store event; CX_EEXISTS when it has none (a
 * second resolution, a reopening of an unresolved ticket, anything after
 * the closing). */
static int map_event(timeline *tl, state *s, const cx_store_ticket_event *e)
{
    if (s->ended)
        return CX_EEXISTS;
    int64_t t = e->timestamp_ms;
    switch (e->kind) {
    case CX_STORE_TICKET_EVENT_OPENED:
    case CX_STORE_TICKET_EVENT_CUSTOMER_MESSAGE: return push(tl, t, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0);
    case CX_STORE_TICKET_EVENT_AGENT_REPLY: {
        bool bot = e->author != NULL && strcasecmp(e->author, "bot") == 0;
        return push(tl, t, CX_EVENT_MESSAGE, bot ? CX_AUTHOR_BOT : CX_AUTHOR_AGENT, 0);
    }
    case CX_STORE_TICKET_EVENT_NOTE: return push(tl, t, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, CX_EVENT_PRIVATE);
    case CX_STORE_TICKET_EVENT_RESOLVED:
        if (s->status == CX_STATUS_SOLVED)
            return CX_EEXISTS;
        s->status = CX_STATUS_SOLVED;
        s->resolved_once = true;
        return push(tl, t, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0);
    case CX_STORE_TICKET_EVENT_REOPENED:
        if (s->status != CX_STATUS_SOLVED)
            return CX_EEXISTS;
        s->status = CX_STATUS_REOPENED;
        return push(tl, t, CX_EVENT_STATUS, CX_STATUS_REOPENED, 0);
    case CX_STORE_TICKET_EVENT_CLOSED:
        s->status = CX_STATUS_CLOSED;
        s->resolved_once = s->ended = true;
        return push(tl, t, CX_EVENT_STATUS, CX_STATUS_CLOSED, 0);
    default: return CX_EEXISTS;
    }
}

int timeline_build(timeline *tl, const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n)
{
    tl->n = tl->ignored = 0;
    int64_t created = t->opened_ms != CX_STORE_NO_TIME ? t->opened_ms : n > 0 ? ev[0].timestamp_ms : CX_STORE_NO_TIME;
    if (created == CX_STORE_NO_TIME)
        return CX_EEMPTY;
    int rc = push(tl, created, CX_EVENT_CREATED, 0, 0);
    state s = { CX_STATUS_NEW, false, false };
    int64_t last = created;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        rc = ev[i].timestamp_ms < created ? CX_EEXISTS : map_event(tl, &s, &ev[i]);
        if (rc == CX_EEXISTS) {
            tl->ignored++;
            rc = CX_OK;
        } else {
            last = ev[i].timestamp_ms;
        }
    }
    /* The row's resolution counts when no event resolved the ticket. */
    if (rc == CX_OK && !s.resolved_once && t->resolved_ms != CX_STORE_NO_TIME && t->resolved_ms >= last)
        rc = push(tl, t->resolved_ms, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0);
    return rc;
}

cx_ticket_priority ticket_priority(const char *name)
{
    static const struct {
        const char *name;
        cx_ticket_priority priority;
    } names[] = { { "low", CX_PRIORITY_LOW },   { "normal", CX_PRIORITY_NORMAL }, { "medium", CX_PRIORITY_NORMAL },
                  { "high", CX_PRIORITY_HIGH }, { "urgent", CX_PRIORITY_URGENT } };
    for (size_t i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return names[i].priority;
    return CX_PRIORITY_NORMAL;
}

/* ---- SLA policies as text ------------------------------------------------------ */

static const char *const priority_names[4] = { "low", "normal", "high", "urgent" };

/* first_reply[.PRIORITY]=DURATION */
static bool set_target(cx_sla_policy *p, const char *key, const char *value, char *why, size_t size)
{
    static const char *const targets[3] = { "first_reply", "next_reply", "resolution" };
    int64_t *slots[3] = { p->first_reply, p->next_reply, p->resolution };
    const char *dot = strchr(key, '.');
    size_t len = dot ? (size_t)(dot - key) : strlen(key);
    int target = -1, priority = -1;
    for (int i = 0; i < 3; i++)
        if (strlen(targets[i]) == len && strncmp(key, targets[i], len) == 0)
            target = i;
    for (int i = 0; dot != NULL && i < 4; i++)
        if (strcmp(dot + 1, priority_names[i]) == 0)
            priority = i;
    if (target < 0 || (dot != NULL && priority < 0)) {
        snprintf(why, size, "unknown SLA key \"%s\" (first_reply, next_reply or resolution, optionally with "
                            ".low, .normal, .high or .urgent; hours; pause)", key);
        return false;
    }
    int64_t seconds;
    if (!cli_parse_seconds(value, &seconds) || seconds <= 0) {
        snprintf(why, size, "SLA target %s=%s is not a positive duration (3600, 30m, 4h, 2d)", key, value);
        return false;
    }
    for (int i = 0; i < 4; i++)
        if (priority < 0 || priority == i)
            slots[target][i] = seconds;
    return true;
}

static bool set_pair(cx_sla_policy *p, char *pair, char *why, size_t size)
{
    char *eq = strchr(pair, '=');
    if (eq == NULL) {
        snprintf(why, size, "SLA item \"%s\" is not KEY=VALUE", pair);
        return false;
    }
    *eq = '\0';
    const char *key = pair, *value = eq + 1;
    if (strcmp(key, "hours") == 0) {
        if (strcmp(value, "business") != 0 && strcmp(value, "calendar") != 0) {
            snprintf(why, size, "SLA hours=%s is not business or calendar", value);
            return false;
        }
        p->business_hours = strcmp(value, "business") == 0;
        return true;
    }
    if (strcmp(key, "pause") == 0) {
        /* the status names of the definition option `pause` */
        cx_service_definition d = CX_SERVICE_DEFINITION_INIT;
        if (cx_service_definition_set(&d, "pause", value) != CX_OK) {
            snprintf(why, size, "SLA pause: %s", cx_last_error());
            return false;
        }
        p->pause_statuses = d.pause_statuses;
        return true;
    }
    return set_target(p, key, value, why, size);
}

bool sla_parse(cx_sla_policy *out, const char *text, bool business, char *why, size_t why_size)
{
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    p.business_hours = business;
    char *copy = strdup(text), *save = NULL;
    if (copy == NULL) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    bool ok = true, any = false;
    for (char *pair = strtok_r(copy, ";\n\r", &save); ok && pair != NULL; pair = strtok_r(NULL, ";\n\r", &save)) {
        pair += strspn(pair, " \t");
        size_t len = strlen(pair);
        while (len > 0 && (pair[len - 1] == ' ' || pair[len - 1] == '\t'))
            pair[--len] = '\0';
        if (*pair == '\0' || *pair == '#')
            continue;
        ok = set_pair(&p, pair, why, why_size);
        any = true;
    }
    free(copy);
    if (ok && !any) {
        snprintf(why, why_size, "the SLA policy is empty (e.g. first_reply=4h;resolution=2d)");
        ok = false;
    }
    if (ok)
        *out = p;
    return ok;
}
