/*
 * Black-box tests of segments: expressions over attributes and signals,
 * their errors, membership, rule segments and per-segment calculators.
 * Memberships are worked by hand from the fixtures below (the signals they
 * use are checked against the reference script in test_customer.c).
 */
#include "harness.h"

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define AT(d) (T0 + (int64_t)((d) * (double)DAY))

typedef struct timed_event {
    double day;
    cx_event_kind kind;
    double value;
} timed_event;

static const timed_event alice[] = {
    { 0, CX_EVENT_PURCHASE, 100 }, { 10, CX_EVENT_INTERACTION, 0 }, { 20, CX_EVENT_PURCHASE, 50 },
    { 30, CX_EVENT_REPLY, 3600 }, { 35, CX_EVENT_COMPLAINT, 0 }, { 40, CX_EVENT_REPLY, 7200 },
    { 45, CX_EVENT_PURCHASE, 80 }, { 50, CX_EVENT_COMPLAINT, 0 }, { 52, CX_EVENT_COMPLAINT_RESOLVED, 0 },
    { 55, CX_EVENT_NPS, 4 }, { 56, CX_EVENT_CSAT, 2 }, { 57, CX_EVENT_CES, 3 }, { 58, CX_EVENT_SENTIMENT, -0.5 },
    { 60, CX_EVENT_REPLY, 14400 }, { 61, CX_EVENT_NPS, 9 }, { 62, CX_EVENT_CSAT, 4 }, { 63, CX_EVENT_SENTIMENT, 0.2 },
};
static const timed_event bob[] = {
    { 5, CX_EVENT_INTERACTION, 0 }, { 25, CX_EVENT_PURCHASE, 20 }, { 33, CX_EVENT_REPLY, 600 },
    { 47, CX_EVENT_COMPLAINT, 0 }, { 70, CX_EVENT_NPS, 10 }, { 72, CX_EVENT_CSAT, 5 },
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

static void define_attr(cx_customers *db, const char *name, cx_attr_type type)
{
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = name;
    d.type = type;
    assert_ok(cx_customers_define_attribute(db, &d));
}

/* Records: 0 alice, 1 bob, 2 carol, 3 dave, 4 erin (merged into alice), 5 frank (first seen day 200). */
static cx_customers *fixtures(int history)
{
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.keep_history = history;
    cx_customers *db = NULL;
    assert_ok(cx_customers_new(&db, &o));
    const char *ids[] = { "alice", "bob", "carol", "dave", "erin", "frank" };
    const int64_t first[] = { AT(0), CX_TIME_NONE, CX_TIME_NONE, CX_TIME_NONE, AT(0), AT(200) };
    assert_ok(cx_customers_add_many(db, ids, first, 6));
    feed(db, "alice", alice, COUNT(alice));
    feed(db, "bob", bob, COUNT(bob));
    feed(db, "carol", carol, COUNT(carol));
    feed(db, "dave", dave, COUNT(dave));
    define_attr(db, "plan", CX_ATTR_STRING);
    define_attr(db, "vip", CX_ATTR_BOOL);
    define_attr(db, "signup", CX_ATTR_TIMESTAMP);
    define_attr(db, "spend", CX_ATTR_NUMBER);
    assert_ok(cx_customers_set_string(db, "alice", "plan", "gold", 0));
    assert_ok(cx_customers_set_bool(db, "alice", "vip", 1, 0));
    assert_ok(cx_customers_set_timestamp(db, "alice", "signup", 1748736000000LL, 0)); /* 2025-06-01 */
    assert_ok(cx_customers_set_number(db, "alice", "spend", 230, 0));
    assert_ok(cx_customers_set_string(db, "bob", "plan", "silver", 0));
    assert_ok(cx_customers_set_bool(db, "bob", "vip", 0, 0));
    assert_ok(cx_customers_set_number(db, "bob", "spend", 20, 0));
    assert_ok(cx_customers_set_string(db, "carol", "plan", "gold", 0));
    assert_ok(cx_customers_set_timestamp(db, "carol", "signup", AT(9), 0)); /* 2026-01-10 */
    assert_ok(cx_customers_set_string(db, "frank", "plan", "gold", 0));
    assert_ok(cx_customers_merge(db, "alice", "erin", AT(1)));
    return db;
}

static cx_segments *new_segments(void)
{
    cx_segments *s = NULL;
    assert_ok(cx_segments_new(&s));
    return s;
}

typedef struct member_case {
    const char *expression;
    uint8_t expect[6];
} member_case;

static void test_segment_membership(void **state)
{
    (void)state;
    /* Hand-derived from the fixtures at day 90: alice gold VIP, signup 2025-06-01, spend 230,
     * recency 27, 3 purchases, 1 open complaint, last NPS 9 on 2026-03-03; bob silver, not VIP,
     * spend 20, recency 18, last NPS 10; carol gold, signup 2026-01-10, 3 open complaints,
     * recency 10; dave no attributes, one NPS answer 2, recency 90; erin merged; frank unseen. */
    static const member_case cases[] = {
        { "attr.plan = 'gold'", { 1, 0, 1, 0, 0, 0 } },
        { "attr.plan in ('gold', 'silver') and open_complaints >= 2", { 0, 0, 1, 0, 0, 0 } },
        { "not attr.vip", { 0, 1, 1, 1, 0, 0 } },
        { "attr.vip", { 1, 0, 0, 0, 0, 0 } },
        { "attr.vip = false", { 0, 1, 0, 0, 0, 0 } },
        { "nps_category = 'detractor'", { 0, 0, 0, 1, 0, 0 } },
        { "nps_category = 3", { 1, 1, 0, 0, 0, 0 } },
        { "attr.signup between '2025-01-01' and '2025-12-31'", { 1, 0, 0, 0, 0, 0 } },
        { "attr.signup exists or attr.spend > 100", { 1, 0, 1, 0, 0, 0 } },
        { "recency_days > 20 and (purchases >= 3 or complaints > 2)", { 1, 0, 0, 0, 0, 0 } },
        { "attr.plan not in ('gold')", { 0, 1, 0, 0, 0, 0 } },
        { "last_nps_ms >= '2026-03-01'", { 1, 1, 0, 0, 0, 0 } },
        { "last_nps_ms < '2026-01-01T12:00Z'", { 0, 0, 0, 1, 0, 0 } },
        { "attr.spend >= 20 and attr.spend <= 20", { 0, 1, 0, 0, 0, 0 } },
        { "tenure_days > 89.5", { 1, 0, 1, 1, 0, 0 } },
        { "not (attr.plan = 'gold' or nps_category = 'detractor')", { 0, 1, 0, 0, 0, 0 } },
        { "attr.plan = 'gold' AND NOT attr.vip", { 0, 0, 1, 0, 0, 0 } },
        { "attr.\"plan\" <> 'gold'", { 0, 1, 0, 0, 0, 0 } },
        { "attr.plan > 'h' or attr.plan == 'nothing'", { 0, 1, 0, 0, 0, 0 } },
        { "csat_mean < 3.5", { 1, 0, 0, 0, 0, 0 } },
        { "attr.spend != 230", { 0, 1, 0, 0, 0, 0 } },
    };
    cx_customers *db = fixtures(1);
    cx_segments *s = new_segments();
    char name[16];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        snprintf(name, sizeof name, "s%zu", c);
        assert_ok(cx_segments_define(s, name, cases[c].expression));
    }
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint8_t member[6] = { 9, 9, 9, 9, 9, 9 };
        snprintf(name, sizeof name, "s%zu", c);
        assert_ok(cx_segments_evaluate(member, 6, s, name, db, AT(90)));
        for (int i = 0; i < 6; i++) {
            if (member[i] != cases[c].expect[i])
                fail_msg("\"%s\": record %d is %d, expected %d", cases[c].expression, i, member[i],
                         cases[c].expect[i]);
        }
    }
    size_t n;
    assert_ok(cx_segments_count(&n, s));
    assert_int_equal(n, sizeof cases / sizeof cases[0]);
    const char *got;
    assert_ok(cx_segments_get_name(&got, s, 3));
    assert_string_equal(got, "s3");
    assert_status(cx_segments_get_name(&got, s, n), CX_ENOTFOUND);

    /* One customer against every segment (bob). */
    uint8_t all[32];
    assert_ok(cx_segments_match(all, sizeof all, s, db, "bob", AT(90)));
    for (size_t c = 0; c < n; c++)
        assert_int_equal(all[c], cases[c].expect[1]);
    /* An id merged into another answers for the survivor. */
    assert_ok(cx_segments_match(all, sizeof all, s, db, "erin", AT(90)));
    for (size_t c = 0; c < n; c++)
        assert_int_equal(all[c], cases[c].expect[0]);
    assert_status(cx_segments_match(all, sizeof all, s, db, "frank", AT(90)), CX_EEMPTY);
    assert_error_mentions("customer \"frank\" was not yet seen");
    assert_status(cx_segments_match(all, 2, s, db, "bob", AT(90)), CX_EINVAL);
    assert_error_mentions("member_out holds 2 bytes but there are 21 segments");
    cx_segments_free(s);
    cx_customers_free(db);
}

typedef struct error_case {
    const char *expression;
    int status;
    const char *message;
} error_case;

static void test_segment_expression_errors(void **state)
{
    (void)state;
    static const error_case cases[] = {
        { "", CX_EFORMAT, "segment \"bad\": at byte 0: expression is empty" },
        { "attr.plan = ", CX_EFORMAT, "at byte 12: expected a number, a 'string', true or false" },
        { "recency_days", CX_EFORMAT, "at byte 12: expected a comparison, 'in', 'between' or 'exists'" },
        { "recncy_days > 3", CX_EINVAL, "at byte 0: unknown signal \"recncy_days\" (attributes are written attr.NAME)" },
        { "recency_days > 'x'", CX_EINVAL, "signal recency_days is compared with a string; it takes a number" },
        { "recency_days = true", CX_EINVAL, "signal recency_days is compared with a boolean" },
        { "last_nps_ms > '2026-02-30'", CX_EINVAL, "'2026-02-30' is not a date" },
        { "last_nps_ms > '2026-01-01T-1:00Z'", CX_EINVAL, "'2026-01-01T-1:00Z' is not a date" },
        { "last_nps_ms > '2026-01-01T00:-5Z'", CX_EINVAL, "'2026-01-01T00:-5Z' is not a date" },
        { "last_nps_ms > '2026-01-01T00:00:-1Z'", CX_EINVAL, "'2026-01-01T00:00:-1Z' is not a date" },
        { "last_nps_ms > '2026- 1- 1'", CX_EINVAL, "'2026- 1- 1' is not a date" },
        { "last_nps_ms > '2026-+1-01'", CX_EINVAL, "'2026-+1-01' is not a date" },
        { "last_nps_ms > '2026-01-01T 9:00Z'", CX_EINVAL, "'2026-01-01T 9:00Z' is not a date" },
        { "nps_category = 'angry'", CX_EINVAL, "'angry' is not an NPS category" },
        { "(attr.vip", CX_EFORMAT, "at byte 9: expected ')'" },
        { "attr.plan = 'gold", CX_EFORMAT, "at byte 12: string is not closed" },
        { "attr.plan in ('a' 'b')", CX_EFORMAT, "expected ',' or ')' in the list of values" },
        { "attr.plan in 'a'", CX_EFORMAT, "expected '(' to open the list of values" },
        { "attr.vip and", CX_EFORMAT, "at byte 12: expected a signal, attr.NAME, 'not' or '('" },
        { "attr.vip attr.x", CX_EFORMAT, "at byte 9: expected 'and', 'or' or the end of the expression" },
        { "attr.spend = 1e400", CX_EFORMAT, "at byte 13: malformed number" },
        { "attr.spend between 1 or 2", CX_EFORMAT, "expected 'and' between the two bounds" },
        { "attr.plan not like 'x'", CX_EFORMAT, "expected 'in' after 'not'" },
        { "attr.plan = 'a' ; drop", CX_EFORMAT, "at byte 16: unexpected character" },
        { "attr.\"\" = 1", CX_EFORMAT, "attribute name must be 1..128 bytes" },
    };
    cx_segments *s = new_segments();
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        assert_status(cx_segments_define(s, "bad", cases[c].expression), cases[c].status);
        assert_error_mentions(cases[c].message);
    }
    /* Nesting deeper than 64 levels. */
    char deep[300] = "";
    for (int i = 0; i < 70; i++)
        strcat(deep, "(");
    strcat(deep, "attr.vip");
    for (int i = 0; i < 70; i++)
        strcat(deep, ")");
    assert_status(cx_segments_define(s, "deep", deep), CX_EFORMAT);
    assert_error_mentions("nested too deeply");
    size_t n;
    assert_ok(cx_segments_count(&n, s));
    assert_int_equal(n, 0);
    assert_ok(cx_segments_define(s, "ok", "attr.vip"));
    assert_status(cx_segments_define(s, "ok", "attr.vip"), CX_EEXISTS);
    assert_error_mentions("segment \"ok\" is already defined");
    assert_status(cx_segments_define(s, "", "attr.vip"), CX_EINVAL);
    assert_status(cx_segments_define(s, NULL, "attr.vip"), CX_EINVAL);
    assert_status(cx_segments_define(s, "x", NULL), CX_EINVAL);
    cx_segments_free(s);
    cx_segments_free(NULL);
}

static void test_segment_evaluation_errors(void **state)
{
    (void)state;
    static const error_case cases[] = {
        { "attr.colour = 'red'", CX_ENOTFOUND, "segment \"e\": attribute \"colour\" is not defined in the customer set" },
        { "attr.plan > 3", CX_EINVAL, "at byte 0: attr.plan is a string; compare it with 'text'" },
        { "attr.spend = 'x'", CX_EINVAL, "attr.spend is a number; compare it with a number" },
        { "attr.plan", CX_EINVAL, "attr.plan is a string; compare it with a value (only booleans stand alone)" },
        { "attr.vip > true", CX_EINVAL, "attr.vip is a boolean; only = and != (or 'in') apply" },
        { "attr.vip = 2", CX_EINVAL, "attr.vip is a boolean; compare it with true or false" },
        { "attr.signup > 'soon'", CX_EINVAL, "attr.signup is a timestamp; compare it with milliseconds or a date" },
        { "attr.signup > '2026-01-01T-1:00Z'", CX_EINVAL, "attr.signup is a timestamp; compare it with milliseconds" },
    };
    cx_customers *db = fixtures(1);
    uint8_t member[6];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cx_segments *s = new_segments();
        assert_ok(cx_segments_define(s, "e", cases[c].expression));
        memset(member, 7, sizeof member);
        assert_status(cx_segments_evaluate(member, 6, s, "e", db, AT(90)), cases[c].status);
        assert_error_mentions(cases[c].message);
        assert_int_equal(member[0], 7); /* checked before any customer */
        cx_segments_free(s);
    }
    cx_segments *s = new_segments();
    assert_ok(cx_segments_define(s, "quiet", "recency_days > 30"));
    assert_status(cx_segments_evaluate(member, 5, s, "quiet", db, AT(90)), CX_EINVAL);
    assert_error_mentions("member_out holds 5 bytes but the set has 6 records");
    assert_status(cx_segments_evaluate(member, 6, s, "loud", db, AT(90)), CX_ENOTFOUND);
    assert_error_mentions("no segment \"loud\"");
    cx_customers_free(db);
    /* Signals of the past need the history. */
    db = fixtures(0);
    assert_status(cx_segments_evaluate(member, 6, s, "quiet", db, AT(30)), CX_ESTATE);
    assert_ok(cx_segments_evaluate(member, 6, s, "quiet", db, AT(90)));
    assert_int_equal(member[3], 1); /* dave, 90 days */
    cx_segments_free(s);
    cx_customers_free(db);
}

/* ---- rule segments ------------------------------------------------------------------ */

static int complaint_share(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    out->value = ctx->signals->open_complaints >= 3 ? 1.0 : ctx->signals->open_complaints / 3.0;
    return CX_OK;
}

static int broken(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    out->value = *(double *)payload;
    (void)ctx;
    return isnan(out->value) ? CX_EIO : CX_OK;
}

static int destroyed;

static void count_destroy(void *payload)
{
    (void)payload;
    destroyed++;
}

static void test_segment_rules(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_segments *s = new_segments();
    cx_rule r = CX_RULE_INIT;
    r.id = "complaints";
    r.fn = complaint_share;
    r.destroy = count_destroy;
    destroyed = 0;
    assert_ok(cx_segments_define_rule(s, "complainers", &r, 0.9));
    assert_status(cx_segments_define_rule(s, "complainers", &r, 0.9), CX_EEXISTS);
    assert_status(cx_segments_define_rule(s, "x", &r, 1.5), CX_ERANGE);
    assert_error_mentions("segment \"x\": threshold 1.5 is outside 0..1");
    r.fn = NULL;
    assert_status(cx_segments_define_rule(s, "x", &r, 0.5), CX_EINVAL);
    assert_error_mentions("segment \"x\": the rule has no function");
    assert_int_equal(destroyed, 0);
    size_t count;
    assert_ok(cx_segments_count(&count, s)); /* the refused definitions left nothing */
    assert_int_equal(count, 1);
    uint8_t member[6];
    assert_ok(cx_segments_evaluate(member, 6, s, "complainers", db, AT(90)));
    const uint8_t expect[6] = { 0, 0, 1, 0, 0, 0 }; /* carol's 3 open complaints: 1 >= 0.9 */
    assert_memory_equal(member, expect, 6);

    double bad_value = NAN;
    cx_rule b = CX_RULE_INIT;
    b.id = "broken";
    b.fn = broken;
    b.payload = &bad_value;
    assert_ok(cx_segments_define_rule(s, "broken", &b, 0.5));
    assert_status(cx_segments_evaluate(member, 6, s, "broken", db, AT(90)), CX_EIO);
    assert_error_mentions("segment \"broken\": rule \"broken\" failed with status -6 for customer \"alice\"");
    bad_value = 3;
    assert_status(cx_segments_evaluate(member, 6, s, "broken", db, AT(90)), CX_ERANGE);
    assert_error_mentions("rule \"broken\" returned 3 for customer \"alice\", outside 0..1");
    cx_segments_free(s);
    assert_int_equal(destroyed, 1);
    cx_customers_free(db);
}

/* ---- per-segment calculators ------------------------------------------------------------ */

static void test_segment_group(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    cx_segments *s = new_segments();
    assert_ok(cx_segments_define(s, "gold", "attr.plan = 'gold'"));            /* alice, carol */
    assert_ok(cx_segments_define(s, "promoters", "nps_category = 'promoter'")); /* alice, bob */
    assert_ok(cx_segments_define(s, "nobody", "attr.spend > 1000"));
    cx_group *g = NULL;
    assert_ok(cx_segments_group(&g, s, db, CX_METRIC_NPS, NULL, AT(90)));
    size_t n;
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 2); /* a segment without answers has no group */
    cx_group_entry e = CX_GROUP_ENTRY_INIT;
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_group_get(&e, g, 0));
    assert_string_equal(e.segment, "gold");
    assert_ok(cx_group_get_result(&r, g, 0));
    assert_int_equal(r.count, 2);        /* alice's 4 and 9; carol never answered */
    assert_close(r.value, 0, 1e-12);     /* 100 (1/2 - 1/2) */
    assert_ok(cx_group_get(&e, g, 1));
    assert_string_equal(e.segment, "promoters");
    assert_ok(cx_group_get_result(&r, g, 1));
    assert_int_equal(r.count, 3);        /* alice's 4, 9 and bob's 10 */
    assert_close(r.value, 100.0 / 3, 1e-9); /* 100 (2/3 - 1/3) */
    cx_group_free(g);

    /* CSAT by month: alice answered 2 on 2026-02-26 and 4 on 2026-03-04, bob 5 on 2026-03-14. */
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.period = CX_PERIOD_MONTH;
    assert_ok(cx_segments_group(&g, s, db, CX_METRIC_CSAT, &go, AT(90)));
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 4); /* gold and promoters, each in 2026-02 and 2026-03 */
    assert_ok(cx_group_get(&e, g, 3));
    assert_string_equal(e.segment, "promoters");
    assert_string_equal(e.period_label, "2026-03");
    assert_ok(cx_group_get_result(&r, g, 3));
    assert_int_equal(r.count, 2);
    assert_close(r.value, 100, 1e-12); /* 4 and 5 are both >= 4 */
    assert_ok(cx_group_get_result(&r, g, 0));
    assert_close(r.value, 0, 1e-12); /* gold in February: the 2 */
    cx_group_free(g);

    /* As of day 60: alice's first NPS answer only, bob not yet answered. */
    assert_ok(cx_segments_group(&g, s, db, CX_METRIC_NPS, NULL, AT(60)));
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 1); /* gold: alice's 4; nobody is a promoter yet */
    assert_ok(cx_group_get_result(&r, g, 0));
    assert_close(r.value, -100, 1e-12);
    cx_group_free(g);

    cx_customers_free(db);

    /* A 2-point CSAT scale: the top answer is the satisfied one (by hand,
     * answers 1 and 0 in segment "all": 50 %). */
    cx_customers_options co = CX_CUSTOMERS_OPTIONS_INIT;
    co.csat_min = 0;
    co.csat_max = 1;
    assert_ok(cx_customers_new(&db, &co));
    const char *two[] = { "up", "down" };
    assert_ok(cx_customers_add_many(db, two, NULL, 2));
    assert_ok(cx_customers_add_event(db, "up", AT(1), CX_EVENT_CSAT, 1));
    assert_ok(cx_customers_add_event(db, "down", AT(1), CX_EVENT_CSAT, 0));
    cx_segments *all = new_segments();
    assert_ok(cx_segments_define(all, "all", "csat_answers > 0"));
    assert_ok(cx_segments_group(&g, all, db, CX_METRIC_CSAT, NULL, AT(2)));
    assert_ok(cx_group_get_result(&r, g, 0));
    assert_int_equal(r.count, 2);
    assert_close(r.value, 50, 1e-12);
    cx_group_free(g);
    cx_segments_free(all);
    cx_customers_free(db);
    db = fixtures(1);

    assert_status(cx_segments_group(&g, s, db, CX_METRIC_FCR, NULL, AT(90)), CX_EINVAL);
    assert_error_mentions("kind 4 is not NPS, CSAT or CES");
    assert_null(g);
    cx_customers_free(db);
    db = fixtures(0);
    assert_status(cx_segments_group(&g, s, db, CX_METRIC_NPS, NULL, AT(90)), CX_ESTATE);
    assert_error_mentions("needs a customer set created with keep_history");
    cx_segments_free(s);
    cx_customers_free(db);
}

/* ---- out of memory ------------------------------------------------------------------------ */

static int oom_scenario(void *ctx)
{
    cx_customers *db = ctx;
    cx_segments *s = NULL;
    cx_group *g = NULL;
    uint8_t member[6], all[2];
    int rc = cx_segments_new(&s);
    if (rc == CX_OK) rc = cx_segments_define(s, "a", "attr.plan in ('gold', 'silver') and not (recency_days > 30)");
    if (rc == CX_OK) rc = cx_segments_define(s, "b", "nps_category = 'promoter' or attr.signup exists");
    if (rc == CX_OK) rc = cx_segments_evaluate(member, 6, s, "a", db, AT(90));
    if (rc == CX_OK) rc = cx_segments_match(all, 2, s, db, "alice", AT(90));
    if (rc == CX_OK) rc = cx_segments_group(&g, s, db, CX_METRIC_NPS, NULL, AT(90));
    cx_group_free(g);
    cx_segments_free(s);
    return rc;
}

static void test_segment_out_of_memory(void **state)
{
    (void)state;
    cx_customers *db = fixtures(1);
    assert_true(cx_test_each_allocation_fails(oom_scenario, db) > 20);
    cx_customers_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment_membership),
        cmocka_unit_test(test_segment_expression_errors),
        cmocka_unit_test(test_segment_evaluation_errors),
        cmocka_unit_test(test_segment_rules),
        cmocka_unit_test(test_segment_group),
        cmocka_unit_test(test_segment_out_of_memory),
    };
    return cmocka_run_group_tests_name("segment", tests, NULL, NULL);
}
