/* The first program of README.md: an NPS with its interval. */
#include <stdio.h>

#include <cx/cx.h>

int main(void)
{
    const double scores[] = { 10, 9, 9, 8, 7, 10, 6, 3, 9, 10, 8, 5 };
    cx_metric *nps = NULL;
    int rc = cx_metric_new(&nps, CX_METRIC_NPS, NULL);
    if (rc == CX_OK)
        rc = cx_metric_add_many(nps, scores, sizeof scores / sizeof *scores);
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    if (rc == CX_OK)
        rc = cx_metric_get_result(nps, &r);
    if (rc != CX_OK) {
        fprintf(stderr, "error: %s\n", cx_last_error());
        cx_metric_free(nps);
        return 1;
    }
    printf("NPS %.1f (95%% CI %.1f to %.1f, n = %llu)\n", r.value, r.ci_low, r.ci_high, (unsigned long long)r.count);
    if (cx_metric_add(nps, 11) != CX_OK)
        printf("rejected: %s\n", cx_last_error());
    cx_metric_free(nps);
    return 0;
}
