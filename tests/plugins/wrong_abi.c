/* Test fixture: a plugin built for a plugin ABI this libcx does not speak. */
#include <cx/plugin.h>

static int nothing(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)out;
    (void)ctx;
    (void)payload;
    return CX_OK;
}

static const cx_rule rule = { CX_RULE_VERSION, "future.rule", NULL, 1.0, 0, nothing, NULL, NULL };
static const cx_rule *const rules[] = { &rule };
static const cx_plugin_table table = { CX_PLUGIN_ABI_VERSION + 1, "future", "9.0", NULL, 1, rules };

CX_PLUGIN_ENTRY(host_abi)
{
    (void)host_abi;
    return &table;
}
