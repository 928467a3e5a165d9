/*
 * scorecard: reads `metric,value` lines (nps, csat, ces, fcr,
 * response_seconds) and prints a CX scorecard with 95 % intervals.
 *
 *   scorecard examples/data/scorecard.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cx/cx.h>

enum { NPS, CSAT, CES, FCR, RESPONSE, N_METRICS };

static const struct {
    const char *column;
    const char *label;
    cx_metric_kind kind;
    const char *unit;
} metrics[N_METRICS] = {
    { "nps", "Net Promoter Score", CX_METRIC_NPS, "" },
    { "csat", "CSAT (4-5 of 5)", CX_METRIC_CSAT, " %" },
    { "ces", "Customer Effort (1-7)", CX_METRIC_CES, "" },
    { "fcr", "First-contact resolution", CX_METRIC_FCR, " %" },
    { "response_seconds", "Median first response", CX_METRIC_DURATION, " s" },
};

static int fail(const char *what, int rc)
{
    fprintf(stderr, "scorecard: %s: %s (%s)\n", what, cx_last_error(), cx_strerror(rc));
    return 1;
}

static int read_answers(FILE *in, cx_metric *calc[N_METRICS])
{
    char line[256];
    long number = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        number++;
        char *comma = strchr(line, ',');
        if (number == 1 || comma == NULL)
            continue; /* header or blank */
        *comma = '\0';
        char *end;
        double value = strtod(comma + 1, &end);
        for (int i = 0; i < N_METRICS; i++) {
            if (strcmp(line, metrics[i].column) != 0)
                continue;
            int rc = cx_metric_add(calc[i], value);
            if (rc != CX_OK) {
                fprintf(stderr, "line %ld: ", number);
                return fail(metrics[i].column, rc);
            }
        }
    }
    return 0;
}

static void print_row(int i, const cx_metric *m)
{
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    int rc = cx_metric_get_result(m, &r);
    if (rc != CX_OK) {
        printf("%-26s %s\n", metrics[i].label, cx_last_error());
        return;
    }
    printf("%-26s %8.1f%-3s [%7.1f, %7.1f]  n = %llu\n", metrics[i].label, r.value, metrics[i].unit, r.ci_low,
           r.ci_high, (unsigned long long)r.count);
    if (metrics[i].kind == CX_METRIC_DURATION) {
        double p90;
        if (cx_metric_quantile(m, 0.9, &p90) == CX_OK)
            printf("%-26s %8.1f s\n", "90th percentile response", p90);
    }
}

int main(int argc, char **argv)
{
    FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
    if (in == NULL) {
        perror(argv[1]);
        return 1;
    }
    cx_metric *calc[N_METRICS] = { NULL };
    int status = 0;
    for (int i = 0; i < N_METRICS && status == 0; i++) {
        int rc = cx_metric_new(&calc[i], metrics[i].kind, NULL);
        if (rc != CX_OK)
            status = fail("creating a calculator", rc);
    }
    if (status == 0)
        status = read_answers(in, calc);
    if (status == 0) {
        printf("libcx %s scorecard (95 %% confidence intervals)\n\n", cx_version_string());
        for (int i = 0; i < N_METRICS; i++)
            print_row(i, calc[i]);
    }
    for (int i = 0; i < N_METRICS; i++)
        cx_metric_free(calc[i]);
    if (in != stdin)
        fclose(in);
    return status;
}
