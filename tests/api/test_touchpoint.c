/*
 * Black-box tests of the touchpoint registry (linked against libcx.so).
 * The figures here are counts and indices, checked by hand.
 */
#include "harness.h"

static cx_touchpoint_registry *new_registry(void)
{
    cx_touchpoint_registry *reg = NULL;
    assert_ok(cx_touchpoint_registry_new(&reg));
    assert_non_null(reg);
    return reg;
}

static uint32_t add(cx_touchpoint_registry *reg, const char *id, cx_channel channel, const char *stage)
{
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    info.id = id;
    info.channel = channel;
    info.stage = stage;
    uint32_t index = UINT32_MAX;
    assert_ok(cx_touchpoint_add(&index, reg, &info));
    return index;
}

static size_t count_of(const cx_touchpoint_registry *reg)
{
    size_t n = 0;
    assert_ok(cx_touchpoint_count(&n, reg));
    return n;
}

static void test_touchpoint_channel_names(void **state)
{
    (void)state;
    assert_string_equal(cx_channel_name(CX_CHANNEL_WEB), "web");
    assert_string_equal(cx_channel_name(CX_CHANNEL_STORE), "store");
    assert_string_equal(cx_channel_name(CX_CHANNEL_CUSTOM), "custom");
    assert_null(cx_channel_name((cx_channel)0));
    assert_null(cx_channel_name((cx_channel)10));
    for (int c = CX_CHANNEL_WEB; c <= CX_CHANNEL_OTHER; c++) {
        cx_channel back = (cx_channel)0;
        assert_ok(cx_channel_from_name(&back, cx_channel_name((cx_channel)c)));
        assert_int_equal(back, c);
    }
    cx_channel out = CX_CHANNEL_WEB;
    assert_status(cx_channel_from_name(&out, "kiosk"), CX_ENOTFOUND);
    assert_error_mentions("\"kiosk\"");
    assert_int_equal(out, CX_CHANNEL_WEB);
    assert_status(cx_channel_from_name(&out, "custom"), CX_ENOTFOUND);
    assert_status(cx_channel_from_name(NULL, "web"), CX_EINVAL);
    assert_status(cx_channel_from_name(&out, NULL), CX_EINVAL);
}

static void test_touchpoint_add_find_get(void **state)
{
    (void)state;
    cx_touchpoint_registry *reg = new_registry();
    assert_int_equal(count_of(reg), 0);
    /* Indices follow registration order: 0, 1, 2. */
    assert_int_equal(add(reg, "ad", CX_CHANNEL_SOCIAL, "awareness"), 0);
    assert_int_equal(add(reg, "web", CX_CHANNEL_WEB, NULL), 1);
    cx_touchpoint_info kiosk = CX_TOUCHPOINT_INFO_INIT;
    kiosk.id = "kiosk-3";
    kiosk.name = "Kiosk at Gate 3";
    kiosk.channel = CX_CHANNEL_CUSTOM;
    kiosk.channel_name = "kiosk";
    kiosk.stage = "service";
    assert_ok(cx_touchpoint_add(NULL, reg, &kiosk));
    assert_int_equal(count_of(reg), 3);

    uint32_t index = 99;
    assert_ok(cx_touchpoint_find(&index, reg, "kiosk-3"));
    assert_int_equal(index, 2);
    cx_touchpoint_info got = CX_TOUCHPOINT_INFO_INIT;
    assert_ok(cx_touchpoint_get(&got, reg, 2));
    assert_string_equal(got.id, "kiosk-3");
    assert_string_equal(got.name, "Kiosk at Gate 3");
    assert_int_equal(got.channel, CX_CHANNEL_CUSTOM);
    assert_string_equal(got.channel_name, "kiosk");
    assert_string_equal(got.stage, "service");
    /* Defaults: name = id, channel name written back, no stage = "". */
    assert_ok(cx_touchpoint_get(&got, reg, 1));
    assert_string_equal(got.name, "web");
    assert_string_equal(got.channel_name, "web");
    assert_string_equal(got.stage, "");
    const char *kept = got.id;
    /* Strings stay valid while the registry grows. */
    char id[16];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "tp-%d", i);
        add(reg, id, CX_CHANNEL_OTHER, NULL);
    }
    assert_string_equal(kept, "web");
    assert_ok(cx_touchpoint_find(&index, reg, "tp-99"));
    assert_int_equal(index, 102);
    cx_touchpoint_registry_free(reg);
    cx_touchpoint_registry_free(NULL);
}

static void test_touchpoint_clone_is_independent(void **state)
{
    (void)state;
    cx_touchpoint_registry *reg = new_registry();
    add(reg, "a", CX_CHANNEL_APP, "x");
    add(reg, "b", CX_CHANNEL_EMAIL, NULL);
    cx_touchpoint_registry *copy = NULL;
    assert_ok(cx_touchpoint_registry_clone(&copy, reg));
    add(copy, "c", CX_CHANNEL_PHONE, NULL);
    assert_int_equal(count_of(reg), 2);
    assert_int_equal(count_of(copy), 3);
    uint32_t index;
    assert_ok(cx_touchpoint_find(&index, copy, "b"));
    assert_int_equal(index, 1);
    assert_status(cx_touchpoint_find(&index, reg, "c"), CX_ENOTFOUND);
    cx_touchpoint_registry_free(reg);
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    assert_ok(cx_touchpoint_get(&info, copy, 0));
    assert_string_equal(info.stage, "x");
    assert_int_equal(info.channel, CX_CHANNEL_APP);
    cx_touchpoint_registry_free(copy);
}

/* Tries to add `info`; expects `status`, a message fragment, and an
 * unchanged registry. */
static void expect_rejected(cx_touchpoint_registry *reg, const cx_touchpoint_info *info, int status,
                            const char *fragment)
{
    size_t before = count_of(reg);
    uint32_t index = 77;
    assert_status(cx_touchpoint_add(&index, reg, info), status);
    assert_error_mentions(fragment);
    assert_int_equal(index, 77);
    assert_int_equal(count_of(reg), before);
}

static void test_touchpoint_rejects_bad_input(void **state)
{
    (void)state;
    cx_touchpoint_registry *reg = new_registry();
    add(reg, "home", CX_CHANNEL_WEB, NULL);
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    expect_rejected(reg, &info, CX_EINVAL, "info->id is NULL");
    info.id = "";
    expect_rejected(reg, &info, CX_EINVAL, "touchpoint id is empty");
    char long_id[CX_TOUCHPOINT_ID_MAX + 2];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    info.id = long_id;
    expect_rejected(reg, &info, CX_EINVAL, "longer than 256 bytes");
    long_id[CX_TOUCHPOINT_ID_MAX] = '\0'; /* exactly the maximum is fine */
    assert_ok(cx_touchpoint_add(NULL, reg, &info));
    info.id = "bad\xC3(";
    expect_rejected(reg, &info, CX_EINVAL, "not valid UTF-8 (byte 3)");
    info.id = "home";
    expect_rejected(reg, &info, CX_EEXISTS, "\"home\" is already registered");
    info.id = "new";
    info.channel = (cx_channel)42;
    expect_rejected(reg, &info, CX_EINVAL, "channel 42 is not a cx_channel");
    info.channel = CX_CHANNEL_CUSTOM;
    expect_rejected(reg, &info, CX_EINVAL, "needs a channel_name");
    info.channel_name = "web";
    expect_rejected(reg, &info, CX_EINVAL, "\"web\" is a built-in name");
    info.channel_name = "";
    expect_rejected(reg, &info, CX_EINVAL, "channel_name is empty");
    info.channel_name = "kiosk";
    info.stage = "\xFF";
    expect_rejected(reg, &info, CX_EINVAL, "stage is not valid UTF-8");
    info.stage = NULL;
    char long_name[CX_TOUCHPOINT_NAME_MAX + 2];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    info.name = long_name;
    expect_rejected(reg, &info, CX_EINVAL, "name \"nnnn");
    info.name = NULL;
    info.version = 2;
    expect_rejected(reg, &info, CX_EVERSION, "cx_touchpoint_info");
    info.version = 0;
    expect_rejected(reg, &info, CX_EINVAL, "cx_touchpoint_info");

    uint32_t index;
    assert_status(cx_touchpoint_find(&index, reg, "nope"), CX_ENOTFOUND);
    assert_error_mentions("touchpoint \"nope\" is not registered");
    cx_touchpoint_info got = CX_TOUCHPOINT_INFO_INIT;
    assert_status(cx_touchpoint_get(&got, reg, 2), CX_ENOTFOUND);
    assert_error_mentions("index 2 is past the last of 2 touchpoints");
    got.version = 9;
    assert_status(cx_touchpoint_get(&got, reg, 0), CX_EVERSION);
    assert_status(cx_touchpoint_add(NULL, NULL, &info), CX_EINVAL);
    assert_status(cx_touchpoint_add(NULL, reg, NULL), CX_EINVAL);
    assert_status(cx_touchpoint_count(NULL, reg), CX_EINVAL);
    assert_status(cx_touchpoint_registry_new(NULL), CX_EINVAL);
    cx_touchpoint_registry *copy = (cx_touchpoint_registry *)&got;
    assert_status(cx_touchpoint_registry_clone(&copy, NULL), CX_EINVAL);
    assert_null(copy);
    cx_touchpoint_registry_free(reg);
}

static void test_touchpoint_info_init(void **state)
{
    (void)state;
    cx_touchpoint_info info;
    memset(&info, 0xAB, sizeof info);
    assert_ok(cx_touchpoint_info_init(&info, CX_TOUCHPOINT_INFO_VERSION));
    assert_int_equal(info.version, CX_TOUCHPOINT_INFO_VERSION);
    assert_null(info.id);
    assert_int_equal(info.channel, CX_CHANNEL_OTHER);
    assert_status(cx_touchpoint_info_init(&info, 0), CX_EINVAL);
    assert_status(cx_touchpoint_info_init(&info, 2), CX_EVERSION);
    assert_status(cx_touchpoint_info_init(NULL, 1), CX_EINVAL);
}

static int oom_scenario(void *ctx)
{
    (void)ctx;
    cx_touchpoint_registry *reg = NULL, *copy = NULL;
    int rc = cx_touchpoint_registry_new(&reg);
    char id[16];
    for (int i = 0; i < 40 && rc == CX_OK; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        snprintf(id, sizeof id, "tp-%d", i);
        info.id = id;
        info.stage = i % 2 ? "s" : NULL;
        size_t before = 0, after = 0;
        cx_touchpoint_count(&before, reg);
        rc = cx_touchpoint_add(NULL, reg, &info);
        cx_touchpoint_count(&after, reg);
        if (rc != CX_OK && after != before)
            rc = CX_ESTATE; /* a failed add must add nothing */
    }
    if (rc == CX_OK)
        rc = cx_touchpoint_registry_clone(&copy, reg);
    if (rc == CX_OK && copy == NULL)
        rc = CX_ESTATE;
    cx_touchpoint_registry_free(copy);
    cx_touchpoint_registry_free(reg);
    return rc;
}

static void test_touchpoint_out_of_memory(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(oom_scenario, NULL);
    assert_true(points > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_touchpoint_channel_names),
        cmocka_unit_test(test_touchpoint_add_find_get),
        cmocka_unit_test(test_touchpoint_clone_is_independent),
        cmocka_unit_test(test_touchpoint_rejects_bad_input),
        cmocka_unit_test(test_touchpoint_info_init),
        cmocka_unit_test(test_touchpoint_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
