/*
 * The built-in churn-risk rules. Each maps one signal to a value in 0..1
 * with a documented ramp (docs/scoring.md, "Built-in rules"); the default
 * weights add up to 1. They read only version-1 signal fields and the
 * set's options, so they are plain ::cx_rule callbacks like any other.
 */
#include <math.h>
#include <stdio.h>

#include "core_internal.h"
#include "risk_internal.h"

/* Minimum history before a trend is judged. */
#define MIN_EVENTS_FOR_TREND 3

static double clamp01(double x)
{
    return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* Linear ramp: 0 at `zero`, 1 at `one` (either direction). */
static double ramp(double x, double zero, double one)
{
    return clamp01((x - zero) / (one - zero));
}

#define SAY(out, ...) \
    do { if ((out)->detail) snprintf((out)->detail, (out)->detail_cap, __VA_ARGS__); } while (0)

/* "45 s", "12 min", "4.0 h", "2.5 days" */
static void say_duration(char *buf, size_t size, double seconds)
{
    if (seconds < 90)
        snprintf(buf, size, "%.0f s", seconds);
    else if (seconds < 5400)
        snprintf(buf, size, "%.0f min", seconds / 60);
    else if (seconds < 172800)
        snprintf(buf, size, "%.1f h", seconds / 3600);
    else
        snprintf(buf, size, "%.1f days", seconds / 86400);
}

static int complaints_open(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    out->input = (double)s->open_complaints;
    out->value = clamp01(out->input / 3.0);
    if (s->open_complaints == 0) {
        SAY(out, "no unresolved complaint");
        return CX_OK;
    }
    out->evidence_ms = s->last_complaint_ms;
    SAY(out, "%llu unresolved complaint%s", (unsigned long long)s->open_complaints, s->open_complaints > 1 ? "s" : "");
    return CX_OK;
}

static int interactions_drop(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    cx_customers_get_options(&o, ctx->customers);
    if (s->interactions < MIN_EVENTS_FOR_TREND || s->tenure_days < o.recent_half_life_days
        || isnan(s->interaction_trend)) {
        SAY(out, "too little history to judge the interaction rate");
        return CX_OK;
    }
    out->input = s->interaction_trend;
    out->reference = s->interaction_rate_baseline;
    out->value = ramp(s->interaction_trend, 1.0, 0.25);
    SAY(out, "interactions at %.2fx their baseline (%.3f/day vs %.3f/day)", s->interaction_trend,
        s->interaction_rate_recent, s->interaction_rate_baseline);
    return CX_OK;
}

static int replies_slower(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    if (s->replies < MIN_EVENTS_FOR_TREND || isnan(s->reply_latency_trend)) {
        SAY(out, "too few replies to judge reply times");
        return CX_OK;
    }
    out->input = s->reply_latency_trend;
    out->reference = s->reply_latency_baseline;
    out->value = ramp(s->reply_latency_trend, 1.0, 3.0);
    if (out->detail) {
        char recent[24], baseline[24];
        say_duration(recent, sizeof recent, s->reply_latency_recent);
        say_duration(baseline, sizeof baseline, s->reply_latency_baseline);
        SAY(out, "reply time %.1fx its baseline (%s vs %s)", s->reply_latency_trend, recent, baseline);
    }
    return CX_OK;
}

static int purchases_overdue(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    if (s->purchases < MIN_EVENTS_FOR_TREND || isnan(s->repurchase_trend)) {
        SAY(out, "too few purchases to judge the repurchase interval");
        return CX_OK;
    }
    out->input = s->repurchase_trend;
    out->reference = s->repurchase_interval_mean_days;
    out->value = ramp(s->repurchase_trend, 1.0, 3.0);
    double open = fmax(s->repurchase_gap_days, s->repurchase_interval_last_days);
    SAY(out, "purchase interval %.1fx the usual (%.0f days vs %.0f)", s->repurchase_trend, open,
        s->repurchase_interval_mean_days);
    return CX_OK;
}

static int nps_detractor(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    static const char *const names[] = { "none", "detractor", "passive", "promoter" };
    static const double values[] = { 0.0, 1.0, 0.25, 0.0 };
    if (s->nps_category <= CX_NPS_NONE || s->nps_category > CX_NPS_PROMOTER) {
        SAY(out, "no NPS answer");
        return CX_OK;
    }
    out->input = s->last_nps;
    out->value = values[s->nps_category];
    out->evidence_ms = s->last_nps_ms;
    SAY(out, "last NPS answer %.0f (%s)", s->last_nps, names[s->nps_category]);
    return CX_OK;
}

/* Low recent mean on a survey scale: 0 from the "good" threshold up, 1 at the bottom. On the
 * shortest scales (CSAT 2 points, CES 2 or 3) the threshold stays one above the bottom. */
static void low_survey(cx_rule_output *out, double recent, int64_t when, double lo, double hi, double good,
                       const char *label, const char *good_word)
{
    good = fmax(good, lo + 1);
    out->input = recent;
    out->reference = good;
    out->value = ramp(recent, good, lo);
    out->evidence_ms = when;
    SAY(out, "recent %s %.1f on %.0f..%.0f (%s from %.0f)", label, recent, lo, hi, good_word, good);
}

static int csat_low(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    if (s->csat_answers == 0 || isnan(s->csat_recent)) {
        SAY(out, "no CSAT answer");
        return CX_OK;
    }
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    cx_customers_get_options(&o, ctx->customers);
    /* Satisfied from the top-2 box, as the CSAT calculator's default. */
    low_survey(out, s->csat_recent, s->last_csat_ms, o.csat_min, o.csat_max, o.csat_max - 1, "CSAT", "satisfied");
    return CX_OK;
}

static int ces_high_effort(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    if (s->ces_answers == 0 || isnan(s->ces_recent)) {
        SAY(out, "no CES answer");
        return CX_OK;
    }
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    cx_customers_get_options(&o, ctx->customers);
    /* Easy from "somewhat agree" (5 on 1..7), as the CES calculator's default. */
    low_survey(out, s->ces_recent, s->last_ces_ms, o.ces_min, o.ces_max, o.ces_max - 2, "CES", "easy");
    return CX_OK;
}

static int sentiment_negative(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    (void)payload;
    const cx_customer_signals *s = ctx->signals;
    if (s->sentiment_scores == 0 || isnan(s->sentiment_recent)) {
        SAY(out, "no sentiment score");
        return CX_OK;
    }
    out->input = s->sentiment_recent;
    out->reference = s->sentiment_baseline;
    out->value = clamp01(-s->sentiment_recent);
    out->evidence_ms = s->last_sentiment_ms;
    SAY(out, "recent sentiment %+.2f (baseline %+.2f)", s->sentiment_recent, s->sentiment_baseline);
    return CX_OK;
}

#define BUILTIN(id, text, weight, decays, fn) { CX_RULE_VERSION, id, text, weight, decays, fn, NULL, NULL }

static const cx_rule builtins[] = {
    BUILTIN("complaints.open", "unresolved complaints: 1/3 per open complaint, 1 from 3", 0.25, 1, complaints_open),
    BUILTIN("interactions.drop", "interaction rate below its baseline: 0 at 1x, 1 at 0.25x", 0.20, 0,
            interactions_drop),
    BUILTIN("nps.detractor", "latest NPS answer: detractor 1, passive 0.25, promoter 0", 0.15, 1, nps_detractor),
    BUILTIN("purchases.overdue", "repurchase interval above the usual: 0 at 1x, 1 at 3x", 0.10, 0,
            purchases_overdue),
    BUILTIN("replies.slower", "customer reply time above its baseline: 0 at 1x, 1 at 3x", 0.10, 0, replies_slower),
    BUILTIN("sentiment.negative", "recent sentiment below 0: 0 at 0, 1 at -1", 0.10, 1, sentiment_negative),
    BUILTIN("csat.low", "recent CSAT below the top-2 box: 0 at max-1, 1 at min", 0.05, 1, csat_low),
    BUILTIN("ces.high_effort", "recent CES below 'agree': 0 at max-2, 1 at min", 0.05, 1, ces_high_effort),
};

size_t cx__builtin_rule_count(void)
{
    return sizeof builtins / sizeof builtins[0];
}

const cx_rule *cx__builtin_rule(size_t i)
{
    return &builtins[i];
}
