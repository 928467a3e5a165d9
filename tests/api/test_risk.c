/*
 * Black-box tests of churn-risk models: the built-in rules, weights, decay,
 * replay, explanations, isolation of failing rules, top-k and alerts.
 *
 * Expected scores come from tests/reference/customer_reference.py ("ref:
 * NAME" names its output line), which recomputes signals, rule values and
 * the weighted mean from docs/scoring.md; small cases are worked by hand.
 */
#include <time.h>

#include "harness.h"

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define AT(d) (T0 + (int64_t)((d) * (double)DAY))
#define assert_rel(actual, expected) assert_close((actual), (expected), 1e-6 * fabs((double)(expected)) + 1e-9)

typedef struct timed_event {
    double day;
    cx_event_kind kind;
    double value;
} timed_event;

/* The timelines of the reference script. */
static const timed_event alice[] = {
    { 0, CX_EVENT_PURCHASE, 100 }, { 10, CX_EVENT_INTERACTION, 0 }, { 20, CX_EVENT_PURCHASE, 50 },
    { 30, CX_EVENT_REPLY, 3600 }, { 35, CX_EVENT_COMPLAINT, 0 }, { 40, CX_EVENT_REPLY, 7200 },
    { 45, CX_EVENT_PURCHASE, 80 }, { 50, CX_EVENT_COMPLAINT, 0 }, { 52, CX_EVENT_COMPLAINT_RESOLVED, 0 },
    { 55, CX_EVENT_NPS, 4 }, { 56, CX_EVENT_CSAT, 2 }, { 57, CX_EVENT_CES, 3 }, { 58, CX_EVENT_SENTIMENT, -0.5 },
    { 60, CX_EVENT_REPLY, 14400 }, { 61, CX_EVENT_NPS, 9 }, { 62, CX_EVENT_CSAT, 4 }, { 63, CX_EVENT_SENTIMENT, 0.2 },
};
static const timed_event carol[] = {
    { 0, CX_EVENT_INTERACTION, 0 }, { 60, CX_EVENT_COMPLAINT, 0 }, { 70, CX_EVENT_COMPLAINT, 0 },
    { 80, CX_EVENT_COMPLAINT, 0 },
};
static const timed_event dave[] = { { 0, CX_EVENT_NPS, 2 } };

#define COUNT(a) (sizeof a / sizeof a[0])

static void feed(cx_customers *db, const char *id, const timed_event *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_ok(cx_customers_add_event(db, id, AT(e[i].day), e[i].kind, e[i].value));
}

/* erin: visits every 4 days to day 116, replies slowing down, purchases
 * every 20 days that stop at day 60, one negative comment, one hard CES. */
static void feed_erin(cx_customers *db, const char *id)
{
    for (int d = 0; d < 120; d += 4)
        assert_ok(cx_customers_add_event(db, id, AT(d), CX_EVENT_INTERACTION, 0));
    const timed_event rest[] = {
        { 10, CX_EVENT_REPLY, 600 }, { 40, CX_EVENT_REPLY, 600 }, { 70, CX_EVENT_REPLY, 600 },
        { 110, CX_EVENT_REPLY, 3000 }, { 115, CX_EVENT_REPLY, 3000 }, { 0, CX_EVENT_PURCHASE, 30 },
        { 20, CX_EVENT_PURCHASE, 30 }, { 40, CX_EVENT_PURCHASE, 30 }, { 60, CX_EVENT_PURCHASE, 30 },
        { 100, CX_EVENT_SENTIMENT, -0.8 }, { 105, CX_EVENT_CES, 2 },
    };
    feed(db, id, rest, COUNT(rest));
}

static cx_customers *fixtures(int history)
{
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.keep_history = history;
    cx_customers *db = NULL;
    assert_ok(cx_customers_new(&db, &o));
    assert_ok(cx_customers_add(db, "alice", AT(0)));
    const char *ids[] = { "carol", "dave", "erin" };
    assert_ok(cx_customers_add_many(db, ids, NULL, 3));
    feed(db, "alice", alice, COUNT(alice));
    feed(db, "carol", carol, COUNT(carol));
    feed(db, "dave", dave, COUNT(dave));
    feed_erin(db, "erin");
    return db;
}

static cx_risk *new_risk(const cx_risk_options *o)
{
    cx_risk *risk = NULL;
    assert_ok(cx_risk_new(&risk, o));
    return risk;
}

static double score_of(const cx_risk *risk, const cx_customers *db, const char *id, double day)
{
    cx_risk_result r = CX_RISK_RESULT_INIT;
    assert_ok(cx_risk_score(&r, risk, db, id, AT(day)));
    return r.score;
}

static cx_risk_evidence evidence_of(const cx_risk_explanation *e, const char *rule)
{
    size_t n;
    assert_ok(cx_risk_explanation_count(&n, e));
    for (size_t i = 0; i < n; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        assert_ok(cx_risk_explanation_get(&ev, e, i));
        if (strcmp(ev.rule_id, rule) == 0)
            return ev;
    }
    fail_msg("no evidence for rule %s", rule);
    return (cx_risk_evidence)CX_RISK_EVIDENCE_INIT;
}

/* ---- built-in rules ---------------------------------------------------------- */

static void test_risk_builtin_scores(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_risk *risk = new_risk(NULL);
    size_t n;
    assert_ok(cx_risk_rule_count(&n, risk));
    assert_int_equal(n, 8);
    assert_rel(score_of(risk, db, "alice", 90), 0.235737655141); /* ref: risk_alice */
    assert_rel(score_of(risk, db, "carol", 90), 0.231468678072); /* ref: risk_carol */
    /* dave, by hand: only the NPS rule has evidence, a detractor (1) 90 days
     * old at a 90-day half-life: 0.15 * 1 * 0.5 / 1 = 0.075. ref: risk_dave */
    assert_close(score_of(risk, db, "dave", 90), 0.075, 1e-12);
    assert_rel(score_of(risk, db, "erin", 130), 0.259553147503); /* ref: risk_erin */

    cx_risk_result r = CX_RISK_RESULT_INIT;
    assert_ok(cx_risk_score(&r, risk, db, "erin", AT(130)));
    assert_int_equal(r.rules, 8);
    assert_int_equal(r.failed, 0);
    assert_close(r.total_weight, 1.0, 1e-12);
    assert_int_equal(r.as_of_ms, AT(130));
    assert_status(cx_risk_score(&r, risk, db, "zed", AT(130)), CX_ENOTFOUND);
    r.version = 0;
    assert_status(cx_risk_score(&r, risk, db, "erin", AT(130)), CX_EINVAL);
    cx_risk_free(risk);
    cx_customers_free(db);
}

static void test_risk_explanation(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_risk *risk = new_risk(NULL);
    cx_risk_explanation *e = NULL;
    assert_ok(cx_risk_explain(&e, risk, db, "erin", AT(130)));
    cx_risk_result r = CX_RISK_RESULT_INIT;
    assert_ok(cx_risk_explanation_get_result(&r, e));
    assert_rel(r.score, 0.259553147503);
    /* ref: risk_erin, contributions sorted: purchases 0.1, sentiment 0.0635,
     * interactions 0.0452, CES 0.0309, replies 0.0199, then the zeros in model order. */
    static const char *const order[] = { "purchases.overdue", "sentiment.negative", "interactions.drop",
                                         "ces.high_effort", "replies.slower", "complaints.open", "nps.detractor",
                                         "csat.low" };
    static const double parts[] = { 0.1, 0.0634960420787, 0.0451852325346, 0.0309322722876, 0.0199396006022, 0, 0, 0 };
    size_t n;
    double sum = 0;
    assert_ok(cx_risk_explanation_count(&n, e));
    assert_int_equal(n, 8);
    for (size_t i = 0; i < n; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        assert_ok(cx_risk_explanation_get(&ev, e, i));
        assert_string_equal(ev.rule_id, order[i]);
        assert_int_equal(ev.status, CX_OK);
        assert_close(ev.contribution, parts[i], 1e-6 * parts[i] + 1e-9);
        sum += ev.contribution;
    }
    assert_close(sum, r.score, 1e-12); /* contributions add up to the score */

    /* Evidence details; figures from ref: erin_day130. */
    cx_risk_evidence ev = evidence_of(e, "purchases.overdue");
    assert_close(ev.input, 3.5, 1e-12);
    assert_close(ev.reference, 20, 1e-12);
    assert_close(ev.value, 1, 0);
    assert_close(ev.weight, 0.10, 0);
    assert_close(ev.decay, 1, 0);
    assert_string_equal(ev.detail, "purchase interval 3.5x the usual (70 days vs 20)");
    ev = evidence_of(e, "sentiment.negative");
    assert_rel(ev.input, -0.8);
    assert_int_equal(ev.evidence_ms, AT(100));
    /* By hand: 2^(-30/90) = 0.793700526 */
    assert_close(ev.decay, 0.7937005259840998, 1e-12);
    assert_string_equal(ev.detail, "recent sentiment -0.80 (baseline -0.80)");
    ev = evidence_of(e, "interactions.drop");
    assert_rel(ev.input, 0.830555377995);
    ev = evidence_of(e, "replies.slower");
    assert_rel(ev.input, 1.39879201204);
    ev = evidence_of(e, "ces.high_effort");
    assert_string_equal(ev.detail, "recent CES 2.0 on 1..7 (easy from 5)");
    ev = evidence_of(e, "complaints.open");
    assert_string_equal(ev.detail, "no unresolved complaint");
    assert_true(isnan(ev.reference));
    assert_int_equal(ev.evidence_ms, CX_TIME_NONE);

    cx_buffer json = CX_BUFFER_INIT;
    assert_ok(cx_risk_explanation_to_json(&json, e));
    assert_non_null(strstr(json.data, "{\"customer\":\"erin\",\"as_of_ms\":1778457600000,\"score\":0.2595531"));
    assert_non_null(strstr(json.data, "\"evidence\":[{\"rule\":\"purchases.overdue\",\"status\":null,\"value\":1,"));
    assert_non_null(strstr(json.data, "\"reference\":null,\"evidence_ms\":null,\"detail\":\"no unresolved complaint\"}"));
    assert_int_equal(json.data[json.size - 1], '}');
    cx_buffer_dispose(&json);
    cx_risk_explanation_free(e);

    /* carol: "3 unresolved complaints", faded from her latest complaint. */
    assert_ok(cx_risk_explain(&e, risk, db, "carol", AT(90)));
    ev = evidence_of(e, "complaints.open");
    assert_string_equal(ev.detail, "3 unresolved complaints");
    assert_close(ev.value, 1, 0);
    assert_close(ev.decay, pow(2, -10.0 / 90), 1e-12); /* by hand: 10 days at a 90-day half-life */
    cx_risk_explanation_get(&ev, e, 0);
    assert_string_equal(ev.rule_id, "complaints.open");
    assert_status(cx_risk_explanation_get(&ev, e, 8), CX_ENOTFOUND);
    assert_error_mentions("cx_risk_explanation_get: entry 8 is past the end (8 entries)");
    assert_string_equal(ev.rule_id, "complaints.open"); /* left as it was */
    ev.version = CX_RISK_EVIDENCE_VERSION + 1;
    assert_status(cx_risk_explanation_get(&ev, e, 0), CX_EVERSION);
    ev.version = CX_RISK_EVIDENCE_VERSION;
    cx_risk_explanation_free(e);
    assert_status(cx_risk_explain(&e, risk, db, "zed", AT(90)), CX_ENOTFOUND);
    assert_null(e);
    cx_risk_explanation_free(NULL);
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* ---- weights, decay, replay -------------------------------------------------- */

static void test_risk_weights(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_risk *risk = new_risk(NULL);
    const char *ids[] = { "complaints.open", "interactions.drop" };
    const double w[] = { 0.0, 0.5 };
    assert_ok(cx_risk_set_weights(risk, ids, w, 2));
    assert_rel(score_of(risk, db, "erin", 130), 0.311743806005); /* ref: risk_erin_reweighted */
    cx_rule_info info = CX_RULE_INFO_INIT;
    assert_ok(cx_risk_get_rule(&info, risk, 1));
    assert_string_equal(info.id, "interactions.drop");
    assert_close(info.weight, 0.5, 0);
    assert_int_equal(info.origin, CX_RULE_BUILTIN);
    assert_null(info.plugin);

    /* Bad weights change nothing. */
    const char *bad_ids[] = { "nps.detractor", "csat.low" };
    const double bad[] = { 0.3, -1 };
    assert_status(cx_risk_set_weights(risk, bad_ids, bad, 2), CX_ERANGE);
    assert_error_mentions("items[1]: rule \"csat.low\": weight -1 must be finite and >= 0");
    assert_ok(cx_risk_get_rule(&info, risk, 2));
    assert_close(info.weight, 0.15, 0);
    const char *unknown[] = { "nps.detractor", "nps.typo" };
    assert_status(cx_risk_set_weights(risk, unknown, w, 2), CX_ENOTFOUND);
    assert_error_mentions("items[1]: the model has no rule \"nps.typo\"");
    assert_status(cx_risk_set_weight(risk, "nps.detractor", NAN), CX_ERANGE);
    assert_error_mentions("rule \"nps.detractor\": weight nan");
    assert_status(cx_risk_set_weight(risk, "nps.detractor", INFINITY), CX_ERANGE);
    assert_rel(score_of(risk, db, "erin", 130), 0.311743806005);

    /* Every weight 0: no score. */
    size_t n;
    cx_risk_rule_count(&n, risk);
    for (size_t i = 0; i < n; i++) {
        cx_risk_get_rule(&info, risk, i);
        assert_ok(cx_risk_set_weight(risk, info.id, 0));
    }
    cx_risk_result r = CX_RISK_RESULT_INIT;
    assert_status(cx_risk_score(&r, risk, db, "erin", AT(130)), CX_EEMPTY);
    assert_error_mentions("no rule has a weight > 0");
    cx_risk_free(risk);
    cx_customers_free(db);
}

static void test_risk_decay_half_life(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    /* dave's detractor answer is 90 days old; the NPS rule weighs 0.15 of 1. */
    cx_risk_options o = CX_RISK_OPTIONS_INIT;
    o.half_life_days = 45; /* two half-lives: 0.15 * 0.25 = 0.0375 */
    cx_risk *risk = new_risk(&o);
    assert_close(score_of(risk, db, "dave", 90), 0.0375, 1e-12);
    cx_risk_free(risk);
    o.half_life_days = INFINITY; /* never fades: 0.15 */
    risk = new_risk(&o);
    assert_close(score_of(risk, db, "dave", 90), 0.15, 1e-12);
    /* Evidence at the time scored does not fade either. */
    assert_close(score_of(risk, db, "dave", 0), 0.15, 1e-12);
    cx_risk_free(risk);
    o.half_life_days = 0;
    cx_risk *bad = NULL;
    assert_status(cx_risk_new(&bad, &o), CX_EINVAL);
    assert_error_mentions("half_life_days 0 must be > 0");
    assert_null(bad);
    o.half_life_days = NAN;
    assert_status(cx_risk_new(&bad, &o), CX_EINVAL);
    o = (cx_risk_options)CX_RISK_OPTIONS_INIT;
    o.version = 7;
    assert_status(cx_risk_new(&bad, &o), CX_EVERSION);
    cx_customers_free(db);
}

static void test_risk_replay(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_risk *risk = new_risk(NULL);
    assert_rel(score_of(risk, db, "alice", 50), 0.172222222222); /* ref: risk_alice_day50 */
    cx_customers_free(db);
    db = fixtures(0);
    cx_risk_result r = CX_RISK_RESULT_INIT;
    assert_status(cx_risk_score(&r, risk, db, "alice", AT(50)), CX_ESTATE);
    assert_error_mentions("replaying the past needs a set with keep_history");
    assert_rel(score_of(risk, db, "alice", 90), 0.235737655141);
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* Survey rules on the shortest scales: CSAT 0..1 (thumbs down / up) and
 * CES 1..3. The positive threshold stays above the bottom answer: the top
 * answer on a 2-point CSAT scale, 2 on CES 1..3. By hand:
 *   csat.low = ramp(recent; 1 -> 0, 0 -> 1): answer 1 -> 0, answer 0 -> 1;
 *   ces.high_effort = ramp(recent; 2 -> 0, 1 -> 1): answer 3 -> 0, answer 1 -> 1. */
static void test_risk_survey_rules_on_short_scales(void **state)
{
    (void)state;
    cx_customers_options co = CX_CUSTOMERS_OPTIONS_INIT;
    co.csat_min = 0;
    co.csat_max = 1;
    co.ces_min = 1;
    co.ces_max = 3;
    cx_customers *db = NULL;
    assert_ok(cx_customers_new(&db, &co));
    const char *ids[] = { "happy", "unhappy" };
    assert_ok(cx_customers_add_many(db, ids, NULL, 2));
    assert_ok(cx_customers_add_event(db, "happy", AT(0), CX_EVENT_CSAT, 1));
    assert_ok(cx_customers_add_event(db, "happy", AT(0), CX_EVENT_CES, 3));
    assert_ok(cx_customers_add_event(db, "unhappy", AT(0), CX_EVENT_CSAT, 0));
    assert_ok(cx_customers_add_event(db, "unhappy", AT(0), CX_EVENT_CES, 1));
    cx_risk *risk = new_risk(NULL);
    const double expect[2] = { 0, 1 };
    for (int c = 0; c < 2; c++) {
        cx_risk_explanation *e = NULL;
        assert_ok(cx_risk_explain(&e, risk, db, ids[c], AT(0)));
        cx_risk_evidence ev = evidence_of(e, "csat.low");
        assert_int_equal(ev.status, CX_OK);
        assert_close(ev.value, expect[c], 0);
        assert_close(ev.reference, 1, 0);
        ev = evidence_of(e, "ces.high_effort");
        assert_int_equal(ev.status, CX_OK);
        assert_close(ev.value, expect[c], 0);
        assert_close(ev.reference, 2, 0);
        cx_risk_explanation_free(e);
    }
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* ---- callback rules ------------------------------------------------------------- */

typedef struct fixed {
    int status;
    double value;
    int freed;
} fixed;

static int fixed_rule(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)ctx;
    fixed *f = payload;
    out->value = f->value;
    if (out->detail)
        snprintf(out->detail, out->detail_cap, "fixed %g", f->value);
    return f->status;
}

static void free_fixed(void *payload)
{
    ((fixed *)payload)->freed++;
}

static cx_rule rule_of(const char *id, fixed *f, double weight)
{
    cx_rule r = CX_RULE_INIT;
    r.id = id;
    r.weight = weight;
    r.fn = fixed_rule;
    r.payload = f;
    r.destroy = free_fixed;
    return r;
}

static void test_risk_failing_rules_are_isolated(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_risk *risk = new_risk(NULL);
    fixed bad_status = { CX_EINVAL, 0.5, 0 }, bad_nan = { CX_OK, NAN, 0 }, bad_range = { CX_OK, 1.5, 0 },
          good = { CX_OK, 1.0, 0 };
    cx_rule r = rule_of("bad.status", &bad_status, 1);
    assert_ok(cx_risk_add_rule(risk, &r));
    r = rule_of("bad.nan", &bad_nan, 1);
    assert_ok(cx_risk_add_rule(risk, &r));
    r = rule_of("bad.range", &bad_range, 1);
    assert_ok(cx_risk_add_rule(risk, &r));
    r = rule_of("good", &good, 1);
    assert_ok(cx_risk_add_rule(risk, &r));
    /* The failed rules are left out: (0.231468678072 * 1 + 1 * 1) / (1 + 1),
     * carol's built-in part (ref: risk_carol) and the good rule. */
    cx_risk_explanation *e = NULL;
    assert_ok(cx_risk_explain(&e, risk, db, "carol", AT(90)));
    cx_risk_result res = CX_RISK_RESULT_INIT;
    assert_ok(cx_risk_explanation_get_result(&res, e));
    assert_rel(res.score, (0.231468678072 + 1.0) / 2);
    assert_int_equal(res.rules, 9);
    assert_int_equal(res.failed, 3);
    assert_close(res.total_weight, 2, 1e-12);
    cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
    assert_ok(cx_risk_explanation_get(&ev, e, 0));
    assert_string_equal(ev.rule_id, "good");
    assert_close(ev.contribution, 0.5, 1e-12);
    assert_ok(cx_risk_explanation_get(&ev, e, 9)); /* failed rules last, in model order */
    assert_string_equal(ev.rule_id, "bad.status");
    assert_int_equal(ev.status, CX_EINVAL);
    assert_true(isnan(ev.value));
    assert_string_equal(ev.detail, "rule bad.status failed with status -1 (CX_EINVAL: invalid argument): fixed 0.5");
    ev = evidence_of(e, "bad.nan");
    assert_int_equal(ev.status, CX_ERANGE);
    assert_string_equal(ev.detail, "rule bad.nan returned NaN: fixed nan");
    ev = evidence_of(e, "bad.range");
    assert_int_equal(ev.status, CX_ERANGE);
    assert_string_equal(ev.detail, "rule bad.range returned 1.5, outside 0..1: fixed 1.5");
    cx_buffer json = CX_BUFFER_INIT;
    assert_ok(cx_risk_explanation_to_json(&json, e));
    assert_non_null(strstr(json.data, "{\"rule\":\"bad.nan\",\"status\":\"CX_ERANGE\",\"value\":null"));
    cx_buffer_dispose(&json);
    cx_risk_explanation_free(e);
    assert_rel(score_of(risk, db, "carol", 90), (0.231468678072 + 1.0) / 2);

    /* Removing a rule calls its destructor; freeing the model calls the rest. */
    assert_ok(cx_risk_remove_rule(risk, "bad.status"));
    assert_int_equal(bad_status.freed, 1);
    assert_status(cx_risk_remove_rule(risk, "bad.status"), CX_ENOTFOUND);
    cx_risk_free(risk);
    assert_int_equal(bad_nan.freed, 1);
    assert_int_equal(good.freed, 1);

    /* Strict: the first failing rule fails the scoring, naming it. */
    cx_risk_options o = CX_RISK_OPTIONS_INIT;
    o.strict = 1;
    fixed *cases[] = { &bad_status, &bad_nan, &bad_range };
    const int codes[] = { CX_EINVAL, CX_ERANGE, CX_ERANGE };
    const char *texts[] = { "rule \"x\" failed with status -1 (CX_EINVAL: invalid argument) for customer \"carol\"",
                            "rule \"x\" returned NaN for customer \"carol\"",
                            "rule \"x\" returned 1.5, outside 0..1 for customer \"carol\"" };
    for (int c = 0; c < 3; c++) {
        risk = new_risk(&o);
        r = rule_of("x", cases[c], 1);
        assert_ok(cx_risk_add_rule(risk, &r));
        cx_risk_result rr = CX_RISK_RESULT_INIT;
        assert_status(cx_risk_score(&rr, risk, db, "carol", AT(90)), codes[c]);
        assert_error_mentions(texts[c]);
        cx_risk_free(risk);
    }

    /* Only failing rules: no score. */
    cx_risk_options empty = CX_RISK_OPTIONS_INIT;
    empty.builtin_rules = 0;
    risk = new_risk(&empty);
    cx_risk_result rr = CX_RISK_RESULT_INIT;
    assert_status(cx_risk_score(&rr, risk, db, "carol", AT(90)), CX_EEMPTY);
    r = rule_of("x", &bad_nan, 1);
    assert_ok(cx_risk_add_rule(risk, &r));
    assert_status(cx_risk_score(&rr, risk, db, "carol", AT(90)), CX_EEMPTY);
    assert_error_mentions("every rule with a weight failed");
    cx_risk_free(risk);
    cx_customers_free(db);
}

static void test_risk_rule_definitions(void **state)
{
    (void)state;
    cx_risk *risk = new_risk(NULL);
    fixed f = { CX_OK, 0.5, 0 };
    cx_rule r = rule_of("complaints.open", &f, 1);
    assert_status(cx_risk_add_rule(risk, &r), CX_EEXISTS);
    assert_error_mentions("the model already has a rule \"complaints.open\"");
    r.id = "has space";
    assert_status(cx_risk_add_rule(risk, &r), CX_EINVAL);
    assert_error_mentions("rule id \"has space\" must be 1..64 bytes");
    r.id = "";
    assert_status(cx_risk_add_rule(risk, &r), CX_EINVAL);
    r.id = "ok.id";
    r.weight = -0.1;
    assert_status(cx_risk_add_rule(risk, &r), CX_ERANGE);
    assert_error_mentions("rule \"ok.id\": weight -0.1");
    r.weight = 1;
    r.fn = NULL;
    assert_status(cx_risk_add_rule(risk, &r), CX_EINVAL);
    assert_error_mentions("rule \"ok.id\" has no function");
    r.fn = fixed_rule;
    r.decays = 2;
    assert_status(cx_risk_add_rule(risk, &r), CX_EINVAL);
    r.decays = 1;
    r.version = CX_RULE_VERSION + 1;
    assert_status(cx_risk_add_rule(risk, &r), CX_EVERSION);
    assert_int_equal(f.freed, 0); /* failed additions leave the payload to the caller */
    r.version = CX_RULE_VERSION;
    r.description = "a fixed value";
    assert_ok(cx_risk_add_rule(risk, &r));
    size_t n;
    assert_ok(cx_risk_rule_count(&n, risk));
    assert_int_equal(n, 9);
    cx_rule_info info = CX_RULE_INFO_INIT;
    assert_ok(cx_risk_get_rule(&info, risk, 8));
    assert_string_equal(info.id, "ok.id");
    assert_string_equal(info.description, "a fixed value");
    assert_int_equal(info.origin, CX_RULE_CALLBACK);
    assert_int_equal(info.decays, 1);
    assert_status(cx_risk_get_rule(&info, risk, 9), CX_ENOTFOUND);
    cx_rule init;
    assert_ok(cx_rule_init(&init, CX_RULE_VERSION));
    assert_close(init.weight, 1, 0);
    assert_null(init.fn);
    cx_risk_free(risk);
    assert_int_equal(f.freed, 1);
    cx_risk_free(NULL);
}

/* A rule reading an attribute through the context. */
static int gold_plan(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    size_t attr;
    cx_attr_value v = CX_ATTR_VALUE_INIT;
    if (cx_customers_find_attribute(&attr, NULL, ctx->customers, "plan") != CX_OK)
        return CX_ENOTFOUND;
    out->value = cx_customers_get_attribute_at(&v, ctx->customers, ctx->customer_index, attr) == CX_OK
                 && strcmp(v.string, "gold") == 0;
    out->input = ctx->signals->tenure_days;
    return CX_OK;
}

static void test_risk_rule_context(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = "plan";
    d.type = CX_ATTR_STRING;
    assert_ok(cx_customers_define_attribute(db, &d));
    assert_ok(cx_customers_set_string(db, "dave", "plan", "gold", AT(0)));
    cx_risk_options o = CX_RISK_OPTIONS_INIT;
    o.builtin_rules = 0;
    cx_risk *risk = new_risk(&o);
    cx_rule r = CX_RULE_INIT;
    r.id = "plan.gold";
    r.fn = gold_plan;
    assert_ok(cx_risk_add_rule(risk, &r));
    assert_close(score_of(risk, db, "dave", 90), 1, 0);
    assert_close(score_of(risk, db, "carol", 90), 0, 0);
    cx_risk_explanation *e = NULL;
    assert_ok(cx_risk_explain(&e, risk, db, "dave", AT(90)));
    cx_risk_evidence ev = evidence_of(e, "plan.gold");
    assert_close(ev.input, 90, 1e-12); /* dave's tenure */
    assert_string_equal(ev.detail, "");
    cx_risk_explanation_free(e);
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* A rule that fills the whole detail buffer without a terminating NUL;
 * payload: { the buffer size it saw, the status it returns }. */
static int unterminated(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)ctx;
    size_t *seen = payload;
    seen[0] = out->detail_cap;
    if (out->detail)
        memset(out->detail, 'x', out->detail_cap);
    out->value = 0.5;
    return (int)seen[1];
}

static void test_risk_rule_detail_is_terminated(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_risk_options o = CX_RISK_OPTIONS_INIT;
    o.builtin_rules = 0;
    for (int failing = 0; failing < 2; failing++) {
        cx_risk *risk = new_risk(&o);
        size_t cap[2] = { 0, (size_t)failing }; /* status 1: a positive status, the rule failed */
        cx_rule r = CX_RULE_INIT;
        r.id = "long.detail";
        r.fn = unterminated;
        r.payload = cap;
        assert_ok(cx_risk_add_rule(risk, &r));
        fixed f = { CX_OK, 0.25, 0 };
        cx_rule other = rule_of("other", &f, 1);
        other.destroy = NULL;
        assert_ok(cx_risk_add_rule(risk, &other));
        cx_risk_explanation *e = NULL;
        assert_ok(cx_risk_explain(&e, risk, db, "dave", AT(90)));
        assert_true(cap[0] > 1);
        cx_risk_evidence ev = evidence_of(e, "long.detail");
        /* The library cuts the rule's line at its buffer: cap - 1 bytes and a NUL. */
        if (failing) {
            assert_int_equal(ev.status, CX_EPLUGIN);
            assert_true(strlen(ev.detail) <= cap[0] - 1);
            assert_non_null(strstr(ev.detail, "rule long.detail failed with status 1 (CX_EPLUGIN"));
        } else {
            assert_int_equal(strlen(ev.detail), cap[0] - 1);
        }
        cx_buffer json = CX_BUFFER_INIT;
        assert_ok(cx_risk_explanation_to_json(&json, e));
        assert_non_null(strstr(json.data, "xxx\"}"));
        cx_buffer_dispose(&json);
        cx_risk_explanation_free(e);
        cx_risk_free(risk);
    }
    cx_customers_free(db);
}

/* ---- bulk scores and top k ---------------------------------------------------------- */

static void test_risk_score_all_and_top(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    const char *more[] = { "carol2", "bob", "frank" };
    const int64_t first[] = { CX_TIME_NONE, CX_TIME_NONE, AT(200) };
    assert_ok(cx_customers_add_many(db, more, first, 3));
    feed(db, "carol2", carol, COUNT(carol)); /* ties with carol */
    assert_ok(cx_customers_add_event(db, "bob", AT(1), CX_EVENT_INTERACTION, 0));
    assert_ok(cx_customers_merge(db, "alice", "bob", AT(2)));
    cx_risk *risk = new_risk(NULL);
    double scores[7];
    assert_ok(cx_risk_score_all(scores, 7, risk, db, AT(90)));
    assert_close(scores[1], 0.231468678072, 1e-6);   /* carol, ref: risk_carol */
    assert_close(scores[2], 0.075, 1e-12);            /* dave, by hand above */
    assert_close(scores[4], scores[1], 0);            /* carol2 */
    assert_true(isnan(scores[5]));                    /* bob: merged into alice */
    assert_true(isnan(scores[6]));                    /* frank: not seen until day 200 */
    assert_status(cx_risk_score_all(scores, 6, risk, db, AT(90)), CX_EINVAL);
    assert_error_mentions("scores_out holds 6 scores but the set has 7 records");

    size_t idx[7], len;
    double top[7];
    assert_ok(cx_risk_top(idx, top, 3, &len, risk, db, AT(90)));
    assert_int_equal(len, 3);
    /* Highest first; carol and carol2 tie, the lower record first. */
    for (size_t i = 0; i < len; i++)
        assert_close(top[i], scores[idx[i]], 0);
    for (size_t i = 1; i < len; i++)
        assert_true(top[i - 1] >= top[i]);
    size_t expect_first = scores[0] > scores[1] ? 0 : 1;
    assert_int_equal(idx[0], expect_first);
    size_t carol_at = idx[0] == 1 ? 0 : 1;
    assert_int_equal(idx[carol_at], 1);
    assert_int_equal(idx[carol_at + 1], 4);
    /* More than there are: only the scored ones. */
    assert_ok(cx_risk_top(idx, NULL, 7, &len, risk, db, AT(90)));
    assert_int_equal(len, 5);
    size_t lowest = 0;
    for (size_t i = 0; i < 5; i++)
        if (scores[i] < scores[lowest])
            lowest = i;
    assert_int_equal(idx[4], lowest);
    assert_ok(cx_risk_top(idx, NULL, 0, &len, risk, db, AT(90)));
    assert_int_equal(len, 0);
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* Ranking every customer of a large set: the order of cx_risk_score_all's
 * scores (highest first, ties by record), in time linear in n log k. */
static void test_risk_top_of_many(void **state)
{
    (void)state;
    enum { N = 100000 };
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.keep_history = 0;
    cx_customers *db = NULL;
    assert_ok(cx_customers_new(&db, &o));
    char (*names)[16] = malloc(N * sizeof *names);
    const char **ids = malloc(N * sizeof *ids);
    int64_t *t = malloc(N * sizeof *t);
    cx_event_kind *k = malloc(N * sizeof *k);
    double *v = malloc(N * sizeof *v), *scores = malloc(N * sizeof *scores), *top = malloc(N * sizeof *top);
    size_t *idx = malloc(N * sizeof *idx);
    assert_non_null(idx);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "c%zu", i);
        ids[i] = names[i];
        t[i] = AT((double)(i % 89));        /* answers of different ages: many distinct scores */
        k[i] = CX_EVENT_NPS;
        v[i] = (double)(i % 11);
    }
    assert_ok(cx_customers_add_many(db, ids, NULL, N));
    assert_ok(cx_customers_add_events(db, ids, t, k, v, N));
    cx_risk *risk = new_risk(NULL);
    assert_ok(cx_risk_score_all(scores, N, risk, db, AT(90)));
    size_t len = 0;
    clock_t start = clock();
    assert_ok(cx_risk_top(idx, top, N, &len, risk, db, AT(90)));
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_int_equal(len, N);
    uint8_t *seen = calloc(N, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < N; i++) {
        assert_true(idx[i] < N && !seen[idx[i]]);
        seen[idx[i]] = 1;
        assert_close(top[i], scores[idx[i]], 0);
        if (i > 0)
            assert_true(top[i - 1] > top[i] || (top[i - 1] == top[i] && idx[i - 1] < idx[i]));
    }
    /* Scoring 100 000 customers takes a few hundredths of a second; the
     * ranking must not add more than a little (a quadratic one took ~10 s). */
    if (seconds > 3.0)
        fail_msg("cx_risk_top of %d customers took %.2f s of CPU", N, seconds);
    free(seen);
    free(idx);
    free(top);
    free(scores);
    free(v);
    free(k);
    free(t);
    free(ids);
    free(names);
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* ---- alerts ------------------------------------------------------------------------- */

typedef struct alert_log {
    int calls;
    size_t last_index;
    int last_raised;
    double last_score;
    size_t abort_on;     /* record whose callback fails; SIZE_MAX: none */
    int freed;
} alert_log;

static int on_alert(const cx_risk_alert_event *ev, void *payload)
{
    alert_log *a = payload;
    if (ev->customer_index == a->abort_on)
        return CX_EINVAL;
    a->calls++;
    a->last_index = ev->customer_index;
    a->last_raised = ev->raised;
    a->last_score = ev->score;
    assert_non_null(ev->customer_id);
    return CX_OK;
}

static void free_log(void *payload)
{
    ((alert_log *)payload)->freed++;
}

static int raised(const cx_risk_alert *a, size_t i)
{
    int r = -1;
    assert_ok(cx_risk_alert_is_raised(&r, a, i));
    return r;
}

static void test_risk_alert_hysteresis(void **state)
{
    (void)state;
    cx_customers *db = fixtures(0); /* four records: alice, carol, dave, erin */
    alert_log log = { 0, 0, 0, 0, SIZE_MAX, 0 };
    cx_risk_alert *a = NULL;
    assert_ok(cx_risk_alert_new(&a, 0.5, 0.1, on_alert, &log, free_log));
    /* Level 0.5, cleared below 0.4: */
    const double s1[] = { 0.55, 0.2, NAN, 0.1 };   /* alice reaches 0.5: raised */
    assert_ok(cx_risk_alert_update(a, db, s1, 4, AT(1)));
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.last_index, 0);
    assert_int_equal(log.last_raised, 1);
    const double s2[] = { 0.45, 0.6, NAN, 0.1 };   /* alice wobbles above 0.4: no flap; carol raised */
    assert_ok(cx_risk_alert_update(a, db, s2, 4, AT(2)));
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.last_index, 1);
    assert_int_equal(raised(a, 0), 1);
    const double s3[] = { 0.39, 0.6, NAN, 0.1 };   /* alice below 0.4: cleared */
    assert_ok(cx_risk_alert_update(a, db, s3, 4, AT(3)));
    assert_int_equal(log.calls, 3);
    assert_int_equal(log.last_raised, 0);
    assert_close(log.last_score, 0.39, 0);
    assert_int_equal(raised(a, 0), 0);
    const double s4[] = { 0.49, 0.6, NAN, 0.1 };   /* below the level again: still cleared */
    assert_ok(cx_risk_alert_update(a, db, s4, 4, AT(4)));
    assert_int_equal(log.calls, 3);

    /* A callback that aborts: nothing changes, and the next update reports again. */
    const double s5[] = { 0.9, 0.1, 0.9, 0.1 };    /* alice raised, carol cleared, dave raised */
    log.abort_on = 2;
    assert_status(cx_risk_alert_update(a, db, s5, 4, AT(5)), CX_EINVAL);
    assert_error_mentions("the alert callback returned -1 for customer \"dave\"; no alert state was changed");
    assert_int_equal(raised(a, 0), 0);
    assert_int_equal(raised(a, 1), 1);
    assert_int_equal(raised(a, 2), 0);
    log.abort_on = SIZE_MAX;
    log.calls = 0;
    assert_ok(cx_risk_alert_update(a, db, s5, 4, AT(5)));
    assert_int_equal(log.calls, 3);
    assert_int_equal(raised(a, 0), 1);
    assert_int_equal(raised(a, 1), 0);
    assert_int_equal(raised(a, 2), 1);

    /* Bad input. */
    const double s6[] = { 0.9, 1.2, 0, 0 };
    assert_status(cx_risk_alert_update(a, db, s6, 4, AT(6)), CX_ERANGE);
    assert_error_mentions("scores[1] = 1.2 is outside 0..1");
    assert_status(cx_risk_alert_update(a, db, s6, 3, AT(6)), CX_EINVAL);
    assert_error_mentions("3 scores for a set of 4 records");
    assert_int_equal(log.calls, 3); /* refused before any callback, and no state changed */
    assert_int_equal(raised(a, 0), 1);
    assert_int_equal(raised(a, 1), 0);
    assert_int_equal(raised(a, 2), 1);
    assert_ok(cx_risk_alert_is_raised(&log.calls, a, 99));
    assert_int_equal(log.calls, 0);
    cx_risk_alert_free(a);
    assert_int_equal(log.freed, 1);

    assert_status(cx_risk_alert_new(&a, 0, 0, on_alert, NULL, NULL), CX_ERANGE);
    assert_error_mentions("level 0 is outside (0, 1]");
    assert_null(a);
    assert_status(cx_risk_alert_new(&a, 0.5, 0.5, on_alert, NULL, NULL), CX_ERANGE);
    assert_error_mentions("hysteresis 0.5 must be in [0, level 0.5)");
    assert_status(cx_risk_alert_new(&a, 0.5, 0.1, NULL, NULL, NULL), CX_EINVAL);

    /* With real scores: the alert follows cx_risk_score_all. */
    cx_risk *risk = new_risk(NULL);
    double scores[4];
    assert_ok(cx_risk_score_all(scores, 4, risk, db, AT(130)));
    log = (alert_log){ 0, 0, 0, 0, SIZE_MAX, 0 };
    assert_ok(cx_risk_alert_new(&a, 0.25, 0.05, on_alert, &log, NULL));
    assert_ok(cx_risk_alert_update(a, db, scores, 4, AT(130)));
    int expected = 0;
    for (int i = 0; i < 4; i++)
        expected += scores[i] >= 0.25;
    assert_int_equal(log.calls, expected);
    assert_int_equal(raised(a, 3), scores[3] >= 0.25); /* erin scores 0.2596 at day 130, ref: risk_erin */
    cx_risk_alert_free(a);
    cx_risk_free(risk);
    cx_customers_free(db);
}

/* ---- out of memory ---------------------------------------------------------------------- */

static int oom_scenario(void *ctx)
{
    cx_customers *db = ctx;
    cx_risk *risk = NULL;
    cx_risk_explanation *e = NULL;
    cx_buffer json = CX_BUFFER_INIT;
    fixed f = { CX_OK, 0.5, 0 };
    cx_rule r = rule_of("extra", &f, 1);
    r.destroy = NULL;
    int rc = cx_risk_new(&risk, NULL);
    if (rc == CX_OK) rc = cx_risk_add_rule(risk, &r);
    if (rc == CX_OK) rc = cx_risk_explain(&e, risk, db, "erin", AT(130));
    if (rc == CX_OK) rc = cx_risk_explanation_to_json(&json, e);
    size_t idx[3], len;
    if (rc == CX_OK) rc = cx_risk_top(idx, NULL, 3, &len, risk, db, AT(130));
    cx_risk_alert *a = NULL;
    alert_log log = { 0, 0, 0, 0, SIZE_MAX, 0 };
    const double s[] = { 0.9, 0.9, 0.9, 0.9 };
    if (rc == CX_OK) rc = cx_risk_alert_new(&a, 0.5, 0.1, on_alert, &log, NULL);
    if (rc == CX_OK) rc = cx_risk_alert_update(a, db, s, 4, AT(1));
    cx_risk_alert_free(a);
    cx_buffer_dispose(&json);
    cx_risk_explanation_free(e);
    cx_risk_free(risk);
    return rc;
}

static void test_risk_out_of_memory(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    long points = cx_test_each_allocation_fails(oom_scenario, db);
    assert_true(points > 10);
    cx_customers_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_builtin_scores),
        cmocka_unit_test(test_risk_explanation),
        cmocka_unit_test(test_risk_weights),
        cmocka_unit_test(test_risk_decay_half_life),
        cmocka_unit_test(test_risk_replay),
        cmocka_unit_test(test_risk_survey_rules_on_short_scales),
        cmocka_unit_test(test_risk_failing_rules_are_isolated),
        cmocka_unit_test(test_risk_rule_definitions),
        cmocka_unit_test(test_risk_rule_context),
        cmocka_unit_test(test_risk_rule_detail_is_terminated),
        cmocka_unit_test(test_risk_score_all_and_top),
        cmocka_unit_test(test_risk_top_of_many),
        cmocka_unit_test(test_risk_alert_hysteresis),
        cmocka_unit_test(test_risk_out_of_memory),
    };
    return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
