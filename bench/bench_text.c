/*
 * Sentiment throughput: comments of about 80 bytes scored per second on
 * one core by cx_sentiment_score_many(), against a pure-Python lexicon
 * scorer doing the same work in the same run (bench/peer_text.py).
 *
 * Usage: bench_text PYTHON PEER_SCRIPT DATA_DIR
 * CX_BENCH_QUICK=1 shrinks the sizes to a sub-second smoke run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cx/cx.h"

static const char *const subjects[] = { "The delivery", "Support", "The app", "Your staff", "The product",
                                        "Customer service", "The checkout", "The price", "My order", "The agent" };
static const char *const verbs[] = { "was", "is", "seemed", "has been" };
static const char *const modifiers[] = { "", "very ", "not ", "slightly ", "really ", "never ", "", "" };
static const char *const adjectives[] = { "great", "slow", "helpful", "terrible", "fine", "rude", "excellent",
                                          "okay", "late", "amazing", "confusing", "good", "cheap", "friendly" };
static const char *const tails[] = { "but support never answered", "and I am still waiting", "thanks a lot!",
                                     "no problems at all", "I was on hold for an hour", "fixed it in minutes :)",
                                     "will buy again", "although the price is high", "WORST experience ever!!",
                                     "love it \xF0\x9F\x98\x8D", "no one called back", "nothing else to add" };

#define PICK(list, r) list[(r) % (sizeof list / sizeof list[0])]

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef struct corpus {
    char *bytes;
    const char **texts;
    size_t *lens;
    size_t n, total;
} corpus;

/* Comments of two clauses, about 80 bytes each. */
static int make_corpus(corpus *c, size_t n)
{
    c->bytes = malloc(n * 128);
    c->texts = malloc(n * sizeof *c->texts);
    c->lens = malloc(n * sizeof *c->lens);
    if (!c->bytes || !c->texts || !c->lens)
        return -1;
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        char *p = c->bytes + at;
        int len = snprintf(p, 128, "%s %s %s%s, %s. %s %s %s%s", PICK(subjects, next_random(&seed)),
                           PICK(verbs, next_random(&seed)), PICK(modifiers, next_random(&seed)),
                           PICK(adjectives, next_random(&seed)), PICK(tails, next_random(&seed)),
                           PICK(subjects, next_random(&seed)), PICK(verbs, next_random(&seed)),
                           PICK(modifiers, next_random(&seed)), PICK(adjectives, next_random(&seed)));
        if (len >= 128)
            len = 127;
        c->texts[i] = p;
        c->lens[i] = (size_t)len;
        at += (size_t)len + 1;
    }
    c->n = n;
    c->total = at - n;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double run_peer(const char *python, const char *peer, const char *data_dir, const corpus *c, size_t count,
                       int repeats)
{
    char path[] = "/tmp/cx_bench_text_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%.*s\n", (int)c->lens[i], c->texts[i]);
    fclose(f);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s' %zu %d", python, peer, data_dir, path, count, repeats);
    FILE *out = popen(cmd, "r");
    double rate = -1;
    char line[256];
    while (out && fgets(line, sizeof line, out))
        if (strncmp(line, "rate ", 5) == 0)
            rate = atof(line + 5);
    if (out)
        pclose(out);
    unlink(path);
    return rate;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PYTHON PEER_SCRIPT DATA_DIR\n", argv[0]);
        return 2;
    }
    bool quick = getenv("CX_BENCH_QUICK") && strcmp(getenv("CX_BENCH_QUICK"), "1") == 0;
    size_t n = quick ? 20000 : 1000000, peer_n = quick ? 2000 : 50000;
    int repeats = quick ? 3 : 5, peer_repeats = 3;
    corpus c;
    cx_lexicon *lex = NULL;
    cx_sentiment *an = NULL;
    if (make_corpus(&c, n) != 0 || cx_lexicon_new_default(&lex) != CX_OK || cx_sentiment_new(&an, lex, NULL) != CX_OK) {
        fprintf(stderr, "bench_text: setup failed: %s\n", cx_last_error());
        return 1;
    }
    double *out = malloc(n * sizeof *out), rates[9];
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        if (cx_sentiment_score_many(out, NULL, an, c.texts, c.lens, n) != CX_OK) {
            fprintf(stderr, "bench_text: %s\n", cx_last_error());
            return 1;
        }
        rates[r] = (double)n / (now() - t0);
    }
    double libcx = median(rates, repeats);
    double checksum = 0;
    for (size_t i = 0; i < n; i++)
        checksum += out[i];
    double peer = run_peer(argv[1], argv[2], argv[3], &c, peer_n, peer_repeats);
    printf("text: %zu comments, mean %.1f bytes (checksum %.3f)\n", n, (double)c.total / (double)n, checksum);
    printf("libcx cx_sentiment_score_many, one thread: median %.0f comments/s (%.1f MB/s) of %d runs\n", libcx,
           libcx * (double)c.total / (double)n / 1e6, repeats);
    if (peer <= 0) {
        printf("peer bench/peer_text.py: failed to run\n");
        return 1;
    }
    printf("peer pure-Python lexicon scorer (bench/peer_text.py): median %.0f comments/s of %d runs of %zu comments\n",
           peer, peer_repeats, peer_n);
    printf("ratio libcx/peer: %.1fx\n", libcx / peer);
    printf("target >= 1000000 comments/s per core: %s\n", libcx >= 1e6 ? "met" : "NOT met");
    free(out);
    free(c.bytes);
    free(c.texts);
    free(c.lens);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
    return 0;
}
