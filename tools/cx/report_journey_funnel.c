/*
 * The funnel part of the report's journey section (report_journey.c): the
 * share of journeys reaching each stage in order, with Wilson intervals,
 * as text, JSON and an HTML chart with interval bars and a table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "journey_load.h"
#include "report_journey.h"
#include "svg.h"

void funnel_text(FILE *out, const cx_funnel *f)
{
    if (f == NULL) {
        fputs("  no funnel: the touchpoints have no stages (touchpoints.csv gives each its stage)\n", out);
        return;
    }
    fputs("  funnel: a stage counts as entered once the stages before it were entered, in order\n", out);
    journey_print_funnel(out, f);
}

static void json_step(jw *w, const cx_funnel_step *st)
{
    jw_object(w);
    jw_kstring(w, "stage", st->stage);
    jw_key(w, "goal");
    jw_bool(w, st->goal != 0);
    jw_kint(w, "entered", (int64_t)st->entered);
    jw_kint(w, "visited", (int64_t)st->visited);
    jw_kint(w, "dropped", (int64_t)st->dropped);
    jw_knumber(w, "step_rate", st->step_rate);
    jw_knumber(w, "step_ci_low", st->step_ci_low);
    jw_knumber(w, "step_ci_high", st->step_ci_high);
    jw_knumber(w, "overall_rate", st->overall_rate);
    jw_knumber(w, "overall_ci_low", st->overall_ci_low);
    jw_knumber(w, "overall_ci_high", st->overall_ci_high);
    jw_knumber(w, "median_seconds", st->duration_median);
    jw_knumber(w, "p90_seconds", st->duration_p90);
    jw_end(w);
}

void funnel_json(jw *w, const cx_funnel *f)
{
    cx_funnel_summary sum = CX_FUNNEL_SUMMARY_INIT;
    size_t n = 0;
    if (f == NULL || cx_funnel_get_summary(&sum, f) != CX_OK || cx_funnel_step_count(&n, f) != CX_OK) {
        jw_null(w);
        return;
    }
    jw_object(w);
    jw_kint(w, "cases", (int64_t)sum.cases);
    jw_kint(w, "goal_cases", (int64_t)sum.goal_cases);
    jw_knumber(w, "goal_rate", sum.goal_rate);
    jw_knumber(w, "goal_ci_low", sum.goal_ci_low);
    jw_knumber(w, "goal_ci_high", sum.goal_ci_high);
    jw_knumber(w, "confidence", sum.confidence);
    jw_knumber(w, "time_to_goal_median_seconds", sum.time_to_goal_median);
    jw_knumber(w, "time_to_goal_p90_seconds", sum.time_to_goal_p90);
    jw_key(w, "steps");
    jw_array(w);
    for (size_t i = 0; i < n; i++) {
        cx_funnel_step st = CX_FUNNEL_STEP_INIT;
        if (cx_funnel_get_step(&st, f, i) == CX_OK)
            json_step(w, &st);
    }
    jw_end(w);
    jw_end(w);
}

static void html_table(FILE *out, const cx_funnel *f, size_t n)
{
    fputs("<table><tr><th>stage</th><th>entered</th><th>step rate</th><th>overall</th><th>dropped</th>"
          "<th>median step time</th></tr>\n",
          out);
    for (size_t i = 0; i < n; i++) {
        cx_funnel_step st = CX_FUNNEL_STEP_INIT;
        if (cx_funnel_get_step(&st, f, i) != CX_OK)
            continue;
        char entered[32], dropped[32], time[16];
        cli_format_count(st.entered, entered, sizeof entered);
        cli_format_count(st.dropped, dropped, sizeof dropped);
        cli_format_duration(st.duration_median, time, sizeof time);
        fputs("<tr><td>", out);
        html_text(out, st.stage);
        fprintf(out, "%s</td><td class=\"num\">%s</td>", st.goal ? " (goal)" : "", entered);
        if (isnan(st.step_rate))
            fputs("<td class=\"num\">-</td>", out);
        else
            fprintf(out, "<td class=\"num\" title=\"%.1f .. %.1f\">%.1f %%</td>", 100 * st.step_ci_low,
                    100 * st.step_ci_high, 100 * st.step_rate);
        fprintf(out, "<td class=\"num\" title=\"%.1f .. %.1f\">%.1f %%</td><td class=\"num\">%s</td>"
                     "<td class=\"num\">%s</td></tr>\n",
                100 * st.overall_ci_low, 100 * st.overall_ci_high, 100 * st.overall_rate, dropped, time);
    }
    fputs("</table>\n", out);
}

/* Overall rates as bars with their Wilson intervals as whiskers. */
static void html_chart(FILE *out, const cx_funnel *f, size_t n, double confidence)
{
    svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
    char (*labels)[64] = calloc(n ? n : 1, sizeof *labels);
    char (*notes)[48] = calloc(n ? n : 1, sizeof *notes);
    size_t m = 0;
    for (size_t i = 0; bars != NULL && labels != NULL && notes != NULL && i < n; i++) {
        cx_funnel_step st = CX_FUNNEL_STEP_INIT;
        if (cx_funnel_get_step(&st, f, i) != CX_OK)
            continue;
        char count[32];
        cli_format_count(st.entered, count, sizeof count);
        snprintf(labels[m], sizeof labels[m], "%.56s%s", st.stage, st.goal ? " (goal)" : "");
        snprintf(notes[m], sizeof notes[m], "n=%s", count);
        bars[m] = (svg_bar){ labels[m], notes[m], 100 * st.overall_rate, 100 * st.overall_ci_low,
                             100 * st.overall_ci_high, false };
        m++;
    }
    char title[128];
    snprintf(title, sizeof title, "Funnel: share of journeys reaching each stage in order, %.0f %% Wilson interval",
             100 * confidence);
    if (m > 0)
        svg_hbars(out, title, bars, m, 0, 100, " %");
    free(bars);
    free(labels);
    free(notes);
}

void funnel_html(FILE *out, const cx_funnel *f)
{
    cx_funnel_summary sum = CX_FUNNEL_SUMMARY_INIT;
    size_t n = 0;
    if (f == NULL || cx_funnel_get_summary(&sum, f) != CX_OK || cx_funnel_step_count(&n, f) != CX_OK) {
        fputs("<p>No funnel: the touchpoints have no stages.</p>\n", out);
        return;
    }
    html_chart(out, f, n, sum.confidence);
    html_table(out, f, n);
    char cases[32], goals[32], p50[16];
    cli_format_count(sum.cases, cases, sizeof cases);
    cli_format_count(sum.goal_cases, goals, sizeof goals);
    cli_format_duration(sum.time_to_goal_median, p50, sizeof p50);
    fprintf(out, "<p>%s of %s journeys reach a goal stage (%.1f %%, %.1f .. %.1f), in a median %s. A stage counts as "
                 "entered once the stages before it were entered, in order.</p>\n",
            goals, cases, 100 * sum.goal_rate, 100 * sum.goal_ci_low, 100 * sum.goal_ci_high, p50);
}
