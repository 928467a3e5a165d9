/*
 * Benchmark of the lifetime module against numpy/scipy (bench/peer_lifetime.py)
 * in the same run:
 *
 *   1. BG/NBD fit on CDNOW (2,357 customers);
 *   2. BG/NBD fit on 1,000,000 synthetic customers drawn from the BG/NBD
 *      process with the CDNOW estimates and continuous times, so that no two
 *      rows coincide and grouping saves nothing;
 *   3. P(alive) of the same 1,000,000 customers.
 *
 * Medians of repeated runs; CX_BENCH_QUICK=1 shrinks the synthetic set to
 * 20,000 customers for a smoke run.
 *
 * Usage: bench_lifetime PYTHON PEER.py CDNOW.csv
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cx/cx.h"

#define CDNOW_MAX 10000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int quick(void)
{
    const char *q = getenv("CX_BENCH_QUICK");
    return q != NULL && *q != '\0' && strcmp(q, "0") != 0;
}

/* ---- synthetic customers ------------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng;

static double uniform(rng *g) /* splitmix64, in (0, 1) */
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(rng *g)
{
    return sqrt(-2 * log(uniform(g))) * cos(6.283185307179586 * uniform(g));
}

/* Marsaglia & Tsang (2000); shapes below 1 boosted by U^(1/shape). */
static double gamma_draw(rng *g, double shape)
{
    if (shape < 1)
        return gamma_draw(g, shape + 1) * pow(uniform(g), 1 / shape);
    double d = shape - 1.0 / 3, c = 1 / sqrt(9 * d);
    for (;;) {
        double z = normal(g), v = 1 + c * z;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = uniform(g);
        if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
            return d * v;
    }
}

/* The BG/NBD story: purchases at rate lambda; after each repeat purchase
 * the customer leaves with probability p. */
static void simulate(double *x, double *tx, double *T, size_t n, const cx_lifetime_fit *truth)
{
    rng g = { 20260501 };
    for (size_t i = 0; i < n; i++) {
        double lambda = gamma_draw(&g, truth->r) / truth->alpha;
        double ga = gamma_draw(&g, truth->a), p = ga / (ga + gamma_draw(&g, truth->b));
        double age = 26 + 26 * uniform(&g), t = 0, last = 0, count = 0;
        for (;;) {
            t += -log(uniform(&g)) / lambda;
            if (t > age)
                break;
            count++;
            last = t;
            if (uniform(&g) < p)
                break;
        }
        x[i] = count;
        tx[i] = last;
        T[i] = age;
    }
}

/* ---- CDNOW -------------------------------------------------------------- */

static size_t load_cdnow(const char *path, double *x, double *tx, double *T)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    char line[256];
    size_t n = 0;
    if (fgets(line, sizeof line, f) == NULL) /* header */
        n = 0;
    long id;
    while (n < CDNOW_MAX && fscanf(f, "%ld,%lf,%lf,%lf", &id, &x[n], &tx[n], &T[n]) == 4)
        n++;
    fclose(f);
    return n;
}

/* ---- timing ------------------------------------------------------------- */

static double time_fit(cx_lifetime_fit *fit, const double *x, const double *tx, const double *T, size_t n, int repeats)
{
    double t[16];
    for (int k = 0; k < repeats; k++) {
        cx_lifetime_fit f = CX_LIFETIME_FIT_INIT;
        double t0 = now();
        if (cx_lifetime_fit_purchases(&f, CX_LIFETIME_BGNBD, x, tx, T, NULL, n, NULL) != CX_OK) {
            fprintf(stderr, "fit failed: %s\n", cx_last_error());
            exit(1);
        }
        t[k] = now() - t0;
        *fit = f;
    }
    return median(t, repeats);
}

static double time_p_alive(double *out, const cx_lifetime_fit *fit, const double *x, const double *tx,
                           const double *T, size_t n, int repeats)
{
    double t[16];
    for (int k = 0; k < repeats; k++) {
        double t0 = now();
        if (cx_lifetime_p_alive(out, fit, 0.0, x, tx, T, n) != CX_OK) {
            fprintf(stderr, "p_alive failed: %s\n", cx_last_error());
            exit(1);
        }
        t[k] = now() - t0;
    }
    return median(t, repeats);
}

/* ---- peer ---------------------------------------------------------------- */

typedef struct peer {
    double cdnow, synthetic, p_alive;
    char cdnow_params[512], synthetic_params[512];
} peer;

static void run_peer(peer *out, const char *python, const char *script, const char *cdnow, const double *x,
                     const double *tx, const double *T, size_t n, int repeats)
{
    memset(out, 0, sizeof *out);
    out->cdnow = out->synthetic = out->p_alive = -1;
    char path[] = "/tmp/cx_bench_lifetime_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (f == NULL)
        return;
    fwrite(x, sizeof *x, n, f);
    fwrite(tx, sizeof *tx, n, f);
    fwrite(T, sizeof *T, n, f);
    fclose(f);
    char cmd[2048], line[512];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s' %zu %d 2>&1", python, script, cdnow, path, n, repeats);
    FILE *p = popen(cmd, "r");
    while (p != NULL && fgets(line, sizeof line, p) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "cdnow_fit_seconds=", 18) == 0)
            out->cdnow = atof(line + 18);
        else if (strncmp(line, "synthetic_fit_seconds=", 22) == 0)
            out->synthetic = atof(line + 22);
        else if (strncmp(line, "p_alive_seconds=", 16) == 0)
            out->p_alive = atof(line + 16);
        else if (strncmp(line, "cdnow_params=", 13) == 0)
            snprintf(out->cdnow_params, sizeof out->cdnow_params, "%s", line + 13);
        else if (strncmp(line, "synthetic_params=", 17) == 0)
            snprintf(out->synthetic_params, sizeof out->synthetic_params, "%s", line + 17);
        else
            fprintf(stderr, "  peer: %s\n", line);
    }
    if (p != NULL)
        pclose(p);
    unlink(path);
}

static void report(const char *what, double cx_seconds, double peer_seconds, double target)
{
    printf("%-34s libcx %9.2f ms", what, 1e3 * cx_seconds);
    if (peer_seconds > 0)
        printf("   scipy %9.2f ms   ratio scipy/libcx %7.1fx", 1e3 * peer_seconds, peer_seconds / cx_seconds);
    else
        printf("   scipy unavailable");
    if (target > 0)
        printf("   target <= %g ms: %s", 1e3 * target, cx_seconds <= target ? "met" : "MISSED");
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PYTHON PEER.py CDNOW.csv\n", argv[0]);
        return 2;
    }
    int fast = quick();
    size_t n = fast ? 20000 : 1000000;
    int repeats = fast ? 3 : 5;
    static double cx[CDNOW_MAX], ctx[CDNOW_MAX], cT[CDNOW_MAX];
    size_t cn = load_cdnow(argv[3], cx, ctx, cT);
    if (cn == 0) {
        fprintf(stderr, "cannot read %s\n", argv[3]);
        return 1;
    }
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T);
    double *out = malloc(n * sizeof *out);
    if (!x || !tx || !T || !out)
        return 1;

    cx_lifetime_fit cdnow_fit, synth_fit;
    double t_cdnow = time_fit(&cdnow_fit, cx, ctx, cT, cn, fast ? 3 : 11);
    simulate(x, tx, T, n, &cdnow_fit);
    double t_synth = time_fit(&synth_fit, x, tx, T, n, fast ? 3 : 3);
    double t_alive = time_p_alive(out, &synth_fit, x, tx, T, n, repeats + 2);
    peer pr;
    run_peer(&pr, argv[1], argv[2], argv[3], x, tx, T, n, fast ? 3 : 3);

    printf("lifetime: BG/NBD, medians of repeated runs (%s)\n", fast ? "quick" : "full");
    printf("  CDNOW estimates   libcx r %.6f alpha %.6f a %.6f b %.6f LL %.4f (%u rows, %u iterations, %u/%u starts agree)\n",
           cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a, cdnow_fit.b, cdnow_fit.log_likelihood,
           (unsigned)cdnow_fit.rows, cdnow_fit.iterations, cdnow_fit.starts_agreeing, cdnow_fit.starts);
    printf("                    scipy %s\n", pr.cdnow_params[0] ? pr.cdnow_params : "unavailable");
    printf("  synthetic %zu: truth r %.4f alpha %.4f a %.4f b %.4f\n", n, cdnow_fit.r, cdnow_fit.alpha, cdnow_fit.a,
           cdnow_fit.b);
    printf("                    libcx r %.6f alpha %.6f a %.6f b %.6f (%u rows, %u iterations)\n", synth_fit.r,
           synth_fit.alpha, synth_fit.a, synth_fit.b, (unsigned)synth_fit.rows, synth_fit.iterations);
    printf("                    scipy %s\n", pr.synthetic_params[0] ? pr.synthetic_params : "unavailable");
    report("fit CDNOW (2,357 customers)", t_cdnow, pr.cdnow, 0.050);
    char label[64];
    snprintf(label, sizeof label, "fit %zu synthetic customers", n);
    report(label, t_synth, pr.synthetic, fast ? 0 : 5.0);
    snprintf(label, sizeof label, "P(alive) of %zu customers", n);
    report(label, t_alive, pr.p_alive, fast ? 0 : 0.2);
    free(x);
    free(tx);
    free(T);
    free(out);
    return 0;
}
