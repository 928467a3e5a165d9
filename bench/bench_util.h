/* Timing and reporting helpers shared by the benchmarks. */
#ifndef CX_BENCH_UTIL_H
#define CX_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static inline int bench_quick(void)
{
    const char *q = getenv("CX_BENCH_QUICK");
    return q != NULL && *q != '\0' && strcmp(q, "0") != 0;
}

/* Runs a Python peer script and returns the value printed for `key=`
 * (median seconds), or a negative number when the peer is unavailable. */
static inline double bench_python_peer(const char *script, const char *args, const char *key)
{
    char cmd[1024], line[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %s", script, args);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    double value = -1;
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, p) != NULL) {
        if (strncmp(line, key, klen) == 0 && line[klen] == '=')
            value = atof(line + klen + 1);
    }
    pclose(p);
    return value;
}

#endif
