/*
 * Test fixture: a plugin whose rules misbehave at scoring time (an error
 * status, NaN, a value outside 0..1), next to one that works.
 */
#include <math.h>
#include <stdio.h>

#include <cx/plugin.h>

static int fails(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)ctx;
    (void)payload;
    if (out->detail)
        snprintf(out->detail, out->detail_cap, "lookup service unavailable");
    return CX_EIO;
}

static int not_a_number(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)ctx;
    (void)payload;
    out->value = NAN;
    return CX_OK;
}

static int too_big(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)ctx;
    (void)payload;
    out->value = 2.5;
    return CX_OK;
}

static int half(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)ctx;
    (void)payload;
    out->value = 0.5;
    return CX_OK;
}

static const cx_rule r_fails = { CX_RULE_VERSION, "faulty.fails", NULL, 1.0, 0, fails, NULL, NULL };
static const cx_rule r_nan = { CX_RULE_VERSION, "faulty.nan", NULL, 1.0, 0, not_a_number, NULL, NULL };
static const cx_rule r_big = { CX_RULE_VERSION, "faulty.too_big", NULL, 1.0, 0, too_big, NULL, NULL };
static const cx_rule r_half = { CX_RULE_VERSION, "faulty.half", NULL, 2.0, 0, half, NULL, NULL };
static const cx_rule *const rules[] = { &r_fails, &r_nan, &r_big, &r_half };
static const cx_plugin_table table = { CX_PLUGIN_ABI_VERSION, "faulty", "0.1", "misbehaving rules", 4, rules };

CX_PLUGIN_ENTRY(host_abi)
{
    (void)host_abi;
    return &table;
}
