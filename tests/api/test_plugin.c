/*
 * Black-box tests of plugins: the example plugin (examples/plugins/) and
 * fixtures in tests/plugins/ that break the ABI, lack the entry point,
 * return malformed tables or rules that fail at scoring time. Paths come
 * from the environment set by tests/meson.build. Expected scores are worked
 * by hand from the rules' documented ramps.
 */
#include <unistd.h>

#include "harness.h"

#define DAY 86400000LL
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define AT(d) (T0 + (int64_t)((d) * (double)DAY))

static const char *fixture(const char *variable)
{
    const char *path = getenv(variable);
    if (path == NULL || path[0] == '\0') {
        print_message("%s is not set (examples disabled?); skipping\n", variable);
        skip();
    }
    return path;
}

static cx_plugin *load(const char *variable)
{
    cx_plugin *p = NULL;
    assert_ok(cx_plugin_load(&p, fixture(variable)));
    assert_non_null(p);
    return p;
}

static cx_risk *empty_model(int strict)
{
    cx_risk_options o = CX_RISK_OPTIONS_INIT;
    o.builtin_rules = 0;
    o.strict = strict;
    cx_risk *risk = NULL;
    assert_ok(cx_risk_new(&risk, &o));
    return risk;
}

/* vip1: a VIP last seen on day 0; comp: 3 visits and 2 complaints on days 0..4. */
static cx_customers *customers(void)
{
    cx_customers *db = NULL;
    assert_ok(cx_customers_new(&db, NULL));
    const char *ids[] = { "vip1", "comp" };
    assert_ok(cx_customers_add_many(db, ids, NULL, 2));
    cx_attribute_def d = CX_ATTRIBUTE_DEF_INIT;
    d.name = "vip";
    d.type = CX_ATTR_BOOL;
    assert_ok(cx_customers_define_attribute(db, &d));
    assert_ok(cx_customers_set_bool(db, "vip1", "vip", 1, AT(0)));
    assert_ok(cx_customers_add_event(db, "vip1", AT(0), CX_EVENT_INTERACTION, 0));
    const cx_event_kind k[] = { CX_EVENT_INTERACTION, CX_EVENT_COMPLAINT, CX_EVENT_INTERACTION, CX_EVENT_COMPLAINT,
                                CX_EVENT_INTERACTION };
    for (int i = 0; i < 5; i++)
        assert_ok(cx_customers_add_event(db, "comp", AT(i), k[i], 0));
    return db;
}

static void test_plugin_example_loads_and_scores(void **state)
{
    (void)state;
    cx_plugin *p = load("CX_EXAMPLE_PLUGIN");
    cx_plugin_info info = CX_PLUGIN_INFO_INIT;
    assert_ok(cx_plugin_get_info(&info, p));
    assert_string_equal(info.name, "example");
    assert_string_equal(info.plugin_version, "1.0.0");
    assert_int_equal(info.abi_version, CX_PLUGIN_ABI_VERSION);
    assert_int_equal(info.rules, 2);
    assert_string_equal(info.path, getenv("CX_EXAMPLE_PLUGIN"));
    cx_rule_info rule = CX_RULE_INFO_INIT;
    assert_ok(cx_plugin_get_rule(&rule, p, 1));
    assert_string_equal(rule.id, "example.complaint_ratio");
    assert_int_equal(rule.origin, CX_RULE_PLUGIN);
    assert_string_equal(rule.plugin, "example");
    assert_close(rule.weight, 0.10, 0);
    assert_status(cx_plugin_get_rule(&rule, p, 2), CX_ENOTFOUND);

    cx_risk *risk = empty_model(0);
    assert_ok(cx_risk_add_plugin(risk, p));
    /* The model keeps the shared object loaded: the handle may go first. */
    cx_plugin_free(p);
    assert_ok(cx_risk_get_rule(&rule, risk, 0));
    assert_string_equal(rule.id, "example.silent_vip");
    assert_string_equal(rule.plugin, "example");

    cx_customers *db = customers();
    cx_risk_result r = CX_RISK_RESULT_INIT;
    /* vip1 at day 60: silent 60 days -> (60 - 30) / (90 - 30) = 0.5; 1 interaction,
     * too few for the ratio -> 0. Score (0.2 * 0.5 + 0.1 * 0) / 0.3 = 1/3. */
    assert_ok(cx_risk_score(&r, risk, db, "vip1", AT(60)));
    assert_close(r.score, 1.0 / 3, 1e-12);
    /* comp at day 4: not a VIP -> 0; 2 complaints of 5 interactions = 0.4 ->
     * (0.4 - 0.1) / (0.5 - 0.1) = 0.75, the latest complaint one day old at a
     * 90-day half-life. Score 0.1 * 0.75 * 2^(-1/90) / 0.3 = 0.25 * 2^(-1/90). */
    assert_ok(cx_risk_score(&r, risk, db, "comp", AT(4)));
    assert_close(r.score, 0.25 * pow(2, -1.0 / 90), 1e-12);
    cx_risk_explanation *e = NULL;
    assert_ok(cx_risk_explain(&e, risk, db, "vip1", AT(60)));
    cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
    assert_ok(cx_risk_explanation_get(&ev, e, 0));
    assert_string_equal(ev.rule_id, "example.silent_vip");
    assert_string_equal(ev.detail, "VIP silent for 60 days");
    cx_risk_explanation_free(e);

    /* Adding it again clashes with the ids already there; nothing changes. */
    p = load("CX_EXAMPLE_PLUGIN");
    assert_status(cx_risk_add_plugin(risk, p), CX_EEXISTS);
    assert_error_mentions("the model already has a rule \"example.silent_vip\"");
    size_t n;
    assert_ok(cx_risk_rule_count(&n, risk));
    assert_int_equal(n, 2);
    /* Beside the built-in rules in another model. */
    cx_risk *both = NULL;
    assert_ok(cx_risk_new(&both, NULL));
    assert_ok(cx_risk_add_plugin(both, p));
    assert_ok(cx_risk_rule_count(&n, both));
    assert_int_equal(n, 10);
    cx_plugin_free(p);
    assert_ok(cx_risk_score(&r, both, db, "comp", AT(4)));
    cx_risk_free(both);
    cx_risk_free(risk);
    cx_customers_free(db);
}

static void test_plugin_wrong_abi(void **state)
{
    (void)state;
    cx_plugin *p = (cx_plugin *)1;
    const char *path = fixture("CX_TEST_PLUGIN_WRONG_ABI");
    assert_status(cx_plugin_load(&p, path), CX_EVERSION);
    assert_null(p);
    assert_error_mentions("was built for plugin ABI 2; this libcx speaks ABI 1");
    assert_error_mentions(path);
}

static void test_plugin_missing_entry_point(void **state)
{
    (void)state;
    cx_plugin *p = NULL;
    assert_status(cx_plugin_load(&p, fixture("CX_TEST_PLUGIN_NO_ENTRY")), CX_EPLUGIN);
    assert_null(p);
    assert_error_mentions("has no entry point cx_plugin_entry; define it with CX_PLUGIN_ENTRY");
}

static void test_plugin_missing_or_unloadable_file(void **state)
{
    (void)state;
    cx_plugin *p = NULL;
    assert_status(cx_plugin_load(&p, "/nonexistent/libcx_nothing.so"), CX_EPLUGIN);
    assert_null(p);
    assert_error_mentions("plugin \"/nonexistent/libcx_nothing.so\": cannot be loaded: ");
    assert_error_mentions("No such file");
    /* A file that is not a shared object. */
    char path[] = "/tmp/cx_not_a_plugin_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello\n", 6), 6);
    close(fd);
    assert_status(cx_plugin_load(&p, path), CX_EPLUGIN);
    assert_error_mentions("cannot be loaded");
    unlink(path);
    assert_status(cx_plugin_load(&p, ""), CX_EINVAL);
    assert_status(cx_plugin_load(&p, NULL), CX_EINVAL);
    assert_status(cx_plugin_load(NULL, "x"), CX_EINVAL);
    cx_plugin_free(NULL);
}

typedef struct bad_case {
    const char *variant;
    int status;
    const char *message;
} bad_case;

static void test_plugin_malformed_tables(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        { "refuse", CX_EPLUGIN, "the entry point returned no table" },
        { "duplicate", CX_EPLUGIN, "rules[1]: rule id \"bad.good\" appears twice" },
        { "owns", CX_EPLUGIN, "rules[1]: rule \"bad.owns\" has a destroy function" },
        { "no_fn", CX_EPLUGIN, "rules[0]: rule \"bad.no_fn\" has no function" },
        { "bad_id", CX_EPLUGIN, "rules[0]: rule id \"bad id\" must be" },
        { "weight", CX_EPLUGIN, "rules[0]: rule \"bad.weight\": weight nan" },
        { "future_rule", CX_EVERSION, "rules[0]: rule version is newer" },
        { "null_rule", CX_EPLUGIN, "rules[1]: rule is NULL" },
        { "no_rules", CX_EPLUGIN, "rule_count 0 must be 1..1024" },
        { "bad_name", CX_EPLUGIN, "its name must be 1..64 bytes" },
        { "old_abi", CX_EVERSION, "was built for plugin ABI 0" },
    };
    const char *path = fixture("CX_TEST_PLUGIN_BAD_TABLE");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_plugin *p = NULL;
        setenv("CX_TEST_BAD_TABLE", cases[i].variant, 1);
        assert_status(cx_plugin_load(&p, path), cases[i].status);
        assert_null(p);
        assert_error_mentions(cases[i].message);
    }
    unsetenv("CX_TEST_BAD_TABLE");
}

static void test_plugin_faulty_rules_are_isolated(void **state)
{
    (void)state;
    cx_plugin *p = load("CX_TEST_PLUGIN_FAULTY_RULES");
    cx_customers *db = customers();
    cx_risk *risk = empty_model(0);
    assert_ok(cx_risk_add_plugin(risk, p));
    /* Only faulty.half (0.5, weight 2) counts: score 0.5. */
    cx_risk_explanation *e = NULL;
    assert_ok(cx_risk_explain(&e, risk, db, "comp", AT(4)));
    cx_risk_result r = CX_RISK_RESULT_INIT;
    assert_ok(cx_risk_explanation_get_result(&r, e));
    assert_close(r.score, 0.5, 0);
    assert_int_equal(r.rules, 1);
    assert_int_equal(r.failed, 3);
    static const char *const ids[] = { "faulty.half", "faulty.fails", "faulty.nan", "faulty.too_big" };
    static const int codes[] = { CX_OK, CX_EIO, CX_ERANGE, CX_ERANGE };
    static const char *const details[] = {
        "", "rule faulty.fails failed with status -6 (CX_EIO: input/output error): lookup service unavailable",
        "rule faulty.nan returned NaN", "rule faulty.too_big returned 2.5, outside 0..1" };
    for (size_t i = 0; i < 4; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        assert_ok(cx_risk_explanation_get(&ev, e, i));
        assert_string_equal(ev.rule_id, ids[i]);
        assert_int_equal(ev.status, codes[i]);
        assert_string_equal(ev.detail, details[i]);
    }
    cx_risk_explanation_free(e);
    cx_risk_free(risk);

    risk = empty_model(1);
    assert_ok(cx_risk_add_plugin(risk, p));
    assert_status(cx_risk_score(&r, risk, db, "comp", AT(4)), CX_EIO);
    assert_error_mentions("rule \"faulty.fails\" failed with status -6");
    cx_risk_free(risk);
    cx_plugin_free(p);
    cx_customers_free(db);
}

static int oom_scenario(void *ctx)
{
    const char *path = ctx;
    cx_plugin *p = NULL;
    cx_risk *risk = NULL;
    cx_plugin_info info = CX_PLUGIN_INFO_INIT;
    int rc = cx_plugin_load(&p, path);
    if (rc == CX_OK) rc = cx_plugin_get_info(&info, p);
    if (rc == CX_OK) rc = cx_risk_new(&risk, NULL);
    if (rc == CX_OK) rc = cx_risk_add_plugin(risk, p);
    cx_risk_free(risk);
    cx_plugin_free(p);
    return rc;
}

static void test_plugin_out_of_memory(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(oom_scenario, (void *)fixture("CX_TEST_PLUGIN_FAULTY_RULES"));
    assert_true(points > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plugin_example_loads_and_scores),
        cmocka_unit_test(test_plugin_wrong_abi),
        cmocka_unit_test(test_plugin_missing_entry_point),
        cmocka_unit_test(test_plugin_missing_or_unloadable_file),
        cmocka_unit_test(test_plugin_malformed_tables),
        cmocka_unit_test(test_plugin_faulty_rules_are_isolated),
        cmocka_unit_test(test_plugin_out_of_memory),
    };
    return cmocka_run_group_tests_name("plugin", tests, NULL, NULL);
}
