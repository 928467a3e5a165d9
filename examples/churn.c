/*
 * Churn risk in a few steps: customers and their events, an identity merge,
 * scores with reasons, the customers most at risk, a segment, and (given
 * its path as the first argument) the example plugin's rules.
 *
 *   example_churn [path/to/libcx_example_rules.so]
 */
#include <stdio.h>

#include <cx/cx.h>

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01 */

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, cx_last_error());
    return 1;
}

static int record_events(cx_customers *db)
{
    const char *ids[] = { "ana", "ana", "ana", "ana", "ana", "ana", "ben", "ben", "ben", "web-7731", "cleo" };
    const int64_t t[] = { T0, T0 + 20 * DAY, T0 + 40 * DAY, T0 + 41 * DAY, T0 + 45 * DAY, T0 + 46 * DAY,
                          T0 + 2 * DAY, T0 + 30 * DAY, T0 + 88 * DAY, T0 + 60 * DAY, T0 + 85 * DAY };
    const cx_event_kind k[] = { CX_EVENT_PURCHASE, CX_EVENT_PURCHASE, CX_EVENT_PURCHASE, CX_EVENT_COMPLAINT,
                                CX_EVENT_COMPLAINT, CX_EVENT_NPS, CX_EVENT_INTERACTION, CX_EVENT_PURCHASE,
                                CX_EVENT_CSAT, CX_EVENT_SENTIMENT, CX_EVENT_INTERACTION };
    const double v[] = { 80, 75, 90, 0, 0, 3, 0, 40, 5, -0.7, 0 };
    return cx_customers_add_events(db, ids, t, k, v, sizeof ids / sizeof ids[0]);
}

static int explain(const cx_risk *risk, const cx_customers *db, const char *id, int64_t now)
{
    cx_risk_explanation *e = NULL;
    if (cx_risk_explain(&e, risk, db, id, now) != CX_OK)
        return fail("cx_risk_explain");
    cx_risk_result r = CX_RISK_RESULT_INIT;
    size_t n = 0;
    cx_risk_explanation_get_result(&r, e);
    cx_risk_explanation_count(&n, e);
    printf("%s: risk %.2f\n", id, r.score);
    for (size_t i = 0; i < n; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        cx_risk_explanation_get(&ev, e, i);
        if (ev.status == CX_OK && ev.contribution > 0)
            printf("  %s (+%.2f)\n", ev.detail, ev.contribution);
    }
    cx_risk_explanation_free(e);
    return 0;
}

int main(int argc, char **argv)
{
    int64_t now = T0 + 90 * DAY;
    cx_customers *db = NULL;
    cx_risk *risk = NULL;
    cx_segments *segments = NULL;
    const char *ids[] = { "ana", "ben", "web-7731", "cleo" };
    cx_attribute_def vip = CX_ATTRIBUTE_DEF_INIT;
    vip.name = "vip";
    vip.type = CX_ATTR_BOOL;
    if (cx_customers_new(&db, NULL) != CX_OK || cx_customers_add_many(db, ids, NULL, 4) != CX_OK
        || cx_customers_define_attribute(db, &vip) != CX_OK || cx_customers_set_bool(db, "cleo", "vip", 1, T0) != CX_OK)
        return fail("setting up customers");
    if (record_events(db) != CX_OK)
        return fail("cx_customers_add_events");
    /* The anonymous web visitor turns out to be ben. */
    if (cx_customers_merge(db, "ben", "web-7731", now) != CX_OK)
        return fail("cx_customers_merge");

    if (cx_risk_new(&risk, NULL) != CX_OK)
        return fail("cx_risk_new");
    if (argc > 1) {
        cx_plugin *plugin = NULL;
        if (cx_plugin_load(&plugin, argv[1]) != CX_OK || cx_risk_add_plugin(risk, plugin) != CX_OK)
            return fail("loading the plugin");
        cx_plugin_free(plugin);
    }
    size_t top[3], len = 0;
    double scores[3];
    if (cx_risk_top(top, scores, 3, &len, risk, db, now) != CX_OK)
        return fail("cx_risk_top");
    for (size_t i = 0; i < len; i++) {
        const char *id;
        cx_customers_get_id(&id, db, top[i]);
        if (explain(risk, db, id, now) != 0)
            return 1;
    }

    uint8_t member[4];
    if (cx_segments_new(&segments) != CX_OK
        || cx_segments_define(segments, "quiet-vips", "attr.vip and recency_days > 3") != CX_OK
        || cx_segments_evaluate(member, 4, segments, "quiet-vips", db, now) != CX_OK)
        return fail("segments");
    printf("quiet VIPs:");
    for (size_t i = 0; i < 4; i++)
        if (member[i])
            printf(" %s", ids[i]);
    printf("\n");
    cx_segments_free(segments);
    cx_risk_free(risk);
    cx_customers_free(db);
    return 0;
}
