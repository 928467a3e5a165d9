/* Terminal tables of journeys, shared by `cx journey` and the report's
 * funnel and journey sections (see journey_load.h). */
#include <math.h>
#include <string.h>

#include "journey_load.h"

void journey_print_funnel(FILE *out, const cx_funnel *f)
{
    size_t n = 0;
    cx_funnel_step_count(&n, f);
    fprintf(out, "  %-14s %9s  %-22s %8s %9s  %s\n", "stage", "entered", "step rate [interval]", "overall", "dropped",
            "median step time");
    for (size_t i = 0; i < n; i++) {
        cx_funnel_step s = CX_FUNNEL_STEP_INIT;
        if (cx_funnel_get_step(&s, f, i) != CX_OK)
            continue;
        char entered[32], dropped[32], rate[48] = "-", time[16];
        cli_format_count(s.entered, entered, sizeof entered);
        cli_format_count(s.dropped, dropped, sizeof dropped);
        if (!isnan(s.step_rate))
            snprintf(rate, sizeof rate, "%5.1f %% [%.1f, %.1f]", 100 * s.step_rate, 100 * s.step_ci_low,
                     100 * s.step_ci_high);
        cli_format_duration(s.duration_median, time, sizeof time);
        fprintf(out, "  %-14.14s %9s  %-22s %6.1f %% %9s  %s%s\n", s.stage, entered, rate, 100 * s.overall_rate,
                dropped, time, s.goal ? "   (goal)" : "");
    }
    cx_funnel_summary sum = CX_FUNNEL_SUMMARY_INIT;
    if (cx_funnel_get_summary(&sum, f) == CX_OK && sum.cases > 0) {
        char cases[32], goals[32], p50[16], p90[16];
        cli_format_count(sum.cases, cases, sizeof cases);
        cli_format_count(sum.goal_cases, goals, sizeof goals);
        cli_format_duration(sum.time_to_goal_median, p50, sizeof p50);
        cli_format_duration(sum.time_to_goal_p90, p90, sizeof p90);
        fprintf(out, "  %s of %s journeys reach a goal: %.1f %% [%.1f, %.1f]; time to goal median %s, p90 %s\n",
                goals, cases, 100 * sum.goal_rate, 100 * sum.goal_ci_low, 100 * sum.goal_ci_high, p50, p90);
    }
}

void journey_print_edges(FILE *out, const cx_dfg *g, size_t top, bool by_time)
{
    size_t n = 0;
    cx_dfg_count(NULL, &n, g);
    for (size_t i = 0; i < n && i < top; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        if (cx_dfg_get_edge(&e, g, i) != CX_OK || (by_time ? e.total_seconds <= 0 : e.lost == 0))
            break;
        char count[32], lost[32], median[16], mean[16], total[16];
        cli_format_count(e.count, count, sizeof count);
        cli_format_count(e.lost, lost, sizeof lost);
        cli_format_duration(e.median_seconds, median, sizeof median);
        cli_format_duration(e.mean_seconds, mean, sizeof mean);
        cli_format_duration(e.total_seconds, total, sizeof total);
        char edge[96];
        snprintf(edge, sizeof edge, "%s -> %s", e.from_name, e.to_name);
        if (by_time)
            fprintf(out, "  %-36.36s %9s x mean %-9s = %-10s (median %s)\n", edge, count, mean, total, median);
        else
            fprintf(out, "  %-36.36s %9s lost of %9s transitions (%.1f %%), median %s\n", edge, lost, count,
                    100.0 * (double)e.lost / (double)e.count, median);
    }
}

void journey_print_variants(FILE *out, const cx_variants *v, size_t top, bool goals)
{
    size_t listed = 0, distinct = 0;
    uint64_t cases = 0;
    cx_variants_count(&listed, &distinct, &cases, v);
    for (size_t i = 0; i < listed && i < top; i++) {
        cx_variant x = CX_VARIANT_INIT;
        if (cx_variants_get(&x, v, i) != CX_OK)
            break;
        char count[32];
        cli_format_count(x.count, count, sizeof count);
        fprintf(out, "  %9s %5.1f %%  ", count, 100 * x.share);
        if (goals)
            fprintf(out, "goal %5.1f %%  ", 100 * x.goal_rate);
        for (size_t k = 0; k < x.length; k++) {
            if (k == 12) {
                fprintf(out, " > ... (%zu in all)", x.length);
                break;
            }
            fprintf(out, "%s%s", k ? " > " : "", x.names[k]);
        }
        fputs(x.length == 0 ? "(no event)\n" : "\n", out);
    }
    if (distinct > listed || distinct > top) {
        char d[32];
        cli_format_count(distinct, d, sizeof d);
        fprintf(out, "  (%s distinct paths in all)\n", d);
    }
}
