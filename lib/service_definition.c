/*
 * Named definition options of the service metrics, SLA policies, options
 * and metric names.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "service_internal.h"

static const char *const status_names[] = { NULL, "new", "open", "pending", "on_hold", "solved", "closed", "reopened" };
static const char *const metric_names[] = { NULL,          "first_reply",  "next_reply",       "first_resolution",
                                            "full_resolution", "requester_wait", "agent_wait", "on_hold",
                                            "replies",     "reopens",      "reopen_rate",      "one_touch",
                                            "fcr_no_follow_up", "fcr_first_reply" };

#define ALL_STATUSES 0xFEu /* bits 1..7 */

/* ---- structs ------------------------------------------------------------- */

int cx_service_definition_init(cx_service_definition *def, unsigned int version)
{
    CX__CHECK_ARG(def, "cx_service_definition_init");
    int rc = cx__check_version(version, CX_SERVICE_DEFINITION_VERSION, "cx_service_definition");
    if (rc != CX_OK)
        return rc;
    cx_service_definition d = CX_SERVICE_DEFINITION_INIT;
    *def = d;
    def->version = version;
    return CX_OK;
}

int cx_sla_policy_init(cx_sla_policy *policy, unsigned int version)
{
    CX__CHECK_ARG(policy, "cx_sla_policy_init");
    int rc = cx__check_version(version, CX_SLA_POLICY_VERSION, "cx_sla_policy");
    if (rc != CX_OK)
        return rc;
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    *policy = p;
    policy->version = version;
    return CX_OK;
}

int cx_service_options_init(cx_service_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_service_options_init");
    int rc = cx__check_version(version, CX_SERVICE_OPTIONS_VERSION, "cx_service_options");
    if (rc != CX_OK)
        return rc;
    cx_service_options o = CX_SERVICE_OPTIONS_INIT;
    *opts = o;
    opts->version = version;
    return CX_OK;
}

int cx_ticket_metrics_init(cx_ticket_metrics *m, unsigned int version)
{
    CX__CHECK_ARG(m, "cx_ticket_metrics_init");
    int rc = cx__check_version(version, CX_TICKET_METRICS_VERSION, "cx_ticket_metrics");
    if (rc != CX_OK)
        return rc;
    memset(m, 0, sizeof *m);
    m->version = version;
    return CX_OK;
}

int cx_service_counts_init(cx_service_counts *counts, unsigned int version)
{
    CX__CHECK_ARG(counts, "cx_service_counts_init");
    int rc = cx__check_version(version, CX_SERVICE_COUNTS_VERSION, "cx_service_counts");
    if (rc != CX_OK)
        return rc;
    memset(counts, 0, sizeof *counts);
    counts->version = version;
    return CX_OK;
}

/* ---- checks ---------------------------------------------------------------- */

static int check_flag(int v, const char *field)
{
    if (v != 0 && v != 1)
        return cx__error(CX_EINVAL, "cx_service_definition: %s = %d must be 0 or 1", field, v);
    return CX_OK;
}

int cx__service_definition_check(const cx_service_definition *def)
{
    int rc = cx__check_version(def->version, CX_SERVICE_DEFINITION_VERSION, "cx_service_definition");
    if (rc != CX_OK)
        return rc;
    if (def->clock_start != CX_CLOCK_CREATED && def->clock_start != CX_CLOCK_FIRST_CUSTOMER_MESSAGE)
        return cx__error(CX_EINVAL,
                         "cx_service_definition: clock_start %d is not CX_CLOCK_CREATED (1) or "
                         "CX_CLOCK_FIRST_CUSTOMER_MESSAGE (2)",
                         (int)def->clock_start);
    if (def->schedule != CX_SCHEDULE_MULTI_EVENT && def->schedule != CX_SCHEDULE_SINGLE_EVENT)
        return cx__error(CX_EINVAL,
                         "cx_service_definition: schedule %d is not CX_SCHEDULE_MULTI_EVENT (1) or "
                         "CX_SCHEDULE_SINGLE_EVENT (2)",
                         (int)def->schedule);
    if (def->pause_statuses & ~ALL_STATUSES)
        return cx__error(CX_EINVAL, "cx_service_definition: pause_statuses 0x%x has bits beyond the statuses 1..7",
                         (unsigned)def->pause_statuses);
    if ((rc = check_flag(def->count_bot_replies, "count_bot_replies")) != CX_OK
        || (rc = check_flag(def->count_private_notes, "count_private_notes")) != CX_OK)
        return rc;
    return check_flag(def->reopen_resets_first_reply, "reopen_resets_first_reply");
}

static int check_targets(const int64_t *t, const char *name)
{
    for (int i = 0; i < 4; i++)
        if (t[i] < 0)
            return cx__error(CX_EINVAL, "cx_sla_policy: %s[%d] = %lld s is negative (0 means no target)", name, i,
                             (long long)t[i]);
    return CX_OK;
}

int cx__sla_policy_check(const cx_sla_policy *p, bool has_calendar)
{
    int rc = cx__check_version(p->version, CX_SLA_POLICY_VERSION, "cx_sla_policy");
    if (rc != CX_OK)
        return rc;
    if (p->business_hours != 0 && p->business_hours != 1)
        return cx__error(CX_EINVAL, "cx_sla_policy: business_hours = %d must be 0 or 1", p->business_hours);
    if (p->business_hours && !has_calendar)
        return cx__error(CX_EINVAL, "cx_sla_policy: business_hours = 1 needs a calendar; pass one to cx_service_new "
                                    "or set business_hours = 0");
    if (p->pause_statuses & ~ALL_STATUSES)
        return cx__error(CX_EINVAL, "cx_sla_policy: pause_statuses 0x%x has bits beyond the statuses 1..7",
                         (unsigned)p->pause_statuses);
    if ((rc = check_targets(p->first_reply, "first_reply")) != CX_OK
        || (rc = check_targets(p->next_reply, "next_reply")) != CX_OK)
        return rc;
    return check_targets(p->resolution, "resolution");
}

/* ---- named options ----------------------------------------------------------- */

static int parse_pause(const char *value, uint32_t *out)
{
    if (strcmp(value, "none") == 0) {
        *out = 0;
        return CX_OK;
    }
    uint32_t bits = 0;
    const char *p = value;
    while (*p) {
        size_t len = strcspn(p, "+");
        int s = 1;
        while (s <= 7 && !(strlen(status_names[s]) == len && strncmp(p, status_names[s], len) == 0))
            s++;
        if (s > 7 || len == 0)
            return cx__error(CX_ENOTFOUND,
                             "pause: unknown status \"%.*s\" (expected none, or new, open, pending, on_hold, solved, "
                             "closed, reopened joined by '+')",
                             (int)(len > 32 ? 32 : len), p);
        bits |= CX_STATUS_BIT(s);
        p += len;
        if (*p == '+' && *++p == '\0')
            return cx__error(CX_ENOTFOUND, "pause: \"%.64s\" ends with '+'", value);
    }
    *out = bits;
    return CX_OK;
}

static int pick(const char *option, const char *value, const char *a, const char *b, int *out)
{
    if (strcmp(value, a) == 0)
        *out = 0;
    else if (strcmp(value, b) == 0)
        *out = 1;
    else
        return cx__error(CX_ENOTFOUND, "%s: unknown value \"%.64s\" (expected %s or %s)", option, value, a, b);
    return CX_OK;
}

int cx_service_definition_set(cx_service_definition *def, const char *option, const char *value)
{
    CX__CHECK_ARG(def, "cx_service_definition_set");
    CX__CHECK_ARG(option, "cx_service_definition_set");
    CX__CHECK_ARG(value, "cx_service_definition_set");
    int rc = cx__check_version(def->version, CX_SERVICE_DEFINITION_VERSION, "cx_service_definition");
    if (rc != CX_OK)
        return rc;
    int v = 0;
    if (strcmp(option, "clock_start") == 0) {
        if ((rc = pick(option, value, "created", "first_customer_message", &v)) == CX_OK)
            def->clock_start = v ? CX_CLOCK_FIRST_CUSTOMER_MESSAGE : CX_CLOCK_CREATED;
    } else if (strcmp(option, "bot_replies") == 0) {
        if ((rc = pick(option, value, "ignore", "count", &v)) == CX_OK)
            def->count_bot_replies = v;
    } else if (strcmp(option, "private_notes") == 0) {
        if ((rc = pick(option, value, "ignore", "count", &v)) == CX_OK)
            def->count_private_notes = v;
    } else if (strcmp(option, "reopen") == 0) {
        if ((rc = pick(option, value, "keeps_first_reply", "resets_first_reply", &v)) == CX_OK)
            def->reopen_resets_first_reply = v;
    } else if (strcmp(option, "schedule") == 0) {
        if ((rc = pick(option, value, "multi_event", "single_event", &v)) == CX_OK)
            def->schedule = v ? CX_SCHEDULE_SINGLE_EVENT : CX_SCHEDULE_MULTI_EVENT;
    } else if (strcmp(option, "pause") == 0) {
        uint32_t bits = 0;
        if ((rc = parse_pause(value, &bits)) == CX_OK)
            def->pause_statuses = bits;
    } else {
        rc = cx__error(CX_ENOTFOUND,
                       "unknown definition option \"%.64s\" (expected clock_start, bot_replies, private_notes, reopen, "
                       "pause or schedule)",
                       option);
    }
    return rc;
}

int cx_service_definition_parse(cx_service_definition *def, const char *text)
{
    CX__CHECK_ARG(def, "cx_service_definition_parse");
    CX__CHECK_ARG(text, "cx_service_definition_parse");
    int rc = cx__check_version(def->version, CX_SERVICE_DEFINITION_VERSION, "cx_service_definition");
    if (rc != CX_OK)
        return rc;
    cx_service_definition work = *def;
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ";");
        char pair[128];
        if (len >= sizeof pair)
            return cx__error(CX_EFORMAT, "definition \"%.64s\": a pair is longer than %zu bytes", text, sizeof pair - 1);
        memcpy(pair, p, len);
        pair[len] = '\0';
        p += len + (p[len] == ';');
        if (len == 0)
            continue;
        char *eq = strchr(pair, '=');
        if (eq == NULL)
            return cx__error(CX_EFORMAT, "definition: \"%s\" is not option=value", pair);
        *eq = '\0';
        if ((rc = cx_service_definition_set(&work, pair, eq + 1)) != CX_OK)
            return rc;
    }
    *def = work;
    return CX_OK;
}

static int describe_pause(cx_buffer *out, uint32_t bits)
{
    if (bits == 0)
        return cx__buffer_append(out, "none", 4);
    int rc = CX_OK;
    bool first = true;
    for (int s = 1; s <= 7 && rc == CX_OK; s++) {
        if (bits & CX_STATUS_BIT(s)) {
            rc = cx__buffer_printf(out, "%s%s", first ? "" : "+", status_names[s]);
            first = false;
        }
    }
    return rc;
}

int cx_service_definition_describe(cx_buffer *out, const cx_service_definition *def)
{
    CX__CHECK_ARG(out, "cx_service_definition_describe");
    CX__CHECK_ARG(def, "cx_service_definition_describe");
    int rc = cx__service_definition_check(def);
    if (rc != CX_OK)
        return rc;
    cx_buffer work = CX_BUFFER_INIT;
    rc = cx__buffer_printf(&work, "clock_start=%s;bot_replies=%s;private_notes=%s;reopen=%s;pause=",
                           def->clock_start == CX_CLOCK_CREATED ? "created" : "first_customer_message",
                           def->count_bot_replies ? "count" : "ignore", def->count_private_notes ? "count" : "ignore",
                           def->reopen_resets_first_reply ? "resets_first_reply" : "keeps_first_reply");
    if (rc == CX_OK)
        rc = describe_pause(&work, def->pause_statuses);
    if (rc == CX_OK)
        rc = cx__buffer_printf(&work, ";schedule=%s",
                               def->schedule == CX_SCHEDULE_MULTI_EVENT ? "multi_event" : "single_event");
    if (rc == CX_OK)
        rc = cx__buffer_append(out, work.data, work.size);
    cx_buffer_dispose(&work);
    return rc;
}

/* ---- metric names -------------------------------------------------------------- */

const char *cx_service_metric_name(cx_service_metric metric)
{
    return metric >= CX_SERVICE_FIRST_REPLY && metric <= CX_SERVICE_FCR_FIRST_REPLY ? metric_names[metric] : NULL;
}

int cx_service_metric_from_name(cx_service_metric *out, const char *name)
{
    CX__CHECK_ARG(out, "cx_service_metric_from_name");
    CX__CHECK_ARG(name, "cx_service_metric_from_name");
    for (int m = 1; m <= CX__SERVICE_METRICS; m++) {
        if (strcmp(name, metric_names[m]) == 0) {
            *out = (cx_service_metric)m;
            return CX_OK;
        }
    }
    return cx__error(CX_ENOTFOUND, "unknown service metric \"%.64s\" (expected first_reply, next_reply, "
                                   "first_resolution, full_resolution, requester_wait, agent_wait, on_hold, replies, "
                                   "reopens, reopen_rate, one_touch, fcr_no_follow_up or fcr_first_reply)",
                     name);
}
