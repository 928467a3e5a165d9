/*
 * Alerts with hysteresis: a customer's alert is raised when its score
 * reaches the level and cleared only below level - hysteresis. An update
 * runs every callback before it changes any state, so a callback that
 * aborts leaves the alert exactly as it was (and the crossings are reported
 * again by the next update).
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "cx/risk.h"

struct cx_risk_alert {
    double level, hysteresis;
    cx_risk_alert_fn fn;
    void *payload;
    void (*destroy)(void *payload);
    uint8_t *raised;           /* per record */
    size_t count;              /* records followed */
};

int cx_risk_alert_new(cx_risk_alert **out, double level, double hysteresis, cx_risk_alert_fn fn, void *payload,
                      void (*destroy)(void *payload))
{
    CX__CHECK_ARG(out, "cx_risk_alert_new");
    *out = NULL;
    CX__CHECK_ARG(fn, "cx_risk_alert_new");
    if (!(level > 0 && level <= 1))
        return cx__error(CX_ERANGE, "cx_risk_alert_new: level %g is outside (0, 1]", level);
    if (!(hysteresis >= 0 && hysteresis < level))
        return cx__error(CX_ERANGE, "cx_risk_alert_new: hysteresis %g must be in [0, level %g)", hysteresis, level);
    cx_risk_alert *a = cx__calloc(1, sizeof *a);
    if (a == NULL)
        return cx__nomem("creating an alert");
    a->level = level;
    a->hysteresis = hysteresis;
    a->fn = fn;
    a->payload = payload;
    a->destroy = destroy;
    *out = a;
    return CX_OK;
}

void cx_risk_alert_free(cx_risk_alert *alert)
{
    if (alert == NULL)
        return;
    if (alert->destroy)
        alert->destroy(alert->payload);
    cx__free(alert->raised);
    cx__free(alert);
}

/* 1 raise, -1 clear, 0 no change. */
static int crossing(const cx_risk_alert *a, size_t i, double score)
{
    if (isnan(score))
        return 0;
    if (!a->raised[i])
        return score >= a->level ? 1 : 0;
    return score < a->level - a->hysteresis ? -1 : 0;
}

static int check_scores(const cx_risk_alert *a, const cx_customers *db, const double *scores, size_t n)
{
    size_t records;
    cx_customers_count(&records, db);
    if (n != records)
        return cx__error(CX_EINVAL, "cx_risk_alert_update: %zu scores for a set of %zu records", n, records);
    if (n < a->count)
        return cx__error(CX_EINVAL, "cx_risk_alert_update: %zu scores, but the alert already follows %zu records "
                         "(another customer set?)", n, a->count);
    for (size_t i = 0; i < n; i++)
        if (!isnan(scores[i]) && !(scores[i] >= 0 && scores[i] <= 1))
            return cx__error(CX_ERANGE, "cx_risk_alert_update: scores[%zu] = %g is outside 0..1", i, scores[i]);
    return CX_OK;
}

static int grow(cx_risk_alert *a, size_t n)
{
    if (n <= a->count && a->raised != NULL)
        return CX_OK;
    uint8_t *r = cx__realloc(a->raised, n ? n : 1);
    if (r == NULL)
        return cx__nomem("following more customers");
    memset(r + a->count, 0, n - a->count);
    a->raised = r;
    a->count = n;
    return CX_OK;
}

int cx_risk_alert_update(cx_risk_alert *alert, const cx_customers *db, const double *scores, size_t n,
                         int64_t as_of_ms)
{
    CX__CHECK_ARG(alert, "cx_risk_alert_update");
    CX__CHECK_ARG(db, "cx_risk_alert_update");
    if (n > 0)
        CX__CHECK_ARG(scores, "cx_risk_alert_update");
    int rc = check_scores(alert, db, scores, n);
    if (rc == CX_OK)
        rc = grow(alert, n);
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        int c = crossing(alert, i, scores[i]);
        if (c == 0)
            continue;
        cx_risk_alert_event ev = { CX_RISK_ALERT_EVENT_VERSION, NULL, i, scores[i], c > 0, as_of_ms };
        cx_customers_get_id(&ev.customer_id, db, i);
        int status = alert->fn(&ev, alert->payload);
        if (status != CX_OK)
            rc = cx__error(status < 0 ? status : CX_EINVAL, "cx_risk_alert_update: the alert callback returned %d for "
                           "customer \"%.64s\"; no alert state was changed", status, ev.customer_id);
    }
    if (rc != CX_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        int c = crossing(alert, i, scores[i]);
        if (c != 0)
            alert->raised[i] = c > 0;
    }
    return CX_OK;
}

int cx_risk_alert_is_raised(int *out, const cx_risk_alert *alert, size_t index)
{
    CX__CHECK_ARG(out, "cx_risk_alert_is_raised");
    CX__CHECK_ARG(alert, "cx_risk_alert_is_raised");
    *out = index < alert->count ? alert->raised[index] : 0;
    return CX_OK;
}
