/*
 * Test fixture: a plugin whose table is malformed in the way named by the
 * environment variable CX_TEST_BAD_TABLE, read at each load.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cx/plugin.h>

static int nothing(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)out;
    (void)ctx;
    (void)payload;
    return CX_OK;
}

static void release(void *payload)
{
    (void)payload;
}

static const cx_rule good = { CX_RULE_VERSION, "bad.good", NULL, 1.0, 0, nothing, NULL, NULL };
static const cx_rule good_twin = { CX_RULE_VERSION, "bad.good", NULL, 1.0, 0, nothing, NULL, NULL };
static const cx_rule owns = { CX_RULE_VERSION, "bad.owns", NULL, 1.0, 0, nothing, NULL, release };
static const cx_rule no_fn = { CX_RULE_VERSION, "bad.no_fn", NULL, 1.0, 0, NULL, NULL, NULL };
static const cx_rule bad_id = { CX_RULE_VERSION, "bad id", NULL, 1.0, 0, nothing, NULL, NULL };
static const cx_rule nan_weight = { CX_RULE_VERSION, "bad.weight", NULL, NAN, 0, nothing, NULL, NULL };
static const cx_rule future = { CX_RULE_VERSION + 1, "bad.future", NULL, 1.0, 0, nothing, NULL, NULL };

static const cx_rule *const dup_rules[] = { &good, &good_twin };
static const cx_rule *const owns_rules[] = { &good, &owns };
static const cx_rule *const no_fn_rules[] = { &no_fn };
static const cx_rule *const bad_id_rules[] = { &bad_id };
static const cx_rule *const weight_rules[] = { &nan_weight };
static const cx_rule *const future_rules[] = { &future };
static const cx_rule *const null_rules[] = { &good, NULL };

static const struct {
    const char *variant;
    cx_plugin_table table;
} variants[] = {
    { "duplicate", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 2, dup_rules } },
    { "owns", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 2, owns_rules } },
    { "no_fn", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 1, no_fn_rules } },
    { "bad_id", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 1, bad_id_rules } },
    { "weight", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 1, weight_rules } },
    { "future_rule", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 1, future_rules } },
    { "null_rule", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 2, null_rules } },
    { "no_rules", { CX_PLUGIN_ABI_VERSION, "bad", NULL, NULL, 0, dup_rules } },
    { "bad_name", { CX_PLUGIN_ABI_VERSION, "bad name!", NULL, NULL, 1, no_fn_rules } },
    { "old_abi", { 0, "bad", NULL, NULL, 1, dup_rules } },
};

CX_PLUGIN_ENTRY(host_abi)
{
    (void)host_abi;
    const char *v = getenv("CX_TEST_BAD_TABLE");
    for (size_t i = 0; v != NULL && i < sizeof variants / sizeof variants[0]; i++)
        if (strcmp(v, variants[i].variant) == 0)
            return &variants[i].table;
    return NULL; /* "refuse" or anything unknown */
}
