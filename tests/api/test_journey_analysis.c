/*
 * Black-box tests of the journey analyses beyond paths: friction signals,
 * attribution (first, last, linear, Markov orders 1 and 2) and
 * per-touchpoint experience, on the hand-checked journey of
 * journey_fixture.h.
 *
 * Counts are worked out by hand from the event table. Markov figures are
 * solved by hand as fractions where the chain is small (shown below) and
 * checked against tests/reference/journey_reference.py (numpy.linalg), the
 * name after "ref:" being the line of its output.
 */
#include "journey_fixture.h"

/* ---- friction ------------------------------------------------------------ */

static cx_friction_entry friction_row(const cx_friction *f, size_t index)
{
    cx_friction_entry e = CX_FRICTION_ENTRY_INIT;
    assert_ok(cx_friction_get(&e, f, index));
    return e;
}

static void test_friction_hand_checked(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_friction *f = NULL;
    assert_ok(cx_journey_friction(&f, j, NULL));
    cx_friction_summary s = CX_FRICTION_SUMMARY_INIT;
    assert_ok(cx_friction_get_summary(&s, f));
    assert_int_equal(s.cases, 9);
    /* Repeats within 7 days in the same case: c3 web@0 -> web@90, c6
     * chat@0 -> chat@60 (c5's two webs are in different cases). */
    assert_int_equal(s.repeat_contacts, 2);
    assert_int_equal(s.cases_with_repeats, 2);
    /* Loops: c3 returns to web after ad; c6's chat chat is a repeat, not a loop. */
    assert_int_equal(s.revisits, 1);
    assert_int_equal(s.cases_with_loops, 1);
    /* Backtracks: c3 web (consideration) -> ad (awareness); c6 call
     * (service) -> buy (purchase). */
    assert_int_equal(s.backtracks, 2);
    assert_int_equal(s.cases_with_backtracks, 2);
    /* Channel switches (social ad, web web/buy, chat chat, phone call): c1
     * 1, c2 3, c3 2, c5 first case 1, c6 2, c7 1 = 10 in 6 cases. */
    assert_int_equal(s.channel_switches, 10);
    assert_int_equal(s.cases_crossing_channels, 6);
    assert_close(s.crossing_share, 6.0 / 9, 1e-15);
    /* Last transition a switch: c2 (buy -> call), c3 (ad -> web), c5's
     * first case (ad -> web), c6 (call -> buy); c3 and c5's do not convert. */
    assert_int_equal(s.ended_after_switch, 4);
    assert_int_equal(s.lost_after_switch, 2);

    size_t n;
    assert_ok(cx_friction_count(&n, f));
    assert_int_equal(n, 5);
    cx_friction_entry ad = friction_row(f, 0), web = friction_row(f, 1), chat = friction_row(f, 2),
                      buy = friction_row(f, 3), call = friction_row(f, 4);
    assert_string_equal(ad.id, "ad");
    assert_int_equal(ad.events, 7);
    assert_int_equal(ad.backtracks_into, 1);
    assert_int_equal(ad.switches_into, 1);
    assert_int_equal(web.events, 7);
    assert_int_equal(web.repeat_contacts, 1);
    assert_int_equal(web.revisits, 1);
    assert_int_equal(web.switches_into, 5); /* from ad in c1 c3 c5 c7, from chat in c2 */
    assert_int_equal(web.ended_after_switch, 2);
    assert_int_equal(web.lost_after_switch, 2);
    assert_int_equal(chat.repeat_contacts, 1);
    assert_int_equal(chat.switches_into, 1);
    assert_int_equal(buy.backtracks_into, 1);
    assert_int_equal(buy.ended_after_switch, 1);
    assert_int_equal(buy.lost_after_switch, 0);
    assert_int_equal(call.touchpoint, 4);
    assert_int_equal(call.switches_into, 2);
    assert_int_equal(call.ended_after_switch, 1);
    cx_friction_entry e = CX_FRICTION_ENTRY_INIT;
    assert_status(cx_friction_get(&e, f, 5), CX_ENOTFOUND);
    cx_friction_free(f);

    /* Windows: 50 s catches neither repeat (90 s, 60 s apart); 60 s catches c6's. */
    cx_friction_options o = CX_FRICTION_OPTIONS_INIT;
    o.repeat_window_ms = 50000;
    assert_ok(cx_journey_friction(&f, j, &o));
    assert_ok(cx_friction_get_summary(&s, f));
    assert_int_equal(s.repeat_contacts, 0);
    assert_int_equal(s.revisits, 1);
    cx_friction_free(f);
    o.repeat_window_ms = 60000;
    assert_ok(cx_journey_friction(&f, j, &o));
    assert_ok(cx_friction_get_summary(&s, f));
    assert_int_equal(s.repeat_contacts, 1);
    cx_friction_free(f);
    o.repeat_window_ms = -1;
    assert_status(cx_journey_friction(&f, j, &o), CX_ERANGE);
    assert_error_mentions("repeat_window_ms -1 is negative");
    assert_null(f);
    o.repeat_window_ms = 0;
    o.version = 2;
    assert_status(cx_journey_friction(&f, j, &o), CX_EVERSION);
    cx_friction_free(NULL);
    cx_journey_free(j);
}

/* ---- attribution --------------------------------------------------------- */

static cx_attribution *attribute(cx_journey *j, cx_attribution_model model, unsigned order, cx_journey_level level)
{
    cx_attribution_options o = CX_ATTRIBUTION_OPTIONS_INIT;
    o.model = model;
    o.markov_order = order;
    o.level = level;
    cx_attribution *a = NULL;
    assert_ok(cx_journey_attribution(&a, j, &o));
    return a;
}

/* Checks the listed order and credits of an attribution. */
static void assert_credits(const cx_attribution *a, size_t n, const char *const *names, const double *credits,
                           double tol)
{
    size_t count;
    assert_ok(cx_attribution_count(&count, a));
    assert_int_equal(count, n);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
        assert_ok(cx_attribution_get(&e, a, i));
        assert_string_equal(e.name, names[i]);
        assert_close(e.credit, credits[i], tol);
        assert_close(e.share, credits[i] / 5, tol);
        total += e.credit;
    }
    assert_close(total, 5, 1e-12); /* the five converting cases */
}

static void test_attribution_heuristics(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    /* Paths before the goal, converting ones marked *: c1 ad web*, c2 ad
     * chat web*, c3 web ad web, c4 ad, c5 ad web | web*, c6 chat chat
     * call*, c7 ad web*, c8 ad. */
    cx_attribution *a = attribute(j, CX_ATTRIBUTION_FIRST_TOUCH, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    /* First: ad (c1 c2 c7) 3, chat (c6) 1, web (c5) 1, call 0. ref: small_first */
    static const char *const first_names[] = { "ad", "chat", "web", "call" };
    static const double first[] = { 3, 1, 1, 0 };
    assert_credits(a, 4, first_names, first, 0);
    cx_attribution_summary s = CX_ATTRIBUTION_SUMMARY_INIT;
    assert_ok(cx_attribution_get_summary(&s, a));
    assert_int_equal(s.model, CX_ATTRIBUTION_FIRST_TOUCH);
    assert_int_equal(s.markov_order, 0);
    assert_int_equal(s.cases, 9);
    assert_int_equal(s.conversions, 5);
    assert_int_equal(s.attributed, 5);
    assert_true(isnan(s.conversion_probability));
    assert_int_equal(s.states, 0);
    cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
    assert_ok(cx_attribution_get(&e, a, 0));
    assert_true(isnan(e.removal_effect));
    double re;
    assert_status(cx_attribution_removal_effect(&re, a, first_names, 1), CX_EINVAL);
    assert_error_mentions("not a Markov model");
    cx_attribution_free(a);

    /* Last: web (c1 c2 c5 c7) 4, call (c6) 1. ref: small_last */
    a = attribute(j, CX_ATTRIBUTION_LAST_TOUCH, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    static const char *const last_names[] = { "web", "call", "ad", "chat" };
    static const double last[] = { 4, 1, 0, 0 };
    assert_credits(a, 4, last_names, last, 0);
    cx_attribution_free(a);

    /* Linear: web 1/2 + 1/3 + 1 + 1/2 = 7/3, ad 1/2 + 1/3 + 1/2 = 4/3,
     * chat 1/3 + 2/3 = 1, call 1/3. ref: small_linear */
    a = attribute(j, CX_ATTRIBUTION_LINEAR, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    static const char *const linear_names[] = { "web", "ad", "chat", "call" };
    static const double linear[] = { 7.0 / 3, 4.0 / 3, 1, 1.0 / 3 };
    assert_credits(a, 4, linear_names, linear, 1e-12);
    cx_attribution_free(a);
    cx_attribution_free(NULL);
    cx_journey_free(j);
}

static void test_attribution_markov_first_order(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_attribution *a = attribute(j, CX_ATTRIBUTION_MARKOV, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    /*
     * Transitions: START -> ad 6, web 2, chat 1 (of 9); ad -> web 4, chat 1,
     * NULL 2 (of 7); web -> CONV 4, ad 1, NULL 2 (of 7); chat -> web, chat,
     * call 1 each; call -> CONV 1. Conversion probabilities x solve
     * x = Q x + r: x_call = 1, x_chat = (x_web + 1)/2, x_web = 57/89,
     * x_ad = 43/89, x_chat = 73/89, x_START = (6*43 + 2*57 + 73)/(9*89) = 5/9.
     * Without ad: x_START = 3/14 -> removal effect 1 - (3/14)/(5/9) = 43/70.
     * Without web: 13/126 -> 57/70. Without chat: 152/405 -> 73/225.
     * Without call: 4/9 -> 1/5. Credits 5 x effect / sum of effects.
     * ref: small_markov1_removal, small_markov1_credit
     */
    cx_attribution_summary s = CX_ATTRIBUTION_SUMMARY_INIT;
    assert_ok(cx_attribution_get_summary(&s, a));
    assert_int_equal(s.markov_order, 1);
    assert_int_equal(s.states, 5); /* START, ad, web, chat, call */
    assert_close(s.conversion_probability, 5.0 / 9, 1e-14);
    static const char *const names[] = { "web", "ad", "chat", "call" };
    static const double effect[] = { 57.0 / 70, 43.0 / 70, 73.0 / 225, 1.0 / 5 };
    static const double credit[] = { 2.08468790637, 1.57265929779, 0.830624187256, 0.512028608583 };
    assert_credits(a, 4, names, credit, 1e-10);
    for (size_t i = 0; i < 4; i++) {
        cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
        assert_ok(cx_attribution_get(&e, a, i));
        assert_close(e.removal_effect, effect[i], 1e-14);
    }
    /* Removing ad and web together: x_chat = 1/2, x_START = 1/18 -> 9/10.
     * ref: small_markov1_set_ad_web */
    static const char *const both[] = { "ad", "web" };
    double re = -1;
    assert_ok(cx_attribution_removal_effect(&re, a, both, 2));
    assert_close(re, 0.9, 1e-14);
    assert_ok(cx_attribution_removal_effect(&re, a, names + 3, 1));
    assert_close(re, 0.2, 1e-14);
    assert_ok(cx_attribution_removal_effect(&re, a, NULL, 0));
    assert_close(re, 0, 1e-15);
    static const char *const goal[] = { "buy" };
    re = -1;
    assert_status(cx_attribution_removal_effect(&re, a, goal, 1), CX_ENOTFOUND);
    assert_error_mentions("names[0] \"buy\" is not a node of the chain");
    assert_close(re, -1, 0);
    assert_status(cx_attribution_removal_effect(&re, a, NULL, 1), CX_EINVAL);
    cx_attribution_free(a);

    /* Same again: results are identical, bit for bit. */
    cx_attribution *b = attribute(j, CX_ATTRIBUTION_MARKOV, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    a = attribute(j, CX_ATTRIBUTION_MARKOV, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    for (size_t i = 0; i < 4; i++) {
        cx_attribution_entry x = CX_ATTRIBUTION_ENTRY_INIT, y = CX_ATTRIBUTION_ENTRY_INIT;
        assert_ok(cx_attribution_get(&x, a, i));
        assert_ok(cx_attribution_get(&y, b, i));
        assert_memory_equal(&x.credit, &y.credit, sizeof x.credit);
        assert_memory_equal(&x.removal_effect, &y.removal_effect, sizeof x.removal_effect);
    }
    cx_attribution_free(a);
    cx_attribution_free(b);

    /* Channels map one to one onto these touchpoints on the paths (ad
     * social, web web, chat chat, call phone; buy is the goal), so the
     * channel credits are the same. */
    a = attribute(j, CX_ATTRIBUTION_MARKOV, 1, CX_JOURNEY_LEVEL_CHANNEL);
    static const char *const channels[] = { "web", "social", "chat", "phone" };
    assert_credits(a, 4, channels, credit, 1e-10);
    cx_attribution_free(a);
    cx_journey_free(j);
}

static void test_attribution_markov_second_order(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_attribution *a = attribute(j, CX_ATTRIBUTION_MARKOV, 2, CX_JOURNEY_LEVEL_TOUCHPOINT);
    cx_attribution_summary s = CX_ATTRIBUTION_SUMMARY_INIT;
    assert_ok(cx_attribution_get_summary(&s, a));
    /* States: START, (START ad), (START web), (START chat), (ad web),
     * (ad chat), (web ad), (chat web), (chat chat), (chat call) = 10.
     * ref: small_markov2_probability, small_markov2_removal, small_markov2_credit */
    assert_int_equal(s.states, 10);
    assert_int_equal(s.markov_order, 2);
    assert_close(s.conversion_probability, 0.555555555556, 1e-12);
    static const char *const names[] = { "web", "ad", "chat", "call" };
    static const double credit[] = { 2, 1.5, 1, 0.5 };
    static const double effect[] = { 0.8, 0.6, 0.4, 0.2 };
    assert_credits(a, 4, names, credit, 1e-12);
    for (size_t i = 0; i < 4; i++) {
        cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
        assert_ok(cx_attribution_get(&e, a, i));
        assert_close(e.removal_effect, effect[i], 1e-12);
    }
    static const char *const both[] = { "ad", "web" };
    double re;
    assert_ok(cx_attribution_removal_effect(&re, a, both, 2));
    assert_close(re, 0.8, 1e-12); /* ref: small_markov2_set_ad_web */
    cx_attribution_free(a);

    /* A chain needs more states than allowed. */
    cx_attribution_options o = CX_ATTRIBUTION_OPTIONS_INIT;
    o.markov_order = 2;
    o.max_states = 9;
    a = (cx_attribution *)j;
    assert_status(cx_journey_attribution(&a, j, &o), CX_ERANGE);
    assert_error_mentions("the order-2 chain has 10 states, more than max_states 9");
    assert_null(a);
    cx_journey_free(j);
}

/* Order 2 sees what order 1 cannot: b converts after a, not after c. */
static void test_attribution_memory(void **state)
{
    (void)state;
    static const char *const stages[] = { "browse", "buy" };
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.stages = stages;
    o.stage_count = 2;
    o.goal_stages = stages + 1;
    o.goal_count = 1;
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, NULL, &o));
    static const char *const ids[] = { "a", "b", "c", "g" };
    for (int i = 0; i < 4; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = ids[i];
        info.stage = i == 3 ? "buy" : "browse";
        assert_ok(cx_journey_add_touchpoint(NULL, j, &info));
    }
    /* a b g (x3), c b (x3), b g, a. */
    static const char *const paths[][3] = { { "a", "b", "g" }, { "c", "b", NULL }, { "b", "g", NULL }, { "a", NULL, NULL } };
    static const int repeat[] = { 3, 3, 1, 1 };
    char id[16];
    int n = 0;
    for (int p = 0; p < 4; p++)
        for (int r = 0; r < repeat[p]; r++, n++) {
            snprintf(id, sizeof id, "u%d", n);
            for (int k = 0; k < 3 && paths[p][k]; k++)
                assert_ok(cx_journey_observe(j, id, paths[p][k], k * 1000, NAN));
        }
    /* ref: memory_markov1: removal a 0.428571428571, b 1, c 0.428571428571 */
    cx_attribution *a = attribute(j, CX_ATTRIBUTION_MARKOV, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
    assert_ok(cx_attribution_get(&e, a, 0));
    assert_string_equal(e.name, "b");
    assert_close(e.removal_effect, 1, 1e-14);
    assert_close(e.credit, 2.15384615385, 1e-10);
    assert_ok(cx_attribution_get(&e, a, 2));
    assert_string_equal(e.name, "c");
    assert_close(e.removal_effect, 0.428571428571, 1e-11);
    cx_attribution_free(a);
    /* ref: memory_markov2: removal a 0.75, b 1, c 0 -> c earns nothing. */
    a = attribute(j, CX_ATTRIBUTION_MARKOV, 2, CX_JOURNEY_LEVEL_TOUCHPOINT);
    assert_ok(cx_attribution_get(&e, a, 1));
    assert_string_equal(e.name, "a");
    assert_close(e.removal_effect, 0.75, 1e-12);
    assert_close(e.credit, 1.71428571429, 1e-10);
    assert_ok(cx_attribution_get(&e, a, 2));
    assert_string_equal(e.name, "c");
    assert_close(e.removal_effect, 0, 1e-12);
    assert_close(e.credit, 0, 1e-12);
    cx_attribution_free(a);
    cx_journey_free(j);
}

static void test_attribution_rejects(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_attribution *a = NULL;
    cx_attribution_options o = CX_ATTRIBUTION_OPTIONS_INIT;
    o.model = (cx_attribution_model)5;
    assert_status(cx_journey_attribution(&a, j, &o), CX_EINVAL);
    assert_error_mentions("model 5");
    o.model = CX_ATTRIBUTION_MARKOV;
    o.markov_order = 3;
    assert_status(cx_journey_attribution(&a, j, &o), CX_EINVAL);
    assert_error_mentions("markov_order 3 is not 1 or 2");
    o.markov_order = 1;
    o.level = CX_JOURNEY_LEVEL_STAGE;
    assert_status(cx_journey_attribution(&a, j, &o), CX_EINVAL);
    assert_error_mentions("CX_JOURNEY_LEVEL_TOUCHPOINT or _CHANNEL");
    o.level = CX_JOURNEY_LEVEL_TOUCHPOINT;
    o.version = 0;
    assert_status(cx_journey_attribution(&a, j, &o), CX_EINVAL);
    assert_null(a);
    cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
    a = attribute(j, CX_ATTRIBUTION_LINEAR, 1, CX_JOURNEY_LEVEL_TOUCHPOINT);
    assert_status(cx_attribution_get(&e, a, 4), CX_ENOTFOUND);
    e.version = 2;
    assert_status(cx_attribution_get(&e, a, 0), CX_EVERSION);
    cx_attribution_free(a);
    cx_journey_free(j);

    /* No goal stage: nothing converts. */
    cx_journey_options jo = CX_JOURNEY_OPTIONS_INIT;
    jo.auto_register = 1;
    assert_ok(cx_journey_new(&j, NULL, &jo));
    assert_ok(cx_journey_observe(j, "u", "x", 0, NAN));
    assert_status(cx_journey_attribution(&a, j, NULL), CX_EEMPTY);
    assert_error_mentions("(1 cases, 0 conversions)");
    cx_journey_free(j);

    cx_attribution_options ao;
    cx_attribution_summary as;
    cx_friction_options fo;
    cx_friction_summary fs;
    cx_friction_entry fe;
    assert_ok(cx_attribution_options_init(&ao, 1));
    assert_int_equal(ao.model, CX_ATTRIBUTION_MARKOV);
    assert_int_equal(ao.max_states, 2000);
    assert_ok(cx_attribution_summary_init(&as, 1));
    assert_ok(cx_attribution_entry_init(&e, 1));
    assert_ok(cx_friction_options_init(&fo, 1));
    assert_int_equal(fo.repeat_window_ms, 604800000);
    assert_ok(cx_friction_summary_init(&fs, 1));
    assert_ok(cx_friction_entry_init(&fe, 1));
    assert_status(cx_attribution_options_init(&ao, 2), CX_EVERSION);
    assert_status(cx_friction_entry_init(NULL, 1), CX_EINVAL);
}

/* ---- experience ------------------------------------------------------------ */

static cx_metric_result group_result(cx_group *g, const char *segment, uint64_t count)
{
    size_t index;
    assert_ok(cx_group_find(&index, g, segment, 0));
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_group_get_result(&r, g, index));
    assert_int_equal(r.count, count);
    return r;
}

static void test_experience_by_touchpoint_stage_channel(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_group *g = NULL;
    /* CSAT (top-2 box on 1..5): buy 5 4 2 -> 2/3 = 66.67 %; call 3 -> 0 %;
     * chat 5 -> 100 %. */
    assert_ok(cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_TOUCHPOINT, CX_METRIC_CSAT, NULL, NULL));
    size_t n;
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 3);
    assert_close(group_result(g, "buy", 3).value, 200.0 / 3, 1e-12);
    assert_close(group_result(g, "call", 1).value, 0, 0);
    assert_close(group_result(g, "chat", 1).value, 100, 0);
    cx_group_free(g);
    /* By stage: purchase 5 4 2, service 3, consideration 5 (mean CSAT). */
    cx_metric_options mean = CX_METRIC_OPTIONS_INIT;
    mean.variant = CX_CSAT_MEAN;
    assert_ok(cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_STAGE, CX_METRIC_CSAT, &mean, NULL));
    assert_close(group_result(g, "purchase", 3).value, 11.0 / 3, 1e-12);
    assert_close(group_result(g, "service", 1).value, 3, 0);
    assert_close(group_result(g, "consideration", 1).value, 5, 0);
    cx_group_free(g);
    /* By channel with months: all answers in 1970-01 -> web 5 4 2. */
    cx_group_options months = CX_GROUP_OPTIONS_INIT;
    months.period = CX_PERIOD_MONTH;
    assert_ok(cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_CHANNEL, CX_METRIC_CSAT, &mean, &months));
    cx_group_entry entry = CX_GROUP_ENTRY_INIT;
    size_t index;
    assert_ok(cx_group_find(&index, g, "web", 0));
    assert_ok(cx_group_get(&entry, g, index));
    assert_string_equal(entry.period_label, "1970-01");
    assert_int_equal(entry.count, 3);
    cx_group_free(g);

    /* An answer off the CSAT scale names where it happened; nothing is made. */
    assert_ok(cx_journey_observe(j, "c9", "call", 7000, 9));
    g = (cx_group *)j;
    assert_status(cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_TOUCHPOINT, CX_METRIC_CSAT, NULL, NULL), CX_ERANGE);
    assert_error_mentions("outcome of customer \"c9\" at touchpoint \"call\" (7000 ms)");
    assert_error_mentions("(7000 ms): score 9 is outside the CSAT scale 1..5"); /* the calculator's reason */
    assert_null(g);
    /* ... but fits NPS (0..10): call has 3 (detractor) and 9 (promoter) -> 0. */
    assert_ok(cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_TOUCHPOINT, CX_METRIC_NPS, NULL, NULL));
    assert_close(group_result(g, "call", 2).value, 0, 1e-12);
    cx_group_free(g);
    assert_status(cx_journey_experience(&g, j, (cx_journey_level)0, CX_METRIC_NPS, NULL, NULL), CX_EINVAL);
    assert_status(cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_STAGE, (cx_metric_kind)99, NULL, NULL), CX_EINVAL);
    cx_journey_free(j);
}

/* ---- getters: bad arguments leave the output alone --------------------- */

static void test_getters_reject_bad_arguments(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_journey_summary js = CX_JOURNEY_SUMMARY_INIT;
    js.version = 2;
    js.events = 77;
    assert_status(cx_journey_get_summary(&js, j), CX_EVERSION);
    assert_error_mentions("cx_journey_summary: version 2 is newer");
    assert_int_equal(js.events, 77);
    assert_status(cx_journey_get_summary(NULL, j), CX_EINVAL);
    assert_error_mentions("cx_journey_get_summary: out is NULL");

    /* A touchpoint the journey already has: refused, registry unchanged. */
    cx_touchpoint_info dup = CX_TOUCHPOINT_INFO_INIT;
    dup.id = "web";
    uint32_t index = 99;
    assert_status(cx_journey_add_touchpoint(&index, j, &dup), CX_EEXISTS);
    assert_error_mentions("touchpoint \"web\" is already registered");
    assert_int_equal(index, 99);
    const cx_touchpoint_registry *reg;
    assert_ok(cx_journey_touchpoints(&reg, j));
    size_t n = 0;
    assert_ok(cx_touchpoint_count(&n, reg));
    assert_int_equal(n, 5);
    assert_status(cx_journey_add_touchpoint(NULL, j, NULL), CX_EINVAL);
    assert_error_mentions("info is NULL");
    assert_status(cx_journey_touchpoints(NULL, j), CX_EINVAL);
    assert_status(cx_journey_stage_count(NULL, j), CX_EINVAL);

    /* The graph: 9 edges (test_journey_dfg_hand_checked). */
    cx_dfg *g = NULL;
    assert_ok(cx_journey_dfg(&g, j, NULL));
    cx_dfg_edge e = CX_DFG_EDGE_INIT;
    e.count = 77;
    assert_status(cx_dfg_get_edge(&e, g, 9), CX_ENOTFOUND);
    assert_error_mentions("cx_dfg_get_edge: index 9 is past the last of 9 edges");
    assert_int_equal(e.count, 77);
    e.version = 0;
    assert_status(cx_dfg_get_edge(&e, g, 0), CX_EINVAL);
    assert_error_mentions("cx_dfg_edge: version is 0");
    assert_int_equal(e.count, 77);
    cx_dfg_node node = CX_DFG_NODE_INIT;
    node.version = 2;
    assert_status(cx_dfg_get_node(&node, g, 0), CX_EVERSION);
    assert_int_equal(node.events, 0);
    assert_status(cx_dfg_count(NULL, NULL, NULL), CX_EINVAL);
    cx_dfg_free(g);

    cx_variants *v = NULL;
    assert_ok(cx_journey_variants(&v, j, NULL));
    assert_status(cx_variants_count(NULL, NULL, NULL, NULL), CX_EINVAL);
    assert_error_mentions("cx_variants_count: v is NULL");
    cx_variant x = CX_VARIANT_INIT;
    x.version = 2;
    assert_status(cx_variants_get(&x, v, 0), CX_EVERSION);
    assert_null(x.path);
    cx_variants_free(v);

    cx_funnel *f = NULL;
    assert_ok(cx_journey_funnel(&f, j, NULL));
    cx_metric *m = (cx_metric *)j;
    assert_status(cx_funnel_goal_duration(&m, NULL), CX_EINVAL);
    assert_error_mentions("cx_funnel_goal_duration: f is NULL");
    assert_null(m);
    assert_status(cx_funnel_step_count(NULL, f), CX_EINVAL);
    cx_funnel_free(f);

    cx_friction *fr = NULL;
    assert_ok(cx_journey_friction(&fr, j, NULL));
    cx_friction_summary fs = CX_FRICTION_SUMMARY_INIT;
    fs.version = 2;
    assert_status(cx_friction_get_summary(&fs, fr), CX_EVERSION);
    assert_error_mentions("cx_friction_summary: version 2 is newer");
    assert_int_equal(fs.cases, 0);
    assert_status(cx_friction_count(NULL, fr), CX_EINVAL);
    assert_error_mentions("cx_friction_count: out is NULL");
    cx_friction_free(fr);

    cx_attribution *a = NULL;
    assert_ok(cx_journey_attribution(&a, j, NULL));
    cx_attribution_summary as = CX_ATTRIBUTION_SUMMARY_INIT;
    as.version = 0;
    assert_status(cx_attribution_get_summary(&as, a), CX_EINVAL);
    assert_error_mentions("cx_attribution_summary: version is 0");
    assert_int_equal(as.cases, 0);
    assert_status(cx_attribution_count(NULL, a), CX_EINVAL);
    assert_error_mentions("cx_attribution_count: out is NULL");
    cx_attribution_free(a);
    cx_journey_free(j);
}

/* ---- allocation failures ------------------------------------------------ */

static int oom_scenario(void *ctx)
{
    cx_journey *j = ctx;
    cx_friction *f = NULL;
    cx_attribution *a = NULL, *b = NULL;
    cx_group *g = NULL;
    cx_attribution_options o = CX_ATTRIBUTION_OPTIONS_INIT;
    o.markov_order = 2;
    int rc = cx_journey_friction(&f, j, NULL);
    if (rc == CX_OK)
        rc = cx_journey_attribution(&a, j, &o);
    if (rc == CX_OK) {
        static const char *const both[] = { "ad", "web" };
        double re = -1;
        rc = cx_attribution_removal_effect(&re, a, both, 2);
        if (rc == CX_ENOMEM && re != -1)
            rc = CX_ESTATE; /* a failed call must not write its output */
    }
    if (rc == CX_OK) {
        o.model = CX_ATTRIBUTION_LINEAR;
        o.level = CX_JOURNEY_LEVEL_CHANNEL;
        rc = cx_journey_attribution(&b, j, &o);
    }
    if (rc == CX_OK)
        rc = cx_journey_experience(&g, j, CX_JOURNEY_LEVEL_STAGE, CX_METRIC_CSAT, NULL, NULL);
    cx_group_free(g);
    cx_attribution_free(b);
    cx_attribution_free(a);
    cx_friction_free(f);
    return rc;
}

static void test_analysis_out_of_memory(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
    assert_ok(cx_journey_get_summary(&s, j)); /* paths built before the allocator changes */
    long points = cx_test_each_allocation_fails(oom_scenario, j);
    assert_true(points > 100);
    cx_journey_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_friction_hand_checked),
        cmocka_unit_test(test_attribution_heuristics),
        cmocka_unit_test(test_attribution_markov_first_order),
        cmocka_unit_test(test_attribution_markov_second_order),
        cmocka_unit_test(test_attribution_memory),
        cmocka_unit_test(test_attribution_rejects),
        cmocka_unit_test(test_experience_by_touchpoint_stage_channel),
        cmocka_unit_test(test_getters_reject_bad_arguments),
        cmocka_unit_test(test_analysis_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
