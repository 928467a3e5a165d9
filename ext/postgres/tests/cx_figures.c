/*
 * Prints what libcx itself computes for a list of answers, for the
 * PostgreSQL suite to compare the extension's output with.
 *
 *   cx_figures result KIND [THRESHOLD [SCALE_MIN SCALE_MAX]] < values
 *       value std_error ci_low ci_high n   (NaN as "nan")
 *   cx_figures blob KIND [THRESHOLD [SCALE_MIN SCALE_MAX]] < values
 *       the calculator blob in hexadecimal
 *   cx_figures quantile Q < durations
 *       the quantile in seconds
 *   cx_figures compare KIND FILE_A FILE_B
 *       difference std_error ci_low ci_high z p_value
 *
 * Values are read one per line and added one at a time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx/cx.h"

static void die(const char *what, int rc)
{
    fprintf(stderr, "cx_figures: %s: %s (%s)\n", what, cx_last_error(), cx_strerror(rc));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: cx_figures result|blob KIND [THRESHOLD [MIN MAX]] < values\n"
                    "       cx_figures quantile Q < values\n"
                    "       cx_figures compare KIND FILE_A FILE_B\n");
    exit(2);
}

static cx_metric *new_metric(const char *kind_name, int optc, char **optv)
{
    cx_metric_kind kind;
    int rc = cx_metric_kind_from_name(&kind, kind_name);
    if (rc != CX_OK)
        die("kind", rc);
    cx_metric_options opts = CX_METRIC_OPTIONS_INIT;
    if (optc >= 1)
        opts.threshold = atof(optv[0]);
    if (optc >= 3) {
        opts.scale_min = atof(optv[1]);
        opts.scale_max = atof(optv[2]);
    }
    cx_metric *m = NULL;
    if ((rc = cx_metric_new(&m, kind, &opts)) != CX_OK)
        die("cx_metric_new", rc);
    return m;
}

/* Adds the values one at a time, as the aggregate's transition function
 * does: a DURATION sketch then compacts at the same points. */
static void feed(cx_metric *m, FILE *in)
{
    char line[128];
    while (fgets(line, sizeof line, in) != NULL) {
        if (line[0] == '\n')
            continue;
        int rc = cx_metric_add(m, strtod(line, NULL));
        if (rc != CX_OK)
            die("cx_metric_add", rc);
    }
}

static int print_result(cx_metric *m)
{
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    int rc = cx_metric_get_result(m, &r);
    if (rc != CX_OK)
        die("cx_metric_get_result", rc);
    printf("%.17g %.17g %.17g %.17g %llu\n", r.value, r.std_error, r.ci_low, r.ci_high, (unsigned long long)r.count);
    return 0;
}

static int print_blob(cx_metric *m)
{
    size_t len = 0;
    int rc = cx_metric_serialize(m, NULL, 0, &len);
    unsigned char *buf = malloc(len ? len : 1);
    if (rc == CX_OK && buf == NULL)
        rc = CX_ENOMEM;
    if (rc == CX_OK)
        rc = cx_metric_serialize(m, buf, len, &len);
    if (rc != CX_OK)
        die("cx_metric_serialize", rc);
    for (size_t i = 0; i < len; i++)
        printf("%02x", buf[i]);
    printf("\n");
    free(buf);
    return 0;
}

static int print_comparison(const char *kind, const char *path_a, const char *path_b)
{
    cx_metric *m[2];
    const char *paths[2] = { path_a, path_b };
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "r");
        if (f == NULL) {
            perror(paths[i]);
            return 1;
        }
        m[i] = new_metric(kind, 0, NULL);
        feed(m[i], f);
        fclose(f);
    }
    cx_comparison c = CX_COMPARISON_INIT;
    int rc = cx_metric_compare(m[0], m[1], &c);
    if (rc != CX_OK)
        die("cx_metric_compare", rc);
    printf("%.17g %.17g %.17g %.17g %.17g %.17g\n", c.difference, c.std_error, c.ci_low, c.ci_high, c.z, c.p_value);
    cx_metric_free(m[0]);
    cx_metric_free(m[1]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        usage();
    const char *mode = argv[1];
    if (strcmp(mode, "compare") == 0) {
        if (argc != 5)
            usage();
        return print_comparison(argv[2], argv[3], argv[4]);
    }
    if (strcmp(mode, "quantile") == 0) {
        cx_metric *m = new_metric("duration", 0, NULL);
        feed(m, stdin);
        double q = 0;
        int rc = cx_metric_quantile(m, atof(argv[2]), &q);
        if (rc != CX_OK)
            die("cx_metric_quantile", rc);
        printf("%.17g\n", q);
        cx_metric_free(m);
        return 0;
    }
    if (strcmp(mode, "result") != 0 && strcmp(mode, "blob") != 0)
        usage();
    cx_metric *m = new_metric(argv[2], argc - 3, argv + 3);
    feed(m, stdin);
    int status = strcmp(mode, "result") == 0 ? print_result(m) : print_blob(m);
    cx_metric_free(m);
    return status;
}
