/*
 * Black-box tests of customer sets: ids, events, every signal on hand-made
 * timelines, replay, attributes, consent, merge and unmerge, histories.
 *
 * Expected signals come from tests/reference/customer_reference.py, which
 * sums every decayed quantity afresh from the definitions in
 * docs/scoring.md; "ref: NAME" names the line of its output. libcx keeps
 * decayed sums in single precision, hence relative tolerances of 1e-6.
 */
#include "harness.h"

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define AT(d) (T0 + (int64_t)((d) * (double)DAY))

/* |actual - expected| within 1e-6 relative (single-precision decayed sums). */
#define assert_rel(actual, expected) assert_close((actual), (expected), 1e-6 * fabs((double)(expected)) + 1e-9)

typedef struct ev {
    double day;
    cx_event_kind kind;
    double value;
} ev;

/* The timelines of the reference script (ALICE, BOB). */
static const ev alice[] = {
    { 0, CX_EVENT_PURCHASE, 100 }, { 10, CX_EVENT_INTERACTION, 0 }, { 20, CX_EVENT_PURCHASE, 50 },
    { 30, CX_EVENT_REPLY, 3600 }, { 35, CX_EVENT_COMPLAINT, 0 }, { 40, CX_EVENT_REPLY, 7200 },
    { 45, CX_EVENT_PURCHASE, 80 }, { 50, CX_EVENT_COMPLAINT, 0 }, { 52, CX_EVENT_COMPLAINT_RESOLVED, 0 },
    { 55, CX_EVENT_NPS, 4 }, { 56, CX_EVENT_CSAT, 2 }, { 57, CX_EVENT_CES, 3 }, { 58, CX_EVENT_SENTIMENT, -0.5 },
    { 60, CX_EVENT_REPLY, 14400 }, { 61, CX_EVENT_NPS, 9 }, { 62, CX_EVENT_CSAT, 4 }, { 63, CX_EVENT_SENTIMENT, 0.2 },
};
static const ev bob[] = {
    { 5, CX_EVENT_INTERACTION, 0 }, { 25, CX_EVENT_PURCHASE, 20 }, { 33, CX_EVENT_REPLY, 600 },
    { 47, CX_EVENT_COMPLAINT, 0 }, { 70, CX_EVENT_NPS, 10 }, { 72, CX_EVENT_CSAT, 5 },
};
#define N_ALICE (sizeof alice / sizeof alice[0])
#define N_BOB (sizeof bob / sizeof bob[0])

static cx_customers *new_set(int history)
{
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.keep_history = history;
    cx_customers *db = NULL;
    assert_ok(cx_customers_new(&db, &o));
    return db;
}

/* Feeds events in the given order (an index permutation, or NULL). */
static void feed(cx_customers *db, const char *id, const ev *e, size_t n, const size_t *order)
{
    const char *ids[32];
    int64_t t[32];
    cx_event_kind k[32];
    double v[32];
    for (size_t i = 0; i < n; i++) {
        size_t j = order ? order[i] : i;
        ids[i] = id;
        t[i] = AT(e[j].day);
        k[i] = e[j].kind;
        v[i] = e[j].value;
    }
    assert_ok(cx_customers_add_events(db, ids, t, k, v, n));
}

/* alice (first seen day 0) and bob (first seen at his first event). */
static cx_customers *alice_and_bob(int history)
{
    cx_customers *db = new_set(history);
    assert_ok(cx_customers_add(db, "alice", AT(0)));
    assert_ok(cx_customers_add(db, "bob", CX_TIME_NONE));
    feed(db, "alice", alice, N_ALICE, NULL);
    feed(db, "bob", bob, N_BOB, NULL);
    return db;
}

static cx_customer_signals signals_of(const cx_customers *db, const char *id, double day)
{
    cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
    assert_ok(cx_customers_get_signals(&s, db, id, AT(day)));
    return s;
}

/* ref: alice_day90 */
static void assert_alice_day90(const cx_customer_signals *s)
{
    assert_close(s->tenure_days, 90, 1e-12);
    assert_close(s->recency_days, 27, 1e-12);
    assert_int_equal(s->events, 17);
    assert_int_equal(s->interactions, 9);
    assert_rel(s->interaction_rate_recent, 0.0680449962865);
    assert_rel(s->interaction_rate_baseline, 0.0949568990582);
    assert_rel(s->interaction_trend, 0.716588230674);
    assert_int_equal(s->purchases, 3);
    assert_close(s->monetary_total, 230, 1e-12);
    assert_close(s->monetary_mean, 76.6666666667, 1e-9);
    assert_close(s->repurchase_interval_mean_days, 22.5, 1e-12);
    assert_close(s->repurchase_interval_last_days, 25, 1e-12);
    assert_close(s->repurchase_gap_days, 45, 1e-12);
    assert_close(s->repurchase_trend, 2, 1e-12);
    assert_int_equal(s->replies, 3);
    assert_rel(s->reply_latency_recent, 9735.25825326);
    assert_rel(s->reply_latency_baseline, 8617.49583817);
    assert_rel(s->reply_latency_trend, 1.12970849491);
    assert_int_equal(s->complaints, 2);
    assert_int_equal(s->open_complaints, 1);
    assert_int_equal(s->nps_answers, 2);
    assert_close(s->last_nps, 9, 0);
    assert_int_equal(s->nps_category, CX_NPS_PROMOTER);
    assert_int_equal(s->csat_answers, 2);
    assert_close(s->csat_mean, 3, 1e-12);
    assert_rel(s->csat_recent, 3.06920392276);
    assert_close(s->csat_last, 4, 0);
    assert_int_equal(s->ces_answers, 1);
    assert_close(s->ces_mean, 3, 1e-12);
    assert_rel(s->ces_recent, 3);
    assert_close(s->ces_last, 3, 0);
    assert_int_equal(s->sentiment_scores, 2);
    assert_rel(s->sentiment_recent, -0.12980566157);
    assert_rel(s->sentiment_baseline, -0.146630638629);
    assert_close(s->sentiment_trend, 0.016824977059, 1e-6);
}

/* ---- ids ----------------------------------------------------------------- */

static void test_customer_add_and_find(void **state)
{
    (void)state;
    cx_customers *db = new_set(1);
    const char *ids[] = { "a", "b", "c" };
    assert_ok(cx_customers_add_many(db, ids, NULL, 3));
    size_t n, i;
    assert_ok(cx_customers_count(&n, db));
    assert_int_equal(n, 3);
    assert_ok(cx_customers_find(&i, db, "c"));
    assert_int_equal(i, 2);
    const char *id;
    assert_ok(cx_customers_get_id(&id, db, 1));
    assert_string_equal(id, "b");

    /* Errors name the item and change nothing. */
    const char *dup[] = { "d", "a" };
    assert_status(cx_customers_add_many(db, dup, NULL, 2), CX_EEXISTS);
    assert_error_mentions("customers[1]: customer \"a\" already exists");
    const char *twice[] = { "e", "e" };
    assert_status(cx_customers_add_many(db, twice, NULL, 2), CX_EEXISTS);
    assert_error_mentions("appears twice in the batch");
    assert_status(cx_customers_add(db, "", CX_TIME_NONE), CX_EINVAL);
    assert_error_mentions("customer id is empty");
    assert_status(cx_customers_add(db, "bad\xff", CX_TIME_NONE), CX_EINVAL);
    assert_error_mentions("not valid UTF-8 (byte 3)");
    char longid[CX_CUSTOMER_ID_MAX + 2];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    assert_status(cx_customers_add(db, longid, CX_TIME_NONE), CX_EINVAL);
    assert_error_mentions("longer than 256 bytes");
    assert_status(cx_customers_add(db, "f", INT64_MAX), CX_ERANGE);
    assert_error_mentions("first_seen");
    assert_ok(cx_customers_count(&n, db));
    assert_int_equal(n, 3);
    assert_status(cx_customers_find(&i, db, "d"), CX_ENOTFOUND);
    assert_error_mentions("customer \"d\" is not known");
    assert_status(cx_customers_find(&i, db, "e"), CX_ENOTFOUND);
    assert_status(cx_customers_get_id(&id, db, 3), CX_ENOTFOUND);
    assert_error_mentions("record 3 is past the end (3 records)");
    assert_status(cx_customers_add(NULL, "x", 0), CX_EINVAL);
    cx_customers_free(db);
    cx_customers_free(NULL);
}

static void test_customer_options(void **state)
{
    (void)state;
    cx_customers *db = NULL;
    cx_customers_options o;
    assert_ok(cx_customers_options_init(&o, CX_CUSTOMERS_OPTIONS_VERSION));
    assert_close(o.recent_half_life_days, 30, 0);
    assert_close(o.baseline_half_life_days, 180, 0);
    assert_int_equal(o.keep_history, 1);
    o.baseline_half_life_days = 20;
    assert_status(cx_customers_new(&db, &o), CX_EINVAL);
    assert_error_mentions("baseline_half_life_days 20");
    assert_null(db);
    o = (cx_customers_options)CX_CUSTOMERS_OPTIONS_INIT;
    o.csat_max = 1;
    assert_status(cx_customers_new(&db, &o), CX_EINVAL);
    assert_error_mentions("CSAT scale 1..1");
    o = (cx_customers_options)CX_CUSTOMERS_OPTIONS_INIT;
    o.version = 99;
    assert_status(cx_customers_new(&db, &o), CX_EVERSION);
    assert_status(cx_customers_options_init(&o, 0), CX_EINVAL);
    o = (cx_customers_options)CX_CUSTOMERS_OPTIONS_INIT;
    o.csat_min = 0;
    o.csat_max = 10;
    assert_ok(cx_customers_new(&db, &o));
    cx_customers_options back = CX_CUSTOMERS_OPTIONS_INIT;
    assert_ok(cx_customers_get_options(&back, db));
    assert_int_equal(back.csat_max, 10);
    cx_customers_free(db);
}

/* ---- signals --------------------------------------------------------------- */

static void test_customer_signals_timeline(void **state)
{
    (void)state;
    cx_customers *db = alice_and_bob(1);
    cx_customer_signals s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    /* Times, by hand from the timeline. */
    assert_int_equal(s.as_of_ms, AT(90));
    assert_int_equal(s.first_seen_ms, AT(0));
    assert_int_equal(s.last_seen_ms, AT(63));
    assert_int_equal(s.last_purchase_ms, AT(45));
    assert_int_equal(s.last_complaint_ms, AT(50));
    assert_int_equal(s.last_nps_ms, AT(61));
    assert_int_equal(s.last_csat_ms, AT(62));
    assert_int_equal(s.last_ces_ms, AT(57));
    assert_int_equal(s.last_sentiment_ms, AT(63));

    s = signals_of(db, "bob", 90); /* ref: bob_day90 */
    assert_close(s.tenure_days, 85, 1e-12);
    assert_int_equal(s.first_seen_ms, AT(5));
    assert_rel(s.interaction_rate_recent, 0.0269093872685);
    assert_rel(s.interaction_trend, 0.619310839909);
    assert_int_equal(s.purchases, 1);
    assert_close(s.repurchase_gap_days, 65, 1e-12);
    assert_true(isnan(s.repurchase_interval_mean_days));
    assert_true(isnan(s.repurchase_trend));
    assert_close(s.reply_latency_trend, 1, 1e-6);
    assert_int_equal(s.nps_category, CX_NPS_PROMOTER);
    assert_int_equal(s.ces_answers, 0);
    assert_true(isnan(s.ces_mean));
    assert_true(isnan(s.sentiment_recent));
    assert_int_equal(s.last_ces_ms, CX_TIME_NONE);

    /* The same customer through the bulk accessor. */
    cx_customer_signals at = CX_CUSTOMER_SIGNALS_INIT;
    assert_ok(cx_customers_get_signals_at(&at, db, 0, AT(90)));
    assert_alice_day90(&at);
    assert_status(cx_customers_get_signals_at(&at, db, 2, AT(90)), CX_ENOTFOUND);
    assert_error_mentions("cx_customers_get_signals_at: record 2 is past the end (2 records)");
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_status(cx_customers_get_profile_at(&p, db, 2), CX_ENOTFOUND);
    assert_error_mentions("cx_customers_get_profile_at: record 2 is past the end (2 records)");
    cx_attr_value v = CX_ATTR_VALUE_INIT;
    assert_status(cx_customers_get_attribute_at(&v, db, 2, 0), CX_ENOTFOUND);
    assert_error_mentions("cx_customers_get_attribute_at: record 2 is past the end (2 records)");
    cx_customers_free(db);
}

static void test_customer_signals_any_arrival_order(void **state)
{
    (void)state;
    /* Reversed, then interleaved: every aggregate is order-independent. */
    size_t reversed[N_ALICE], shuffled[N_ALICE];
    for (size_t i = 0; i < N_ALICE; i++) {
        reversed[i] = N_ALICE - 1 - i;
        shuffled[i] = (i * 7) % N_ALICE; /* 7 is prime to 17: a permutation */
    }
    for (int round = 0; round < 2; round++) {
        cx_customers *db = new_set(round);
        assert_ok(cx_customers_add(db, "alice", AT(0)));
        /* Complaints before their resolution: resolve last. */
        const size_t *order = round ? reversed : shuffled;
        size_t ordered[N_ALICE], n = 0;
        for (size_t i = 0; i < N_ALICE; i++)
            if (alice[order[i]].kind != CX_EVENT_COMPLAINT_RESOLVED)
                ordered[n++] = order[i];
        ordered[n++] = 8; /* the resolution */
        feed(db, "alice", alice, N_ALICE, ordered);
        cx_customer_signals s = signals_of(db, "alice", 90);
        assert_alice_day90(&s);
        assert_int_equal(s.last_seen_ms, AT(63));
        assert_int_equal(s.last_nps_ms, AT(61));
        cx_customers_free(db);
    }
}

static void test_customer_signals_replay(void **state)
{
    (void)state;
    cx_customers *db = alice_and_bob(1);
    cx_customer_signals s = signals_of(db, "alice", 50); /* ref: alice_day50 */
    assert_close(s.tenure_days, 50, 1e-12);
    assert_close(s.recency_days, 0, 1e-12);
    assert_int_equal(s.events, 8);
    assert_rel(s.interaction_rate_recent, 0.176519670105);
    assert_rel(s.interaction_rate_baseline, 0.162395082746);
    assert_rel(s.interaction_trend, 1.08697669363);
    assert_close(s.repurchase_gap_days, 5, 1e-12);
    assert_close(s.repurchase_trend, 1.11111111111, 1e-9);
    assert_int_equal(s.replies, 2);
    assert_rel(s.reply_latency_recent, 5607.02399751);
    assert_rel(s.reply_latency_trend, 1.03171700532);
    assert_int_equal(s.open_complaints, 2);
    assert_int_equal(s.nps_answers, 0);
    assert_int_equal(s.nps_category, CX_NPS_NONE);
    assert_true(isnan(s.last_nps));
    assert_true(isnan(s.csat_mean));

    /* A replay gives the incremental figures: day 70 from the state, then
     * from the history once a later event exists. */
    cx_customer_signals now = signals_of(db, "alice", 70);
    assert_ok(cx_customers_add_event(db, "alice", AT(80), CX_EVENT_INTERACTION, 0));
    cx_customer_signals replayed = signals_of(db, "alice", 70);
    assert_int_equal(replayed.events, now.events);
    assert_int_equal(replayed.last_seen_ms, now.last_seen_ms);
    assert_rel(replayed.interaction_rate_recent, now.interaction_rate_recent);
    assert_rel(replayed.interaction_rate_baseline, now.interaction_rate_baseline);
    assert_rel(replayed.reply_latency_recent, now.reply_latency_recent);
    assert_rel(replayed.sentiment_recent, now.sentiment_recent);
    assert_rel(replayed.csat_recent, now.csat_recent);

    /* Before the first event: not yet seen. */
    assert_status(cx_customers_get_signals(&s, db, "bob", AT(4)), CX_EEMPTY);
    assert_error_mentions("\"bob\" was not yet seen at 2026-01-05T00:00:00.000Z (first seen 2026-01-06T00:00:00.000Z)");
    assert_status(cx_customers_get_signals(&s, db, "carol", AT(4)), CX_ENOTFOUND);
    assert_status(cx_customers_get_signals(&s, db, "bob", INT64_MAX), CX_ERANGE);
    s.version = CX_CUSTOMER_SIGNALS_VERSION + 1;
    assert_status(cx_customers_get_signals(&s, db, "bob", AT(90)), CX_EVERSION);
    s.version = CX_CUSTOMER_SIGNALS_VERSION;
    cx_customers_free(db);

    /* Without history the past is out of reach, the present is not. */
    db = alice_and_bob(0);
    assert_status(cx_customers_get_signals(&s, db, "alice", AT(50)), CX_ESTATE);
    assert_error_mentions("is before its latest event at 2026-03-05T00:00:00.000Z; replaying the past needs");
    s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    cx_customers_free(db);
}

static void test_customer_signals_without_events(void **state)
{
    (void)state;
    cx_customers *db = new_set(1);
    assert_ok(cx_customers_add(db, "new", AT(10)));
    assert_ok(cx_customers_add(db, "unseen", CX_TIME_NONE));
    cx_customer_signals s = signals_of(db, "new", 12);
    assert_close(s.tenure_days, 2, 1e-12);
    assert_true(isnan(s.recency_days));
    assert_int_equal(s.events, 0);
    assert_close(s.interaction_rate_recent, 0, 0);
    assert_true(isnan(s.interaction_trend));
    assert_true(isnan(s.monetary_mean));
    assert_int_equal(s.last_seen_ms, CX_TIME_NONE);
    assert_status(cx_customers_get_signals(&s, db, "unseen", AT(12)), CX_EEMPTY);
    assert_error_mentions("first seen (none)");
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_ok(cx_customers_get_profile(&p, db, "new"));
    assert_int_equal(p.first_seen_ms, AT(10));
    assert_int_equal(p.last_seen_ms, CX_TIME_NONE);
    assert_int_equal(p.events, 0);
    assert_null(p.merged_into);
    cx_customers_free(db);
}

/* fred: first an NPS answer (which decays nothing), then decayed events. */
static const ev fred[] = {
    { 0, CX_EVENT_NPS, 3 }, { 1, CX_EVENT_INTERACTION, 0 }, { 1, CX_EVENT_REPLY, 60 }, { 10, CX_EVENT_REPLY, 120 },
    { 20, CX_EVENT_SENTIMENT, -0.4 }, { 30, CX_EVENT_CSAT, 2 }, { 40, CX_EVENT_PURCHASE, 25 },
};
#define N_FRED (sizeof fred / sizeof fred[0])
#define T1870 (-3155760000000LL) /* a century before 1970 */

/* ref: fred_day60, whatever the century the timeline is placed in. */
static void assert_fred_day60(const cx_customer_signals *s, int64_t origin)
{
    assert_close(s->tenure_days, 60, 1e-12);
    assert_close(s->recency_days, 20, 1e-12);
    assert_int_equal(s->events, 7);
    assert_int_equal(s->interactions, 4);
    assert_rel(s->interaction_rate_recent, 0.0448736625131);
    assert_rel(s->interaction_rate_baseline, 0.062424488301);
    assert_rel(s->interaction_trend, 0.718847102065);
    assert_rel(s->reply_latency_recent, 93.1079711196);
    assert_rel(s->reply_latency_baseline, 90.5198083566);
    assert_rel(s->reply_latency_trend, 1.02859222539);
    assert_rel(s->sentiment_recent, -0.4);
    assert_rel(s->csat_recent, 2);
    assert_int_equal(s->first_seen_ms, origin);
    assert_int_equal(s->last_nps_ms, origin);
}

static cx_customer_signals fred_signals(const cx_customers *db, const char *id, int64_t origin)
{
    cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
    assert_ok(cx_customers_get_signals(&s, db, id, origin + 60 * DAY));
    return s;
}

static void feed_fred(cx_customers *db, const char *id, int64_t origin)
{
    for (size_t i = 0; i < N_FRED; i++)
        assert_ok(cx_customers_add_event(db, id, origin + (int64_t)fred[i].day * DAY, fred[i].kind, fred[i].value));
}

static void test_customer_signals_before_1970(void **state)
{
    (void)state;
    const int64_t origins[] = { T0, T1870 };
    for (int history = 0; history < 2; history++) {
        for (size_t k = 0; k < 2; k++) {
            int64_t origin = origins[k];
            cx_customers *db = new_set(history);
            assert_ok(cx_customers_add(db, "fred", CX_TIME_NONE));
            feed_fred(db, "fred", origin);
            cx_customer_signals s = fred_signals(db, "fred", origin);
            assert_fred_day60(&s, origin);
            /* Absorbed by an id without events, fred's figures stay his. */
            assert_ok(cx_customers_add(db, "empty", CX_TIME_NONE));
            assert_ok(cx_customers_merge(db, "empty", "fred", origin + 50 * DAY));
            s = fred_signals(db, "empty", origin);
            assert_fred_day60(&s, origin);
            cx_customers_free(db);
        }
    }
}

/* ---- bad events ---------------------------------------------------------------- */

/* A fingerprint of a customer: if a failed call changed anything, it shows. */
static void assert_unchanged(const cx_customers *db, const char *id, const cx_customer_signals *before)
{
    cx_customer_signals now = signals_of(db, id, 90);
    assert_int_equal(now.events, before->events);
    assert_int_equal(now.complaints, before->complaints);
    assert_int_equal(now.open_complaints, before->open_complaints);
    assert_int_equal(now.first_seen_ms, before->first_seen_ms);
    assert_int_equal(now.last_seen_ms, before->last_seen_ms);
    assert_close(now.interaction_rate_recent, before->interaction_rate_recent, 0);
    assert_close(now.monetary_total, before->monetary_total, 0);
}

typedef struct bad_case {
    const char *id;
    double day;
    cx_event_kind kind;
    double value;
    int status;
    const char *message;
} bad_case;

static void test_customer_bad_events_change_nothing(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        { "zed", 70, CX_EVENT_INTERACTION, 0, CX_ENOTFOUND, "events[1]: customer \"zed\" is not known" },
        { "bob", 70, CX_EVENT_NPS, 11, CX_ERANGE, "events[1]: customer \"bob\": NPS answer 11 is not an integer in 0..10" },
        { "bob", 70, CX_EVENT_NPS, 7.5, CX_ERANGE, "NPS answer 7.5 is not an integer" },
        { "bob", 70, CX_EVENT_CSAT, 6, CX_ERANGE, "CSAT answer 6 is not an integer in 1..5" },
        { "bob", 70, CX_EVENT_CES, 0, CX_ERANGE, "CES answer 0 is not an integer in 1..7" },
        { "bob", 70, CX_EVENT_PURCHASE, -5, CX_ERANGE, "purchase amount -5 must be finite and >= 0" },
        { "bob", 70, CX_EVENT_REPLY, NAN, CX_ERANGE, "reply latency nan s is outside 0..1e9 s" },
        { "bob", 70, CX_EVENT_REPLY, 2e9, CX_ERANGE, "reply latency 2e+09 s is outside 0..1e9 s" },
        { "bob", 70, CX_EVENT_SENTIMENT, 1.5, CX_ERANGE, "sentiment score 1.5 is outside -1..1" },
        { "bob", 70, (cx_event_kind)42, 0, CX_EINVAL, "unknown event kind 42" },
        { "bob", 4, CX_EVENT_INTERACTION, 0, CX_ERANGE,
          "interaction at 2026-01-05T00:00:00.000Z is before the customer's first event at 2026-01-06T00:00:00.000Z" },
        { "alice", -1, CX_EVENT_PURCHASE, 1, CX_ERANGE, "customer \"alice\": purchase at 2025-12-31" },
        { "bob", 70, CX_EVENT_COMPLAINT_RESOLVED, 0, CX_ESTATE, "customer \"bob\" has no open complaint to resolve" },
        { "bob", 1e12, CX_EVENT_INTERACTION, 0, CX_ERANGE, "timestamp" },
    };
    cx_customers *db = alice_and_bob(1);
    /* bob's one complaint is resolved first, so a second resolution has none left. */
    assert_ok(cx_customers_add_event(db, "bob", AT(60), CX_EVENT_COMPLAINT_RESOLVED, 0));
    cx_customer_signals alice_before = signals_of(db, "alice", 90), bob_before = signals_of(db, "bob", 90);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        /* A good event first: it must not be applied either. */
        const char *ids[] = { "alice", cases[c].id };
        int64_t t[] = { AT(64), cases[c].day == 1e12 ? INT64_MAX : AT(cases[c].day) };
        cx_event_kind k[] = { CX_EVENT_COMPLAINT, cases[c].kind };
        double v[] = { 0, cases[c].value };
        assert_status(cx_customers_add_events(db, ids, t, k, v, 2), cases[c].status);
        assert_error_mentions(cases[c].message);
        assert_unchanged(db, "alice", &alice_before);
        assert_unchanged(db, "bob", &bob_before);
    }
    /* Single events report without an index. */
    assert_status(cx_customers_add_event(db, "bob", AT(70), CX_EVENT_NPS, 12), CX_ERANGE);
    assert_error_mentions("customer \"bob\": NPS answer 12");
    assert_true(strstr(cx_last_error(), "events[") == NULL);
    /* Values are needed by purchases. */
    const char *ids[] = { "bob" };
    int64_t t[] = { AT(70) };
    cx_event_kind k[] = { CX_EVENT_PURCHASE };
    assert_status(cx_customers_add_events(db, ids, t, k, NULL, 1), CX_EINVAL);
    assert_error_mentions("values is NULL but the event is a purchase");
    cx_event_kind visit[] = { CX_EVENT_INTERACTION };
    assert_ok(cx_customers_add_events(db, ids, t, visit, NULL, 1));
    assert_status(cx_customers_add_events(db, NULL, t, k, NULL, 1), CX_EINVAL);
    assert_ok(cx_customers_add_events(db, NULL, NULL, NULL, NULL, 0));
    cx_customers_free(db);
}

static void test_customer_events_by_record(void **state)
{
    (void)state;
    cx_customers *db = new_set(1);
    assert_ok(cx_customers_add(db, "bob", CX_TIME_NONE));
    assert_ok(cx_customers_add(db, "alice", AT(0)));
    const char *ids[] = { "alice", "bob", "alice" };
    size_t records[3];
    assert_ok(cx_customers_find_many(records, db, ids, 3));
    assert_int_equal(records[0], 1);
    assert_int_equal(records[1], 0);
    /* alice's timeline by record number gives the same signals. ref: alice_day90 */
    size_t rec[N_ALICE];
    int64_t t[N_ALICE];
    cx_event_kind k[N_ALICE];
    double v[N_ALICE];
    for (size_t i = 0; i < N_ALICE; i++) {
        rec[i] = records[0];
        t[i] = AT(alice[i].day);
        k[i] = alice[i].kind;
        v[i] = alice[i].value;
    }
    assert_ok(cx_customers_add_events_at(db, rec, t, k, v, N_ALICE));
    cx_customer_signals s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    /* Errors name the item; nothing is applied. */
    const char *unknown[] = { "alice", "zed" };
    records[0] = records[1] = 99;
    assert_status(cx_customers_find_many(records, db, unknown, 2), CX_ENOTFOUND);
    assert_error_mentions("ids[1]: customer \"zed\" is not known");
    assert_int_equal(records[0], 99);
    size_t bad[] = { 1, 2 };
    assert_status(cx_customers_add_events_at(db, bad, t, k, v, 2), CX_ENOTFOUND);
    assert_error_mentions("events[1]: record 2 is past the end (2 records)");
    size_t late[] = { 1, 1 };
    int64_t t2[] = { AT(95), AT(-5) };
    assert_status(cx_customers_add_events_at(db, late, t2, k, v, 2), CX_ERANGE);
    assert_error_mentions("events[1]: customer \"alice\": interaction at 2025-12-27");
    s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    assert_status(cx_customers_add_events_at(db, NULL, t, k, v, 1), CX_EINVAL);
    assert_ok(cx_customers_find_many(NULL, db, NULL, 0));
    const char *null_id[] = { NULL };
    assert_status(cx_customers_find_many(records, db, null_id, 1), CX_EINVAL);
    cx_customers_free(db);
}

static void test_customer_complaints_within_a_batch(void **state)
{
    (void)state;
    cx_customers *db = new_set(0);
    assert_ok(cx_customers_add(db, "c", CX_TIME_NONE));
    const char *ids[] = { "c", "c", "c", "c" };
    int64_t t[] = { AT(1), AT(2), AT(3), AT(4) };
    cx_event_kind k[] = { CX_EVENT_COMPLAINT, CX_EVENT_COMPLAINT_RESOLVED, CX_EVENT_COMPLAINT,
                          CX_EVENT_COMPLAINT_RESOLVED };
    assert_ok(cx_customers_add_events(db, ids, t, k, NULL, 4));
    cx_customer_signals s = signals_of(db, "c", 5);
    assert_int_equal(s.complaints, 2);
    assert_int_equal(s.open_complaints, 0);
    assert_int_equal(s.events, 4);
    assert_int_equal(s.interactions, 2); /* resolutions are not interactions */
    /* Two resolutions for one complaint: the second has nothing to resolve. */
    cx_event_kind k2[] = { CX_EVENT_COMPLAINT, CX_EVENT_COMPLAINT_RESOLVED, CX_EVENT_COMPLAINT_RESOLVED,
                           CX_EVENT_INTERACTION };
    assert_status(cx_customers_add_events(db, ids, t, k2, NULL, 4), CX_ESTATE);
    assert_error_mentions("events[2]: customer \"c\" has no open complaint");
    s = signals_of(db, "c", 5);
    assert_int_equal(s.complaints, 2);
    assert_int_equal(s.open_complaints, 0);
    cx_customers_free(db);
}

/* ---- attributes and consent ------------------------------------------------------- */

static void define(cx_customers *db, const char *name, cx_attr_type type, cx_survivorship rule)
{
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = name;
    d.type = type;
    d.survivorship = rule;
    assert_ok(cx_customers_define_attribute(db, &d));
}

static void test_customer_attributes(void **state)
{
    (void)state;
    cx_customers *db = alice_and_bob(1);
    define(db, "plan", CX_ATTR_STRING, CX_SURVIVE_MOST_RECENT);
    define(db, "spend", CX_ATTR_NUMBER, CX_SURVIVE_SUM);
    define(db, "vip", CX_ATTR_BOOL, CX_SURVIVE_MOST_RECENT);
    define(db, "signup", CX_ATTR_TIMESTAMP, CX_SURVIVE_OLDEST);
    assert_ok(cx_customers_set_string(db, "alice", "plan", "gold", AT(1)));
    assert_ok(cx_customers_set_number(db, "alice", "spend", 12.5, AT(1)));
    assert_ok(cx_customers_set_bool(db, "alice", "vip", 7, AT(1)));
    assert_ok(cx_customers_set_timestamp(db, "alice", "signup", AT(-30), AT(1)));
    cx_attr_value v = CX_ATTR_VALUE_INIT;
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "plan"));
    assert_int_equal(v.type, CX_ATTR_STRING);
    assert_string_equal(v.string, "gold");
    assert_int_equal(v.updated_ms, AT(1));
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "spend"));
    assert_close(v.number, 12.5, 0);
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "vip"));
    assert_int_equal(v.boolean, 1);
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "signup"));
    assert_int_equal(v.timestamp_ms, AT(-30));
    /* Overwrite, then unset. */
    assert_ok(cx_customers_set_string(db, "alice", "plan", "platinum", AT(2)));
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "plan"));
    assert_string_equal(v.string, "platinum");
    size_t index;
    cx_attr_type type;
    assert_ok(cx_customers_find_attribute(&index, &type, db, "vip"));
    assert_int_equal(index, 2);
    assert_int_equal(type, CX_ATTR_BOOL);
    assert_ok(cx_customers_get_attribute_at(&v, db, 0, index));
    assert_int_equal(v.boolean, 1);
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_ok(cx_customers_get_profile(&p, db, "alice"));
    assert_int_equal(p.attributes, 4);
    assert_ok(cx_customers_unset_attribute(db, "alice", "vip"));
    assert_ok(cx_customers_unset_attribute(db, "alice", "vip"));
    assert_status(cx_customers_get_attribute(&v, db, "alice", "vip"), CX_ENOTFOUND);
    assert_error_mentions("customer \"alice\" has no value for attribute \"vip\"");
    assert_status(cx_customers_unset_attribute(db, "alice", "colour"), CX_ENOTFOUND);
    assert_error_mentions("cx_customers_unset_attribute: attribute \"colour\" is not defined");
    assert_status(cx_customers_unset_attribute(db, "zed", "plan"), CX_ENOTFOUND);
    assert_error_mentions("customer \"zed\" is not known");
    assert_ok(cx_customers_get_profile(&p, db, "alice"));
    assert_int_equal(p.attributes, 3); /* only vip went */

    /* Errors. */
    assert_status(cx_customers_set_number(db, "alice", "plan", 3, AT(3)), CX_EINVAL);
    assert_error_mentions("attribute \"plan\" is a string; cannot set it to a number");
    assert_status(cx_customers_set_string(db, "alice", "spend", "x", AT(3)), CX_EINVAL);
    assert_error_mentions("attribute \"spend\" is a number; cannot set it to a string");
    assert_status(cx_customers_set_number(db, "alice", "spend", NAN, AT(3)), CX_ERANGE);
    assert_error_mentions("attribute \"spend\": value nan is not finite");
    assert_status(cx_customers_set_string(db, "alice", "colour", "red", AT(3)), CX_ENOTFOUND);
    assert_error_mentions("attribute \"colour\" is not defined");
    assert_status(cx_customers_set_string(db, "zed", "plan", "red", AT(3)), CX_ENOTFOUND);
    assert_error_mentions("customer \"zed\" is not known");
    assert_status(cx_customers_set_string(db, "alice", "plan", "bad\xc3", AT(3)), CX_EINVAL);
    assert_error_mentions("not valid UTF-8");
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "plan"));
    assert_string_equal(v.string, "platinum"); /* unchanged */
    assert_ok(cx_customers_get_attribute(&v, db, "alice", "spend"));
    assert_close(v.number, 12.5, 0);
    assert_status(cx_customers_get_attribute_at(&v, db, 0, 9), CX_ENOTFOUND);
    assert_status(cx_customers_find_attribute(NULL, NULL, db, "colour"), CX_ENOTFOUND);

    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = "plan";
    d.type = CX_ATTR_STRING;
    assert_status(cx_customers_define_attribute(db, &d), CX_EEXISTS);
    assert_error_mentions("attribute \"plan\" is already defined");
    d.name = "tier";
    d.survivorship = CX_SURVIVE_SUM;
    assert_status(cx_customers_define_attribute(db, &d), CX_EINVAL);
    assert_error_mentions("CX_SURVIVE_SUM needs a number");
    d.survivorship = CX_SURVIVE_CUSTOM;
    assert_status(cx_customers_define_attribute(db, &d), CX_EINVAL);
    assert_error_mentions("without a merge_fn");
    d.survivorship = CX_SURVIVE_MOST_RECENT;
    d.type = (cx_attr_type)9;
    assert_status(cx_customers_define_attribute(db, &d), CX_EINVAL);
    assert_error_mentions("unknown type 9");
    d.type = CX_ATTR_STRING;
    d.name = "";
    assert_status(cx_customers_define_attribute(db, &d), CX_EINVAL);
    d.version = 0;
    d.name = "tier";
    assert_status(cx_customers_define_attribute(db, &d), CX_EINVAL);
    assert_status(cx_customers_find_attribute(NULL, NULL, db, "tier"), CX_ENOTFOUND);

    /* Consent bits. */
    assert_ok(cx_customers_set_consent(db, "alice", 0x5));
    assert_ok(cx_customers_get_profile(&p, db, "alice"));
    assert_int_equal(p.consent, 0x5);
    assert_int_equal(p.events, 17);
    assert_int_equal(p.last_seen_ms, AT(63));
    assert_status(cx_customers_set_consent(db, "zed", 1), CX_ENOTFOUND);
    cx_customers_free(db);
}

/* ---- merge and unmerge --------------------------------------------------------------- */

static int custom_calls;

static int either_vip(cx_attr_value *out, const cx_attr_value *survivor, const cx_attr_value *absorbed, void *payload)
{
    custom_calls += *(int *)payload;
    out->boolean = survivor->boolean || absorbed->boolean;
    out->updated_ms = survivor->updated_ms;
    return CX_OK;
}

static int refuse(cx_attr_value *out, const cx_attr_value *survivor, const cx_attr_value *absorbed, void *payload)
{
    (void)out;
    (void)survivor;
    (void)absorbed;
    (void)payload;
    return CX_ERANGE;
}

static void define_merge_attributes(cx_customers *db, int *payload)
{
    define(db, "plan", CX_ATTR_STRING, CX_SURVIVE_MOST_RECENT);
    define(db, "email", CX_ATTR_STRING, CX_SURVIVE_NON_EMPTY);
    define(db, "spend", CX_ATTR_NUMBER, CX_SURVIVE_SUM);
    define(db, "signup", CX_ATTR_TIMESTAMP, CX_SURVIVE_OLDEST);
    define(db, "city", CX_ATTR_STRING, CX_SURVIVE_MOST_RECENT);
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = "vip";
    d.type = CX_ATTR_BOOL;
    d.survivorship = CX_SURVIVE_CUSTOM;
    d.merge_fn = either_vip;
    d.payload = payload;
    assert_ok(cx_customers_define_attribute(db, &d));
    assert_ok(cx_customers_set_string(db, "alice", "plan", "silver", AT(1)));
    assert_ok(cx_customers_set_string(db, "bob", "plan", "gold", AT(9)));
    assert_ok(cx_customers_set_string(db, "alice", "email", "", AT(1)));
    assert_ok(cx_customers_set_string(db, "bob", "email", "bob@example.com", AT(2)));
    assert_ok(cx_customers_set_number(db, "alice", "spend", 100, AT(1)));
    assert_ok(cx_customers_set_number(db, "bob", "spend", 20, AT(2)));
    assert_ok(cx_customers_set_timestamp(db, "alice", "signup", AT(-10), AT(3)));
    assert_ok(cx_customers_set_timestamp(db, "bob", "signup", AT(-40), AT(1)));
    assert_ok(cx_customers_set_string(db, "bob", "city", "Lyon", AT(1)));
    assert_ok(cx_customers_set_bool(db, "alice", "vip", 0, AT(1)));
    assert_ok(cx_customers_set_bool(db, "bob", "vip", 1, AT(1)));
}

static const char *string_attr(const cx_customers *db, const char *id, const char *name)
{
    cx_attr_value v = CX_ATTR_VALUE_INIT;
    return cx_customers_get_attribute(&v, db, id, name) == CX_OK ? v.string : NULL;
}

static double number_attr(const cx_customers *db, const char *id, const char *name)
{
    cx_attr_value v = CX_ATTR_VALUE_INIT;
    if (cx_customers_get_attribute(&v, db, id, name) != CX_OK)
        return NAN;
    return v.type == CX_ATTR_NUMBER ? v.number : v.type == CX_ATTR_BOOL ? v.boolean : (double)v.timestamp_ms;
}

static void test_customer_merge_and_unmerge(void **state)
{
    (void)state;
    int payload = 1;
    custom_calls = 0;
    cx_customers *db = alice_and_bob(1);
    define_merge_attributes(db, &payload);
    assert_ok(cx_customers_set_consent(db, "alice", 0x3));
    assert_ok(cx_customers_set_consent(db, "bob", 0x6));
    assert_ok(cx_customers_merge(db, "alice", "bob", AT(80)));

    /* Signals of the union; ref: alice_bob_day90 */
    cx_customer_signals s = signals_of(db, "alice", 90);
    assert_close(s.tenure_days, 90, 1e-12);
    assert_close(s.recency_days, 18, 1e-12);
    assert_int_equal(s.events, 23);
    assert_int_equal(s.interactions, 13);
    assert_rel(s.interaction_rate_recent, 0.0944836151716);
    assert_rel(s.interaction_rate_baseline, 0.136368132397);
    assert_int_equal(s.purchases, 4);
    assert_close(s.monetary_total, 250, 1e-12);
    assert_close(s.repurchase_interval_mean_days, 15, 1e-12);
    assert_close(s.repurchase_interval_last_days, 20, 1e-12);
    assert_close(s.repurchase_trend, 3, 1e-12);
    assert_rel(s.reply_latency_recent, 7898.89509584);
    assert_rel(s.reply_latency_trend, 1.18352321504);
    assert_int_equal(s.open_complaints, 2);
    assert_close(s.last_nps, 10, 0);
    assert_int_equal(s.last_nps_ms, AT(70));
    assert_close(s.csat_mean, 3.66666666667, 1e-6);
    /* bob now answers for alice. */
    cx_customer_signals sb = signals_of(db, "bob", 90);
    assert_int_equal(sb.events, 23);
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_ok(cx_customers_get_profile(&p, db, "bob"));
    assert_string_equal(p.merged_into, "alice");
    assert_string_equal(p.id, "bob");
    assert_int_equal(p.consent, 0x2); /* 0x3 & 0x6 */

    /* Survivorship, by hand: bob's plan is newer, alice's email empty, spend
     * 100 + 20, bob's signup older, bob's city only, vip 0 || 1 by the rule. */
    assert_string_equal(string_attr(db, "alice", "plan"), "gold");
    assert_string_equal(string_attr(db, "alice", "email"), "bob@example.com");
    assert_close(number_attr(db, "alice", "spend"), 120, 0);
    assert_close(number_attr(db, "alice", "signup"), (double)AT(-40), 0);
    assert_string_equal(string_attr(db, "alice", "city"), "Lyon");
    assert_close(number_attr(db, "alice", "vip"), 1, 0);
    assert_int_equal(custom_calls, 1);
    assert_string_equal(string_attr(db, "bob", "plan"), "gold");

    /* After the merge: an event and attributes through either id. */
    assert_ok(cx_customers_add_event(db, "bob", AT(85), CX_EVENT_INTERACTION, 0));
    assert_ok(cx_customers_set_string(db, "bob", "city", "Paris", AT(85)));
    s = signals_of(db, "alice", 90);
    assert_int_equal(s.events, 24);

    size_t n;
    cx_merge_record r = CX_MERGE_RECORD_INIT;
    assert_ok(cx_customers_merge_count(&n, db));
    assert_int_equal(n, 1);
    assert_ok(cx_customers_get_merge(&r, db, 0));
    assert_string_equal(r.survivor, "alice");
    assert_string_equal(r.absorbed, "bob");
    assert_int_equal(r.at_ms, AT(80));
    assert_int_equal(r.undone, 0);

    assert_ok(cx_customers_unmerge(db, "bob"));
    s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    sb = signals_of(db, "bob", 90);
    assert_int_equal(sb.events, 7); /* bob's 6 and the one sent to him after the merge */
    assert_int_equal(sb.last_seen_ms, AT(85));
    assert_int_equal(sb.first_seen_ms, AT(5));
    assert_ok(cx_customers_get_profile(&p, db, "bob"));
    assert_null(p.merged_into);
    assert_ok(cx_customers_get_profile(&p, db, "alice"));
    assert_int_equal(p.consent, 0x3); /* restored */
    /* Merged values return; the city set after the merge stays. */
    assert_string_equal(string_attr(db, "alice", "plan"), "silver");
    assert_string_equal(string_attr(db, "alice", "email"), "");
    assert_close(number_attr(db, "alice", "spend"), 100, 0);
    assert_close(number_attr(db, "alice", "vip"), 0, 0);
    assert_string_equal(string_attr(db, "alice", "city"), "Paris");
    assert_string_equal(string_attr(db, "bob", "plan"), "gold");
    assert_ok(cx_customers_get_merge(&r, db, 0));
    assert_int_equal(r.undone, 1);
    assert_status(cx_customers_unmerge(db, "bob"), CX_ESTATE);
    assert_error_mentions("customer \"bob\" is not merged into another");

    /* Merge again the other way round: allowed. */
    assert_ok(cx_customers_merge(db, "bob", "alice", AT(95)));
    assert_ok(cx_customers_get_profile(&p, db, "alice"));
    assert_string_equal(p.merged_into, "bob");
    cx_customers_free(db);
}

static void test_customer_merge_errors(void **state)
{
    (void)state;
    cx_customers *db = alice_and_bob(1);
    const char *more[] = { "carol", "dan" };
    assert_ok(cx_customers_add_many(db, more, NULL, 2));
    assert_status(cx_customers_merge(db, "alice", "alice", AT(80)), CX_EINVAL);
    assert_error_mentions("cannot merge customer \"alice\" into itself");
    assert_status(cx_customers_merge(db, "alice", "zed", AT(80)), CX_ENOTFOUND);
    assert_error_mentions("customer \"zed\" is not known");
    assert_ok(cx_customers_merge(db, "alice", "carol", AT(80)));
    assert_status(cx_customers_merge(db, "bob", "carol", AT(80)), CX_ESTATE);
    assert_error_mentions("customer \"carol\" is already merged into \"alice\"");
    assert_status(cx_customers_merge(db, "carol", "bob", AT(80)), CX_ESTATE);
    assert_error_mentions("survivor \"carol\" was merged into \"alice\"");
    /* Nested: alice into dan; carol cannot leave alice before alice leaves dan. */
    assert_ok(cx_customers_merge(db, "dan", "alice", AT(81)));
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_ok(cx_customers_get_profile(&p, db, "carol"));
    assert_string_equal(p.merged_into, "dan");
    assert_status(cx_customers_unmerge(db, "carol"), CX_ESTATE);
    assert_error_mentions("\"alice\" was itself merged into \"dan\" since; unmerge \"alice\" first");
    cx_customer_signals s = signals_of(db, "dan", 90);
    assert_int_equal(s.events, 17);
    assert_ok(cx_customers_unmerge(db, "alice"));
    assert_ok(cx_customers_unmerge(db, "carol"));
    s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    assert_status(cx_customers_get_signals(&s, db, "dan", AT(90)), CX_EEMPTY);

    /* A failing survivorship rule aborts the merge; nothing changes. */
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = "tier";
    d.type = CX_ATTR_NUMBER;
    d.survivorship = CX_SURVIVE_CUSTOM;
    d.merge_fn = refuse;
    assert_ok(cx_customers_define_attribute(db, &d));
    assert_ok(cx_customers_set_number(db, "alice", "tier", 1, AT(1)));
    assert_ok(cx_customers_set_number(db, "bob", "tier", 2, AT(1)));
    assert_status(cx_customers_merge(db, "alice", "bob", AT(80)), CX_ERANGE);
    assert_error_mentions("the survivorship rule of attribute \"tier\" failed with status -3");
    assert_ok(cx_customers_get_profile(&p, db, "bob"));
    assert_null(p.merged_into);
    s = signals_of(db, "alice", 90);
    assert_alice_day90(&s);
    size_t n;
    assert_ok(cx_customers_merge_count(&n, db)); /* carol into alice, alice into dan; the refused one is not logged */
    assert_int_equal(n, 2);
    cx_merge_record r = CX_MERGE_RECORD_INIT;
    assert_ok(cx_customers_get_merge(&r, db, 1));
    assert_int_equal(r.undone, 1);
    assert_status(cx_customers_get_merge(&r, db, 2), CX_ENOTFOUND);
    assert_error_mentions("entry 2 is past the end (2 merges)");
    cx_customers_free(db);
}

/* Custom survivorship rules that return something unusable. */
typedef enum { BAD_TYPE, BAD_NULL_STRING, BAD_NAN, BAD_POSITIVE } bad_merge;

static int misbehave(cx_attr_value *out, const cx_attr_value *survivor, const cx_attr_value *absorbed, void *payload)
{
    (void)survivor;
    (void)absorbed;
    switch (*(const bad_merge *)payload) {
    case BAD_TYPE: out->type = CX_ATTR_BOOL; return CX_OK;
    case BAD_NULL_STRING: out->string = NULL; return CX_OK;
    case BAD_NAN: out->number = NAN; return CX_OK;
    default: return 7;
    }
}

static void test_customer_merge_rule_errors(void **state)
{
    (void)state;
    static const struct {
        bad_merge how;
        cx_attr_type type;
        int status;
        const char *message;
    } cases[] = {
        { BAD_TYPE, CX_ATTR_NUMBER, CX_EINVAL, "the survivorship rule of attribute \"x\" returned a bool, not a number" },
        { BAD_NULL_STRING, CX_ATTR_STRING, CX_EINVAL, "the survivorship rule of attribute \"x\" returned a NULL string" },
        { BAD_NAN, CX_ATTR_NUMBER, CX_ERANGE, "the survivorship rule of attribute \"x\" returned nan, not a finite" },
        { BAD_POSITIVE, CX_ATTR_NUMBER, CX_EINVAL, "the survivorship rule of attribute \"x\" failed with status 7" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        cx_customers *db = alice_and_bob(1);
        cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
        d.name = "x";
        d.type = cases[c].type;
        d.survivorship = CX_SURVIVE_CUSTOM;
        d.merge_fn = misbehave;
        d.payload = (void *)&cases[c].how;
        assert_ok(cx_customers_define_attribute(db, &d));
        if (cases[c].type == CX_ATTR_STRING) {
            assert_ok(cx_customers_set_string(db, "alice", "x", "a", AT(1)));
            assert_ok(cx_customers_set_string(db, "bob", "x", "b", AT(1)));
        } else {
            assert_ok(cx_customers_set_number(db, "alice", "x", 1, AT(1)));
            assert_ok(cx_customers_set_number(db, "bob", "x", 2, AT(1)));
        }
        assert_status(cx_customers_merge(db, "alice", "bob", AT(80)), cases[c].status);
        assert_error_mentions(cases[c].message);
        cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
        assert_ok(cx_customers_get_profile(&p, db, "bob"));
        assert_null(p.merged_into);
        size_t n;
        assert_ok(cx_customers_merge_count(&n, db));
        assert_int_equal(n, 0);
        cx_customer_signals s = signals_of(db, "alice", 90);
        assert_alice_day90(&s);
        if (cases[c].type == CX_ATTR_STRING)
            assert_string_equal(string_attr(db, "alice", "x"), "a");
        else
            assert_close(number_attr(db, "alice", "x"), 1, 0);
        cx_customers_free(db);
    }

    /* A sum past the largest double. */
    cx_customers *db = alice_and_bob(1);
    define(db, "spend", CX_ATTR_NUMBER, CX_SURVIVE_SUM);
    assert_ok(cx_customers_set_number(db, "alice", "spend", 1e308, AT(1)));
    assert_ok(cx_customers_set_number(db, "bob", "spend", 1e308, AT(1)));
    assert_status(cx_customers_merge(db, "alice", "bob", AT(80)), CX_ERANGE);
    assert_error_mentions("attribute \"spend\": the sum 1e+308 + 1e+308 overflows");
    assert_close(number_attr(db, "alice", "spend"), 1e308, 0);
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_ok(cx_customers_get_profile(&p, db, "bob"));
    assert_null(p.merged_into);
    cx_customers_free(db);
}

/* A resolution recorded under one id that closed the other id's complaint
 * cannot be split back: the unmerge is refused and changes nothing. */
static void test_customer_unmerge_keeps_complaints_consistent(void **state)
{
    (void)state;
    cx_customers *db = new_set(1);
    const char *ids[] = { "s", "a" };
    assert_ok(cx_customers_add_many(db, ids, NULL, 2));
    assert_ok(cx_customers_add_event(db, "s", AT(0), CX_EVENT_INTERACTION, 0));
    assert_ok(cx_customers_add_event(db, "a", AT(0), CX_EVENT_COMPLAINT, 0));
    assert_ok(cx_customers_merge(db, "s", "a", AT(1)));
    assert_ok(cx_customers_add_event(db, "s", AT(2), CX_EVENT_COMPLAINT_RESOLVED, 0)); /* a's complaint */
    cx_customer_signals before = signals_of(db, "s", 10);
    assert_int_equal(before.complaints, 1);
    assert_int_equal(before.open_complaints, 0);

    assert_status(cx_customers_unmerge(db, "a"), CX_ESTATE);
    assert_error_mentions("\"s\" would keep 1 complaint resolution more than its complaints");
    assert_error_mentions("closed complaints of \"a\"");
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    assert_ok(cx_customers_get_profile(&p, db, "a"));
    assert_string_equal(p.merged_into, "s");
    cx_merge_record r = CX_MERGE_RECORD_INIT;
    assert_ok(cx_customers_get_merge(&r, db, 0));
    assert_int_equal(r.undone, 0);
    cx_customer_signals now = signals_of(db, "s", 10);
    assert_int_equal(now.events, before.events);
    assert_int_equal(now.complaints, 1);
    assert_int_equal(now.open_complaints, 0);
    /* A new complaint still shows as open and can be resolved. */
    assert_ok(cx_customers_add_event(db, "s", AT(3), CX_EVENT_COMPLAINT, 0));
    now = signals_of(db, "s", 10);
    assert_int_equal(now.open_complaints, 1);
    assert_ok(cx_customers_add_event(db, "a", AT(4), CX_EVENT_COMPLAINT_RESOLVED, 0));

    /* Resolutions of each id's own complaints split back cleanly. */
    assert_ok(cx_customers_add(db, "t", CX_TIME_NONE));
    assert_ok(cx_customers_add_event(db, "t", AT(0), CX_EVENT_COMPLAINT, 0));
    assert_ok(cx_customers_add_event(db, "t", AT(1), CX_EVENT_COMPLAINT_RESOLVED, 0));
    assert_ok(cx_customers_merge(db, "s", "t", AT(5)));
    assert_ok(cx_customers_unmerge(db, "t"));
    now = signals_of(db, "t", 10);
    assert_int_equal(now.complaints, 1);
    assert_int_equal(now.open_complaints, 0);
    cx_customers_free(db);
}

static void test_customer_merge_without_history(void **state)
{
    (void)state;
    cx_customers *db = alice_and_bob(0);
    assert_ok(cx_customers_merge(db, "alice", "bob", AT(80)));
    cx_customer_signals s = signals_of(db, "alice", 90); /* ref: alice_bob_day90 */
    assert_int_equal(s.events, 23);
    assert_rel(s.interaction_rate_recent, 0.0944836151716);
    assert_rel(s.reply_latency_baseline, 6674.05167509);
    assert_close(s.repurchase_trend, 3, 1e-12);
    assert_status(cx_customers_unmerge(db, "bob"), CX_ESTATE);
    assert_error_mentions("undoing a merge needs a customer set created with keep_history");
    cx_customers_free(db);
}

/* ---- histories ---------------------------------------------------------------------- */

typedef struct walk_log {
    size_t n;
    size_t records[64];
    int64_t times[64];
    cx_event_kind kinds[64];
} walk_log;

static int log_event(size_t record, int64_t t, cx_event_kind kind, double value, void *payload)
{
    (void)value;
    walk_log *w = payload;
    w->records[w->n] = record;
    w->times[w->n] = t;
    w->kinds[w->n++] = kind;
    return w->n == 20 ? CX_EEMPTY : CX_OK; /* stops the walk, to test that too */
}

static void test_customer_walk_and_metric(void **state)
{
    (void)state;
    cx_customers *db = alice_and_bob(1);
    assert_ok(cx_customers_merge(db, "alice", "bob", AT(80)));
    walk_log w = { 0 };
    assert_ok(cx_customers_walk_events(db, "bob", AT(30), log_event, &w));
    /* By hand: alice 0 P, bob 5 I, alice 10 I, alice 20 P, bob 25 P, alice 30 R. */
    assert_int_equal(w.n, 6);
    size_t expect_records[] = { 0, 1, 0, 0, 1, 0 };
    double expect_days[] = { 0, 5, 10, 20, 25, 30 };
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(w.records[i], expect_records[i]);
        assert_int_equal(w.times[i], AT(expect_days[i]));
    }
    assert_int_equal(w.kinds[5], CX_EVENT_REPLY);
    w.n = 0;
    assert_status(cx_customers_walk_events(db, "alice", AT(90), log_event, &w), CX_EEMPTY);
    assert_int_equal(w.n, 20);

    /* Calculators from the answers: alice's NPS 4, 9 and bob's 10 by day 90. */
    cx_metric *m = NULL;
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_customers_metric(&m, db, "alice", CX_METRIC_NPS, AT(90)));
    assert_ok(cx_metric_get_result(m, &r));
    assert_int_equal(r.count, 3);
    assert_close(r.value, 100.0 * (2.0 / 3 - 1.0 / 3), 1e-9); /* 2 promoters, 1 detractor of 3 */
    cx_metric_free(m);
    assert_ok(cx_customers_metric(&m, db, "alice", CX_METRIC_CSAT, AT(60)));
    assert_ok(cx_metric_get_result(m, &r));
    assert_int_equal(r.count, 1);
    assert_close(r.value, 0, 0); /* one answer, 2: not satisfied */
    cx_metric_free(m);
    assert_ok(cx_customers_metric(&m, db, "alice", CX_METRIC_CES, AT(90)));
    assert_ok(cx_metric_get_result(m, &r));
    assert_close(r.value, 3, 1e-12);
    cx_metric_free(m);
    cx_customers_free(db);

    /* A 2-point CSAT scale (0 unsatisfied, 1 satisfied): the calculator
     * counts the top answer; by hand, answers 1, 0, 1 are 2/3 satisfied. */
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.csat_min = 0;
    o.csat_max = 1;
    assert_ok(cx_customers_new(&db, &o));
    assert_ok(cx_customers_add(db, "thumbs", CX_TIME_NONE));
    const double thumbs[] = { 1, 0, 1 };
    for (int i = 0; i < 3; i++)
        assert_ok(cx_customers_add_event(db, "thumbs", AT(i), CX_EVENT_CSAT, thumbs[i]));
    assert_ok(cx_customers_metric(&m, db, "thumbs", CX_METRIC_CSAT, AT(9)));
    assert_ok(cx_metric_get_result(m, &r));
    assert_int_equal(r.count, 3);
    assert_close(r.value, 200.0 / 3, 1e-9);
    cx_metric_free(m);
    cx_customers_free(db);
    db = alice_and_bob(1);
    assert_ok(cx_customers_merge(db, "alice", "bob", AT(80)));

    assert_status(cx_customers_metric(&m, db, "alice", CX_METRIC_FCR, AT(90)), CX_EINVAL);
    assert_error_mentions("is not NPS, CSAT or CES");
    assert_null(m);
    assert_status(cx_customers_metric(&m, db, "zed", CX_METRIC_NPS, AT(90)), CX_ENOTFOUND);
    assert_null(m);
    w.n = 0;
    assert_status(cx_customers_walk_events(db, "zed", AT(90), log_event, &w), CX_ENOTFOUND);
    assert_error_mentions("cx_customers_walk_events: customer \"zed\" is not known");
    assert_int_equal(w.n, 0);
    cx_customers_free(db);

    db = alice_and_bob(0);
    assert_status(cx_customers_metric(&m, db, "alice", CX_METRIC_NPS, AT(90)), CX_ESTATE);
    assert_error_mentions("needs a customer set created with keep_history");
    assert_status(cx_customers_walk_events(db, "alice", AT(90), log_event, &w), CX_ESTATE);
    cx_customers_free(db);
}

/* ---- out of memory -------------------------------------------------------------------- */

static int oom_scenario(void *ctx)
{
    int history = *(int *)ctx;
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.keep_history = history;
    cx_customers *db = NULL;
    int rc = cx_customers_new(&db, &o);
    const char *ids[] = { "alice", "bob" };
    int64_t first[] = { AT(0), CX_TIME_NONE };
    if (rc == CX_OK) rc = cx_customers_add_many(db, ids, first, 2);
    const char *eid[N_ALICE];
    int64_t t[N_ALICE];
    cx_event_kind k[N_ALICE];
    double v[N_ALICE];
    for (size_t i = 0; i < N_ALICE; i++) {
        eid[i] = i % 3 ? "alice" : "bob";
        t[i] = AT(alice[i].day + 5);
        k[i] = alice[i].kind == CX_EVENT_COMPLAINT_RESOLVED ? CX_EVENT_INTERACTION : alice[i].kind;
        v[i] = alice[i].value;
    }
    if (rc == CX_OK) rc = cx_customers_add_events(db, eid, t, k, v, N_ALICE);
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = "plan";
    d.type = CX_ATTR_STRING;
    if (rc == CX_OK) rc = cx_customers_define_attribute(db, &d);
    if (rc == CX_OK) rc = cx_customers_set_string(db, "alice", "plan", "gold", 1);
    if (rc == CX_OK) rc = cx_customers_set_string(db, "bob", "plan", "basic", 2);
    if (rc == CX_OK) rc = cx_customers_merge(db, "alice", "bob", AT(70));
    cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
    if (rc == CX_OK && history) rc = cx_customers_get_signals(&s, db, "alice", AT(30));
    if (rc == CX_OK && history) rc = cx_customers_unmerge(db, "bob");
    if (rc == CX_OK && history) {
        cx_metric *m = NULL;
        rc = cx_customers_metric(&m, db, "alice", CX_METRIC_NPS, AT(90));
        cx_metric_free(m);
    }
    /* Whatever failed, the set is still consistent and readable. */
    if (rc == CX_ENOMEM && db != NULL) {
        size_t n = 0;
        cx_customers_count(&n, db);
        for (size_t i = 0; i < n; i++) {
            int check = cx_customers_get_signals_at(&s, db, i, AT(200));
            if (check != CX_OK && check != CX_EEMPTY)
                rc = check;
        }
    }
    cx_customers_free(db);
    return rc;
}

static void test_customer_out_of_memory(void **state)
{
    (void)state;
    long points = 0;
    for (int history = 0; history < 2; history++)
        points += cx_test_each_allocation_fails(oom_scenario, &history);
    assert_true(points > 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_customer_add_and_find),
        cmocka_unit_test(test_customer_options),
        cmocka_unit_test(test_customer_signals_timeline),
        cmocka_unit_test(test_customer_signals_any_arrival_order),
        cmocka_unit_test(test_customer_signals_replay),
        cmocka_unit_test(test_customer_signals_without_events),
        cmocka_unit_test(test_customer_signals_before_1970),
        cmocka_unit_test(test_customer_bad_events_change_nothing),
        cmocka_unit_test(test_customer_events_by_record),
        cmocka_unit_test(test_customer_complaints_within_a_batch),
        cmocka_unit_test(test_customer_attributes),
        cmocka_unit_test(test_customer_merge_and_unmerge),
        cmocka_unit_test(test_customer_merge_errors),
        cmocka_unit_test(test_customer_merge_rule_errors),
        cmocka_unit_test(test_customer_unmerge_keeps_complaints_consistent),
        cmocka_unit_test(test_customer_merge_without_history),
        cmocka_unit_test(test_customer_walk_and_metric),
        cmocka_unit_test(test_customer_out_of_memory),
    };
    return cmocka_run_group_tests_name("customer", tests, NULL, NULL);
}
