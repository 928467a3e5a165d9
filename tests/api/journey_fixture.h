/*
 * The hand-checked journey shared by the journey suites.
 *
 * Touchpoints (index: id, channel, stage):
 *   0: ad   social  awareness
 *   1: web  web     consideration
 *   2: chat chat    consideration
 *   3: buy  web     purchase (the goal stage)
 *   4: call phone   service
 * Stages in order: awareness, consideration, purchase, service. The
 * inactivity gap is one day. Events (customer: touchpoint@seconds):
 *   c1: ad@0 web@60 buy@180
 *   c2: ad@0 chat@120 web@300 buy@600 call@4000
 *   c3: web@0 ad@30 web@90
 *   c4: ad@0
 *   c5: ad@0 web@100 | two days later: web@172800 buy@172850  (two cases)
 *   c6: chat@0 chat@60 call@200 buy@500
 *   c7: ad@0 web@120 buy@240
 *   c8: ad@500
 * So 24 events, 8 customers, 9 cases (c5 splits), 5 converting (c1, c2,
 * c5's second case, c6, c7). Outcomes (CSAT 1..5): buy 5 (c1), 4 (c2),
 * 2 (c7); call 3 (c2); chat 5 (c6 at 0 s).
 */
#ifndef CX_TEST_JOURNEY_FIXTURE_H
#define CX_TEST_JOURNEY_FIXTURE_H

#include "harness.h"

#define FIX_DAY_S 86400LL

typedef struct fixture_event {
    const char *customer;
    const char *touchpoint;
    long long seconds;
    double outcome;
} fixture_event;

static const fixture_event fixture_events[] = {
    { "c1", "ad", 0, NAN },    { "c1", "web", 60, NAN },   { "c1", "buy", 180, 5 },
    { "c2", "ad", 0, NAN },    { "c2", "chat", 120, NAN }, { "c2", "web", 300, NAN },
    { "c2", "buy", 600, 4 },   { "c2", "call", 4000, 3 },  { "c3", "web", 0, NAN },
    { "c3", "ad", 30, NAN },   { "c3", "web", 90, NAN },   { "c4", "ad", 0, NAN },
    { "c5", "ad", 0, NAN },    { "c5", "web", 100, NAN },  { "c5", "web", 2 * FIX_DAY_S, NAN },
    { "c5", "buy", 2 * FIX_DAY_S + 50, NAN },              { "c6", "chat", 0, 5 },
    { "c6", "chat", 60, NAN }, { "c6", "call", 200, NAN }, { "c6", "buy", 500, NAN },
    { "c7", "ad", 0, NAN },    { "c7", "web", 120, NAN },  { "c7", "buy", 240, 2 },
    { "c8", "ad", 500, NAN },
};
#define FIXTURE_EVENTS (sizeof fixture_events / sizeof fixture_events[0])

static const char *const fixture_stages[] = { "awareness", "consideration", "purchase", "service" };
static const char *const fixture_goals[] = { "purchase" };

static inline cx_touchpoint_registry *fixture_registry(void)
{
    static const struct {
        const char *id;
        cx_channel channel;
        const char *stage;
    } tps[] = {
        { "ad", CX_CHANNEL_SOCIAL, "awareness" }, { "web", CX_CHANNEL_WEB, "consideration" },
        { "chat", CX_CHANNEL_CHAT, "consideration" }, { "buy", CX_CHANNEL_WEB, "purchase" },
        { "call", CX_CHANNEL_PHONE, "service" },
    };
    cx_touchpoint_registry *reg = NULL;
    assert_ok(cx_touchpoint_registry_new(&reg));
    for (size_t i = 0; i < sizeof tps / sizeof tps[0]; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = tps[i].id;
        info.channel = tps[i].channel;
        info.stage = tps[i].stage;
        assert_ok(cx_touchpoint_add(NULL, reg, &info));
    }
    return reg;
}

static inline cx_journey_options fixture_options(void)
{
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.inactivity_gap_ms = FIX_DAY_S * 1000;
    o.stages = fixture_stages;
    o.stage_count = 4;
    o.goal_stages = fixture_goals;
    o.goal_count = 1;
    return o;
}

static inline cx_journey *fixture_empty(void)
{
    cx_touchpoint_registry *reg = fixture_registry();
    cx_journey_options o = fixture_options();
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, reg, &o));
    cx_touchpoint_registry_free(reg);
    return j;
}

/* Observes the fixture's events in the order given by `order` (a
 * permutation of the event indices), or in a fixed scrambled order. */
static inline void fixture_feed(cx_journey *j, const size_t *order)
{
    const char *customers[FIXTURE_EVENTS], *touchpoints[FIXTURE_EVENTS];
    int64_t ts[FIXTURE_EVENTS];
    double outcomes[FIXTURE_EVENTS];
    for (size_t i = 0; i < FIXTURE_EVENTS; i++) {
        /* 7 is coprime with 24: i -> 7i mod 24 visits every event once. */
        size_t k = order ? order[i] : (i * 7) % FIXTURE_EVENTS;
        customers[i] = fixture_events[k].customer;
        touchpoints[i] = fixture_events[k].touchpoint;
        ts[i] = fixture_events[k].seconds * 1000;
        outcomes[i] = fixture_events[k].outcome;
    }
    assert_ok(cx_journey_observe_many(j, customers, touchpoints, ts, outcomes, FIXTURE_EVENTS));
}

static inline cx_journey *fixture_journey(void)
{
    cx_journey *j = fixture_empty();
    fixture_feed(j, NULL);
    return j;
}

/* The journey's JSON export as a malloc'ed string (for comparisons). */
static inline char *journey_json(cx_journey *j)
{
    cx_buffer b = CX_BUFFER_INIT;
    assert_ok(cx_journey_to_json(&b, j, NULL));
    char *copy = strdup(b.data);
    cx_buffer_dispose(&b);
    return copy;
}

#endif /* CX_TEST_JOURNEY_FIXTURE_H */
