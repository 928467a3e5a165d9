/*
 * cx sentiment: one text per line on standard input, one line out per line
 * in (the DESIGN.md contract): the compound score in -1..1, a tab, the
 * label; with --evidence a third field; with --json one object per line.
 * Lines are scored in batches (cx_sentiment_score_many) except on a
 * terminal, where each line is answered as it is typed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_writer.h"

#ifndef CX_LEXICON_DIR
#define CX_LEXICON_DIR "/usr/local/share/libcx/lexicons"
#endif

static const char *const help =
    "usage: cx sentiment [OPTIONS] < TEXTS\n"
    "\n"
    "Reads one text per line on standard input and prints one line per input\n"
    "line: the compound score in -1..1 (four decimals), a tab and the label\n"
    "(negative at <= -0.05, positive at >= 0.05, else neutral). Rules and\n"
    "lexicons are described in docs/text.md.\n"
    "\n"
    "options:\n"
    "  -l, --lang L          the lexicon's language: en (compiled in, the default)\n"
    "                        or the file L.tsv of the lexicon folder (vi ships)\n"
    "      --lexicon FILE    read the lexicon from FILE (docs/text.md's format)\n"
    "      --lexicon-dir DIR the lexicon folder (default $CX_LEXICON_DIR, else\n"
    "                        " CX_LEXICON_DIR ")\n"
    "  -e, --evidence        a third field: the words, phrases and marks that moved\n"
    "                        the score, as span=contribution(rules), \"; \" between\n"
    "  -j, --json            one JSON object per line: compound, label, positive,\n"
    "                        negative, neutral, tokens (--evidence: also evidence\n"
    "                        with byte offsets, and aspects)\n"
    "      --strict          stop at a line that is not valid UTF-8 (exit 3)\n"
    "                        instead of reading its bad bytes as U+FFFD\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit codes: 0 ok (no input gives no output), 2 usage or a language without a\n"
    "lexicon, 3 a line is not UTF-8 (--strict) or the lexicon file is malformed,\n"
    "4 the lexicon file cannot be read or standard input fails.\n";

enum { OPT_LANG = 1, OPT_LEXICON, OPT_LEXICON_DIR, OPT_EVIDENCE, OPT_JSON, OPT_STRICT, OPT_HELP };

static const cli_option options[] = {
    { "lang", 'l', true, OPT_LANG },
    { "lexicon", 0, true, OPT_LEXICON },
    { "lexicon-dir", 0, true, OPT_LEXICON_DIR },
    { "evidence", 'e', false, OPT_EVIDENCE },
    { "json", 'j', false, OPT_JSON },
    { "strict", 0, false, OPT_STRICT },
    { "help", 'h', false, OPT_HELP },
    { NULL, 0, false, 0 },
};

typedef struct sentiment_args {
    const char *lang, *lexicon, *lexicon_dir;
    bool evidence, json, strict;
} sentiment_args;

static int parse_args(int argc, char **argv, sentiment_args *s)
{
    cli_args a;
    cli_args_init(&a, argc, argv);
    const char *env = getenv("CX_LEXICON_DIR");
    s->lang = "en";
    s->lexicon_dir = env != NULL && *env != '\0' ? env : CX_LEXICON_DIR;
    int id, rc = CX_EXIT_OK;
    while (rc == CX_EXIT_OK && (id = cli_next_option(&a, options, "sentiment")) != 0) {
        switch (id) {
        case OPT_LANG: s->lang = a.value; break;
        case OPT_LEXICON: s->lexicon = a.value; break;
        case OPT_LEXICON_DIR: s->lexicon_dir = a.value; break;
        case OPT_EVIDENCE: s->evidence = true; break;
        case OPT_JSON: s->json = true; break;
        case OPT_STRICT: s->strict = true; break;
        case OPT_HELP:
            fputs(help, stdout);
            rc = -1;
            break;
        default: rc = CX_EXIT_USAGE; break;
        }
    }
    if (rc == CX_EXIT_OK && a.n_operands > 0)
        rc = cli_usage_error("sentiment", "unexpected argument \"%s\" (texts come on standard input)", a.operands[0]);
    cli_args_free(&a);
    return rc;
}

/* The analyzer of the chosen lexicon; prints a failure, returns an exit code. */
static int new_analyzer(const sentiment_args *s, cx_sentiment **out)
{
    cx_lexicon *lex = NULL;
    int st = s->lexicon ? cx_lexicon_load(&lex, s->lexicon) : cx_lexicon_new_language(&lex, s->lang, s->lexicon_dir);
    if (st == CX_ENOTFOUND && s->lexicon == NULL)
        return cli_usage_error("sentiment", "%s (set --lexicon-dir or CX_LEXICON_DIR)", cx_last_error());
    if (st == CX_EINVAL && s->lexicon == NULL)
        return cli_usage_error("sentiment", "--lang: %s", cx_last_error());
    if (st != CX_OK)
        return cli_fail(cli_exit_code(st), "sentiment", "lexicon: %s", cx_last_error());
    cx_sentiment_options so = CX_SENTIMENT_OPTIONS_INIT;
    so.invalid_utf8 = s->strict ? CX_TEXT_INVALID_ERROR : CX_TEXT_INVALID_REPLACE;
    st = cx_sentiment_new(out, lex, &so);
    cx_lexicon_free(lex);
    return st == CX_OK ? CX_EXIT_OK : cli_fail_status("sentiment", st);
}

/* ---- one line's output ------------------------------------------------------ */

static void print_compound(double compound)
{
    if (fabs(compound) < 0.00005) /* no "-0.0000" */
        compound = 0;
    printf("%.4f", compound);
}

static void print_rules(uint32_t rules)
{
    bool first = true;
    for (uint32_t bit = 1; bit != 0 && bit <= CX_RULE_EXCLAMATION; bit <<= 1) {
        if (!(rules & bit))
            continue;
        printf("%s%s", first ? "" : ",", cx_sentiment_rule_name((cx_sentiment_rule)bit));
        first = false;
    }
}

/* The evidence field: each item that is not a modifier of another item,
 * as span=contribution(rules); tabs in a span print as spaces. */
static void print_evidence(const cx_sentiment_doc *doc, uint32_t count, const char *text)
{
    bool first = true;
    for (uint32_t i = 0; i < count; i++) {
        cx_sentiment_evidence ev = CX_SENTIMENT_EVIDENCE_INIT;
        if (cx_sentiment_doc_evidence(&ev, doc, i) != CX_OK || ev.target >= 0)
            continue;
        fputs(first ? "" : "; ", stdout);
        for (size_t k = ev.start; k < ev.end; k++)
            putchar(text[k] == '\t' ? ' ' : text[k]);
        printf("=%+.3f(", ev.valence);
        print_rules(ev.rules);
        putchar(')');
        first = false;
    }
}

static void print_json(const cx_sentiment_result *r)
{
    jw w;
    jw_init_compact(&w, stdout);
    jw_object(&w);
    jw_knumber(&w, "compound", r->compound);
    jw_kstring(&w, "label", cx_sentiment_label_name(r->label));
    jw_knumber(&w, "positive", r->positive);
    jw_knumber(&w, "negative", r->negative);
    jw_knumber(&w, "neutral", r->neutral);
    jw_kint(&w, "tokens", r->tokens);
    jw_end(&w);
    jw_finish(&w);
}

/* ---- batches ------------------------------------------------------------------ */

#define BATCH_LINES 4096
#define BATCH_BYTES (4u << 20)

typedef struct batch {
    char *texts[BATCH_LINES];
    size_t lens[BATCH_LINES];
    size_t n, bytes;
    unsigned long first_line; /* number of texts[0] */
    double compound[BATCH_LINES];
    int labels[BATCH_LINES];
} batch;

/* One line scored alone (--json, --evidence, and where a batch failed). */
static int score_line(const sentiment_args *s, const cx_sentiment *an, cx_sentiment_doc *doc, const char *text,
                      size_t len, unsigned long line)
{
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    int st = s->evidence ? cx_sentiment_analyze(&r, doc, an, text, len) : cx_sentiment_score(&r, an, text, len);
    if (st != CX_OK)
        return cli_fail(cli_exit_code(st), "sentiment", "stdin:%lu: %s", line, cx_last_error());
    if (s->json && s->evidence) {
        cx_buffer buf = CX_BUFFER_INIT;
        if ((st = cx_sentiment_doc_json(&buf, doc)) != CX_OK)
            return cli_fail_status("sentiment", st);
        printf("%s\n", buf.data);
        cx_buffer_dispose(&buf);
    } else if (s->json) {
        print_json(&r);
    } else {
        print_compound(r.compound);
        printf("\t%s", cx_sentiment_label_name(r.label));
        if (s->evidence) {
            putchar('\t');
            print_evidence(doc, r.evidence_count, text);
        }
        putchar('\n');
    }
    return CX_EXIT_OK;
}

static int score_batch(const sentiment_args *s, const cx_sentiment *an, cx_sentiment_doc *doc, batch *b)
{
    bool plain = !s->json && !s->evidence;
    if (plain && cx_sentiment_score_many(b->compound, b->labels, an, (const char *const *)b->texts, b->lens, b->n)
                     == CX_OK) {
        for (size_t i = 0; i < b->n; i++) {
            print_compound(b->compound[i]);
            printf("\t%s\n", cx_sentiment_label_name((cx_sentiment_label)b->labels[i]));
        }
        return CX_EXIT_OK;
    }
    /* Line by line: the lines before a bad one are printed, the bad one named. */
    for (size_t i = 0; i < b->n; i++) {
        int rc = score_line(s, an, doc, b->texts[i], b->lens[i], b->first_line + i);
        if (rc != CX_EXIT_OK)
            return rc;
    }
    return CX_EXIT_OK;
}

static void batch_clear(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->texts[i]);
    b->first_line += b->n;
    b->n = b->bytes = 0;
}

static int run(const sentiment_args *s, const cx_sentiment *an, cx_sentiment_doc *doc)
{
    batch *b = calloc(1, sizeof *b);
    if (b == NULL)
        return cli_fail(CX_EXIT_FAILURE, "sentiment", "out of memory");
    b->first_line = 1;
    size_t limit = isatty(STDIN_FILENO) ? 1 : BATCH_LINES;
    int rc = CX_EXIT_OK;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (rc == CX_EXIT_OK && (len = getline(&line, &cap, stdin)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        b->texts[b->n] = line;
        b->lens[b->n++] = (size_t)len;
        b->bytes += (size_t)len;
        line = NULL;
        cap = 0;
        if (b->n == limit || b->bytes >= BATCH_BYTES) {
            rc = score_batch(s, an, doc, b);
            batch_clear(b);
            fflush(stdout);
        }
    }
    free(line);
    if (rc == CX_EXIT_OK && ferror(stdin))
        rc = cli_fail(CX_EXIT_IO, "sentiment", "reading standard input failed");
    if (rc == CX_EXIT_OK && b->n > 0)
        rc = score_batch(s, an, doc, b);
    batch_clear(b);
    free(b);
    return rc;
}

int cx_cmd_sentiment(int argc, char **argv)
{
    sentiment_args s;
    memset(&s, 0, sizeof s);
    int rc = parse_args(argc, argv, &s);
    if (rc != CX_EXIT_OK)
        return rc < 0 ? CX_EXIT_OK : rc;
    cx_sentiment *an = NULL;
    cx_sentiment_doc *doc = NULL;
    if ((rc = new_analyzer(&s, &an)) != CX_EXIT_OK)
        return rc;
    int st = cx_sentiment_doc_new(&doc);
    rc = st == CX_OK ? run(&s, an, doc) : cli_fail_status("sentiment", st);
    if (rc == CX_EXIT_OK)
        rc = cli_finish_stdout("sentiment", rc);
    cx_sentiment_doc_free(doc);
    cx_sentiment_free(an);
    return rc;
}
