/*
 * An example libcx plugin: two churn-risk rules loaded at run time.
 *
 *   example.silent_vip        a customer flagged VIP (boolean attribute "vip")
 *                             who has gone quiet: 0 up to 30 days without an
 *                             event, rising linearly to 1 at 90 days.
 *   example.complaint_ratio   complaints per interaction: 0 up to 10 %,
 *                             rising linearly to 1 at 50 %, once the
 *                             customer has at least 5 interactions.
 *
 * Build it as a shared object against libcx (examples/plugins/meson.build
 * does) and load it with cx_plugin_load(); docs/plugins.md walks through it.
 */
#include <math.h>
#include <stdio.h>

#include <cx/plugin.h>

static double ramp(double x, double zero, double one)
{
    double v = (x - zero) / (one - zero);
    return v < 0 ? 0 : (v > 1 ? 1 : v);
}

static int silent_vip(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    size_t attr;
    cx_attr_type type;
    cx_attr_value vip = CX_ATTR_VALUE_INIT;
    /* No "vip" attribute in this customer set, or not set: no evidence. */
    if (cx_customers_find_attribute(&attr, &type, ctx->customers, "vip") != CX_OK || type != CX_ATTR_BOOL
        || cx_customers_get_attribute_at(&vip, ctx->customers, ctx->customer_index, attr) != CX_OK || !vip.boolean) {
        if (out->detail)
            snprintf(out->detail, out->detail_cap, "not a VIP");
        return CX_OK;
    }
    double quiet = ctx->signals->recency_days;
    if (isnan(quiet)) /* a VIP without any event yet */
        quiet = ctx->signals->tenure_days;
    out->input = quiet;
    out->reference = 30;
    out->value = ramp(quiet, 30, 90);
    if (out->detail)
        snprintf(out->detail, out->detail_cap, "VIP silent for %.0f days", quiet);
    return CX_OK;
}

static int complaint_ratio(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    if (s->interactions < 5) {
        if (out->detail)
            snprintf(out->detail, out->detail_cap, "too few interactions");
        return CX_OK;
    }
    double ratio = (double)s->complaints / (double)s->interactions;
    out->input = ratio;
    out->value = ramp(ratio, 0.10, 0.50);
    out->evidence_ms = s->last_complaint_ms; /* fades with the model's half-life */
    if (out->detail)
        snprintf(out->detail, out->detail_cap, "%.0f%% of interactions were complaints", 100 * ratio);
    return CX_OK;
}

static const cx_rule silent_vip_rule = {
    CX_RULE_VERSION, "example.silent_vip", "VIP without contact: 0 at 30 days, 1 at 90", 0.20, 0, silent_vip, NULL,
    NULL,
};
static const cx_rule complaint_ratio_rule = {
    CX_RULE_VERSION, "example.complaint_ratio", "complaints per interaction: 0 at 10 %, 1 at 50 %", 0.10, 1,
    complaint_ratio, NULL, NULL,
};
static const cx_rule *const rules[] = { &silent_vip_rule, &complaint_ratio_rule };

static const cx_plugin_table table = {
    CX_PLUGIN_ABI_VERSION, "example", "1.0.0", "Example churn-risk rules shipped with libcx", 2, rules,
};

CX_PLUGIN_ENTRY(host_abi_version)
{
    /* A plugin may refuse a host it does not know by returning NULL. */
    return host_abi_version == CX_PLUGIN_ABI_VERSION ? &table : NULL;
}
