/*
 * Black-box tests of the text module's API: lexicon files, analyzers,
 * overrides and aspects, evidence, batches, calibration, UTF-8 handling,
 * error paths (status, message, nothing changed), allocation failures,
 * threads and arbitrary bytes. Expected figures are hand calculations shown
 * beside them (valences from the files in data/lexicon).
 */
#include <pthread.h>
#include <time.h>

#include "harness.h"

#ifndef CX_TEST_DATA_DIR
#error "CX_TEST_DATA_DIR must name the source tree's data folder"
#endif

static cx_lexicon *english(void)
{
    cx_lexicon *lex = NULL;
    assert_ok(cx_lexicon_new_default(&lex));
    return lex;
}

static cx_sentiment *analyzer(cx_lexicon *lex, const cx_sentiment_options *opts)
{
    cx_sentiment *an = NULL;
    assert_ok(cx_sentiment_new(&an, lex, opts));
    return an;
}

static double compound(const cx_sentiment *an, const char *text)
{
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    assert_ok(cx_sentiment_score(&r, an, text, strlen(text)));
    return r.compound;
}

/* ---- lexicons -------------------------------------------------------- */

static const char small_tsv[] =
    "# a small lexicon\n"
    "@format\tlibcx-lexicon 1\n"
    "@language\txx\n"
    "word\tsuper good\t2.5\n"
    "word\tbad\t-2\n"
    "negator\tnot\n"
    "intensifier\tvery\t0.3\n"
    "aspect\tparcel\tdelivery\n"
    "stop\tthe\n"
    "\n";

static void test_text_lexicon_parse_and_lookup(void **state)
{
    (void)state;
    cx_lexicon *lex = NULL;
    assert_ok(cx_lexicon_parse(&lex, small_tsv, strlen(small_tsv), "small.tsv"));
    const char *lang = NULL;
    assert_ok(cx_lexicon_get_language(&lang, lex));
    assert_string_equal(lang, "xx");
    size_t n = 0;
    assert_ok(cx_lexicon_count(&n, lex));
    assert_int_equal(n, 6); /* "super" is only a prefix of "super good" */
    cx_lexicon_entry e = CX_LEXICON_ENTRY_INIT;
    assert_ok(cx_lexicon_lookup(&e, lex, "SUPER  Good"));
    assert_true(e.has_valence);
    assert_close(e.valence, 2.5, 0);
    assert_ok(cx_lexicon_lookup(&e, lex, "very"));
    assert_close(e.intensity, 0.3, 0);
    assert_false(e.has_valence);
    assert_ok(cx_lexicon_lookup(&e, lex, "parcel"));
    assert_string_equal(e.aspect, "delivery");
    assert_status(cx_lexicon_lookup(&e, lex, "super"), CX_ENOTFOUND);
    assert_error_mentions("\"super\" is not in the xx lexicon");
    assert_status(cx_lexicon_lookup(&e, lex, "\xC3"), CX_EFORMAT);
    cx_lexicon_free(lex);
}

static void test_text_lexicon_default_and_languages(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_lexicon_entry e = CX_LEXICON_ENTRY_INIT;
    assert_ok(cx_lexicon_lookup(&e, lex, "great")); /* VADER: great 3.1 */
    assert_close(e.valence, 3.1, 1e-12);
    assert_ok(cx_lexicon_lookup(&e, lex, ":)")); /* VADER: ":)" 2.0, an emoticon */
    assert_true(e.emoticon);
    assert_close(e.valence, 2.0, 1e-12);
    assert_ok(cx_lexicon_lookup(&e, lex, "no")); /* a negator, VADER's -1.2 dropped */
    assert_true(e.negator);
    assert_false(e.has_valence);
    assert_ok(cx_lexicon_lookup(&e, lex, "still waiting"));
    assert_true(e.service);
    assert_ok(cx_lexicon_lookup(&e, lex, "but"));
    assert_true(e.contrast);
    assert_ok(cx_lexicon_lookup(&e, lex, "although"));
    assert_true(e.concession);
    assert_ok(cx_lexicon_lookup(&e, lex, "the"));
    assert_true(e.stop);
    cx_lexicon_free(lex);

    assert_ok(cx_lexicon_new_language(&lex, "en", NULL));
    cx_lexicon_free(lex);
    assert_ok(cx_lexicon_new_language(&lex, "vi", CX_TEST_DATA_DIR "/lexicon"));
    const char *lang = NULL;
    assert_ok(cx_lexicon_get_language(&lang, lex));
    assert_string_equal(lang, "vi");
    /* Diacritics matter: "tốt" (good) is in, "tot" is not. */
    assert_ok(cx_lexicon_lookup(&e, lex, "tốt"));
    assert_close(e.valence, 1.9, 1e-12);
    assert_status(cx_lexicon_lookup(&e, lex, "tot"), CX_ENOTFOUND);
    cx_lexicon_free(lex);

    lex = (cx_lexicon *)1;
    assert_status(cx_lexicon_new_language(&lex, "vi", NULL), CX_ENOTFOUND);
    assert_null(lex);
    assert_error_mentions("lexicondir");
    assert_status(cx_lexicon_new_language(&lex, "fr", CX_TEST_DATA_DIR "/lexicon"), CX_ENOTFOUND);
    assert_error_mentions("fr.tsv\" does not exist");
    assert_status(cx_lexicon_new_language(&lex, "../x", "/tmp"), CX_EINVAL);
    assert_status(cx_lexicon_load(&lex, "/nonexistent/lexicon.tsv"), CX_EIO);
    assert_error_mentions("/nonexistent/lexicon.tsv");
}

typedef struct bad_file {
    const char *text;
    int status;
    const char *mentions;
} bad_file;

static void test_text_lexicon_errors(void **state)
{
    (void)state;
    static const bad_file cases[] = {
        { "word\tgood\n", CX_EFORMAT, "bad.tsv:1: a word row has 3 tab-separated columns" },
        { "word\tgood\t9\n", CX_EFORMAT, "bad.tsv:1: valence 9 is outside -4..4" },
        { "word\tgood\tabc\n", CX_EFORMAT, "bad.tsv:1: value \"abc\" (column 3) is not a decimal number" },
        { "# c\nwurd\tgood\t1\n", CX_EFORMAT, "bad.tsv:2: unknown kind \"wurd\"" },
        { "word\tgood\t1\nword\tGood\t2\n", CX_EFORMAT, "bad.tsv:2: \"Good\" is listed twice" },
        { "intensifier\tvery\t3\n", CX_EFORMAT, "amount 3 is outside (0, 2]" },
        { "word\tgood, bad\t1\n", CX_EFORMAT, "holds the punctuation \",\"" },
        { "word\ta b c d e f g h i\t1\n", CX_EFORMAT, "has 9 tokens; the limit is 8" },
        { "emoticon\tlol\t1\n", CX_EFORMAT, "at least one symbol" },
        { "@format\tlibcx-lexicon 2\n", CX_EVERSION, "is not \"libcx-lexicon 1\"" },
        { "@colour\tred\n", CX_EFORMAT, "unknown directive \"@colour\"" },
        { "@language\tvi\n@language\ten\n", CX_EFORMAT, "@language is given twice" },
        { "word\t\t1\n", CX_EFORMAT, "the term (column 2) is empty" },
        { "word\tgood\t1\n\nword\tb\xFF\t1\n", CX_EFORMAT, "bad.tsv:3: invalid UTF-8 at byte offset 19" },
        { "aspect\tparcel\t\n", CX_EINVAL, "aspect name \"\"" },
        { "stop\tthe\textra\n", CX_EFORMAT, "a stop row has 2 tab-separated columns" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_lexicon *lex = (cx_lexicon *)1;
        int rc = cx_lexicon_parse(&lex, cases[i].text, strlen(cases[i].text), "bad.tsv");
        if (rc != cases[i].status || strstr(cx_last_error(), cases[i].mentions) == NULL)
            print_error("case %zu: status %d, message \"%s\"\n", i, rc, cx_last_error());
        assert_int_equal(rc, cases[i].status);
        assert_error_mentions(cases[i].mentions);
        assert_null(lex);
    }
    cx_lexicon *lex = NULL;
    assert_status(cx_lexicon_parse(&lex, NULL, 3, NULL), CX_EINVAL);
    assert_status(cx_lexicon_parse(NULL, "", 0, NULL), CX_EINVAL);
    assert_ok(cx_lexicon_parse(&lex, "\xEF\xBB\xBFword\tgood\t1\r\n", 15, NULL)); /* BOM and CRLF */
    cx_lexicon_free(lex);
    cx_lexicon_free(NULL);
}

/* ---- analyzers ------------------------------------------------------- */

static void test_text_sentiment_options(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *an = (cx_sentiment *)1;
    cx_sentiment_options o = CX_SENTIMENT_OPTIONS_INIT;
    o.negative_threshold = 0.2;
    o.positive_threshold = 0.1;
    assert_status(cx_sentiment_new(&an, lex, &o), CX_EINVAL);
    assert_error_mentions("negative_threshold 0.2 is above positive_threshold 0.1");
    assert_null(an);
    o = (cx_sentiment_options)CX_SENTIMENT_OPTIONS_INIT;
    o.alpha = 0;
    assert_status(cx_sentiment_new(&an, lex, &o), CX_EINVAL);
    assert_error_mentions("alpha 0");
    o = (cx_sentiment_options)CX_SENTIMENT_OPTIONS_INIT;
    o.invalid_utf8 = (cx_text_invalid_utf8)7;
    assert_status(cx_sentiment_new(&an, lex, &o), CX_EINVAL);
    o = (cx_sentiment_options)CX_SENTIMENT_OPTIONS_INIT;
    o.version = 99;
    assert_status(cx_sentiment_new(&an, lex, &o), CX_EVERSION);
    assert_status(cx_sentiment_new(&an, NULL, NULL), CX_EINVAL);
    assert_ok(cx_sentiment_options_init(&o, CX_SENTIMENT_OPTIONS_VERSION));
    assert_close(o.alpha, 15, 0);
    assert_status(cx_sentiment_options_init(&o, 0), CX_EINVAL);
    /* The other initialisers: the version stamped, the rest as the macros
     * have it; version 0 and a newer version refused. */
    cx_sentiment_result res;
    assert_ok(cx_sentiment_result_init(&res, CX_SENTIMENT_RESULT_VERSION));
    assert_int_equal(res.version, CX_SENTIMENT_RESULT_VERSION);
    assert_int_equal(res.evidence_count, 0);
    assert_status(cx_sentiment_result_init(&res, 0), CX_EINVAL);
    assert_status(cx_sentiment_result_init(&res, CX_SENTIMENT_RESULT_VERSION + 1), CX_EVERSION);
    assert_status(cx_sentiment_result_init(NULL, CX_SENTIMENT_RESULT_VERSION), CX_EINVAL);
    cx_sentiment_evidence ev;
    assert_ok(cx_sentiment_evidence_init(&ev, CX_SENTIMENT_EVIDENCE_VERSION));
    assert_int_equal(ev.version, CX_SENTIMENT_EVIDENCE_VERSION);
    assert_status(cx_sentiment_evidence_init(&ev, CX_SENTIMENT_EVIDENCE_VERSION + 1), CX_EVERSION);
    cx_aspect_sentiment as;
    assert_ok(cx_aspect_sentiment_init(&as, CX_ASPECT_SENTIMENT_VERSION));
    assert_int_equal(as.version, CX_ASPECT_SENTIMENT_VERSION);
    assert_status(cx_aspect_sentiment_init(&as, 0), CX_EINVAL);
    cx_sentiment_calibration cal;
    assert_ok(cx_sentiment_calibration_init(&cal, CX_SENTIMENT_CALIBRATION_VERSION));
    assert_int_equal(cal.version, CX_SENTIMENT_CALIBRATION_VERSION);
    assert_status(cx_sentiment_calibration_init(&cal, CX_SENTIMENT_CALIBRATION_VERSION + 1), CX_EVERSION);
    cx_keyword kwd;
    assert_ok(cx_keyword_init(&kwd, CX_KEYWORD_VERSION));
    assert_int_equal(kwd.version, CX_KEYWORD_VERSION);
    assert_null(kwd.term);
    assert_status(cx_keyword_init(&kwd, 0), CX_EINVAL);
    cx_lexicon_entry entry;
    assert_ok(cx_lexicon_entry_init(&entry, CX_LEXICON_ENTRY_VERSION));
    assert_int_equal(entry.version, CX_LEXICON_ENTRY_VERSION);
    assert_status(cx_lexicon_entry_init(&entry, CX_LEXICON_ENTRY_VERSION + 1), CX_EVERSION);
    assert_error_mentions("cx_lexicon_entry: version 2 is newer than this library supports (1)");

    /* alpha changes the normalisation: good = 1.9 / sqrt(1.9^2 + 1) */
    o.alpha = 1;
    an = analyzer(lex, &o);
    cx_lexicon_free(lex); /* the analyzer keeps the lexicon alive */
    assert_close(compound(an, "good"), 1.9 / sqrt(1.9 * 1.9 + 1), 1e-12);

    /* thresholds: good = 0.4404 is positive at 0.05, neutral at 0.5 */
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    assert_ok(cx_sentiment_set_thresholds(an, -0.9, 0.9));
    assert_ok(cx_sentiment_score(&r, an, "good", 4));
    assert_int_equal(r.label, CX_SENTIMENT_NEUTRAL); /* 0.885 < 0.9 */
    assert_status(cx_sentiment_set_thresholds(an, 0.5, -0.5), CX_EINVAL);
    assert_status(cx_sentiment_set_thresholds(an, NAN, 0.5), CX_EINVAL);
    assert_ok(cx_sentiment_score(&r, an, "good", 4)); /* unchanged */
    assert_int_equal(r.label, CX_SENTIMENT_NEUTRAL);
    r.version = 0;
    assert_status(cx_sentiment_score(&r, an, "good", 4), CX_EINVAL);
    assert_string_equal(cx_sentiment_label_name(CX_SENTIMENT_POSITIVE), "positive");
    assert_null(cx_sentiment_label_name((cx_sentiment_label)5));
    assert_string_equal(cx_sentiment_rule_name(CX_RULE_NEGATION), "negation");
    assert_null(cx_sentiment_rule_name((cx_sentiment_rule)3));
    cx_sentiment_free(an);
    cx_sentiment_free(NULL);
}

static void test_text_sentiment_overrides(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *an = analyzer(lex, NULL);
    /* "cheap" has no valence in the default lexicon. */
    assert_close(compound(an, "the price is cheap"), 0, 0);
    assert_ok(cx_sentiment_override(an, "cheap", 1.5, "price"));
    assert_ok(cx_sentiment_override(an, "cheap", -1.5, "quality"));
    /* 1.5 / sqrt(2.25 + 15) in a clause about the price, the negative about the material */
    assert_close(compound(an, "the price is cheap"), 1.5 / sqrt(17.25), 1e-12);
    assert_close(compound(an, "the material feels cheap"), -1.5 / sqrt(17.25), 1e-12);
    assert_close(compound(an, "it is cheap"), 0, 0); /* no aspect, no general override */
    /* a general override; replaced when set again */
    assert_ok(cx_sentiment_override(an, "cheap", 0.5, NULL));
    assert_close(compound(an, "it is cheap"), 0.5 / sqrt(15.25), 1e-12);
    assert_ok(cx_sentiment_override(an, "great", 1.0, NULL));
    assert_close(compound(an, "great"), 1 / sqrt(16.0), 1e-12);
    /* errors change nothing */
    assert_status(cx_sentiment_override(an, "great", 5, NULL), CX_ERANGE);
    assert_error_mentions("override valence 5 for \"great\" is outside -4..4");
    assert_status(cx_sentiment_override(an, "great", 2, "weather"), CX_ENOTFOUND);
    assert_error_mentions("unknown aspect \"weather\"");
    assert_status(cx_sentiment_override(an, "!!", 2, NULL), CX_EFORMAT);
    assert_status(cx_sentiment_override(an, "", 2, NULL), CX_EFORMAT);
    assert_close(compound(an, "great"), 0.25, 1e-12);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
}

static void test_text_sentiment_aspects(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *an = analyzer(lex, NULL);
    size_t n = 0;
    assert_ok(cx_sentiment_aspect_count(&n, an));
    assert_int_equal(n, 6);
    const char *name = NULL;
    assert_ok(cx_sentiment_aspect_name(&name, an, 0));
    assert_string_equal(name, "price");
    assert_status(cx_sentiment_aspect_name(&name, an, 6), CX_ERANGE);

    cx_sentiment_doc *doc = NULL;
    assert_ok(cx_sentiment_doc_new(&doc));
    const char *t = "great product but support never answered";
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    assert_ok(cx_sentiment_analyze(&r, doc, an, t, strlen(t)));
    assert_int_equal(r.aspect_count, 2);
    cx_aspect_sentiment a = CX_ASPECT_SENTIMENT_INIT;
    assert_ok(cx_sentiment_doc_aspect(&a, doc, 0));
    assert_string_equal(a.name, "quality");
    assert_int_equal(a.label, CX_SENTIMENT_POSITIVE);
    assert_close(a.sum, 3.1 * 0.5, 1e-12); /* great, before "but" */
    assert_ok(cx_sentiment_doc_aspect(&a, doc, 1));
    assert_string_equal(a.name, "support");
    assert_int_equal(a.label, CX_SENTIMENT_NEGATIVE);
    assert_close(a.sum, -2.3 * 1.5, 1e-12); /* "never answered", after "but" */
    assert_int_equal(a.mentions, 1);
    assert_status(cx_sentiment_doc_aspect(&a, doc, 2), CX_ERANGE);

    /* new aspect terms, all or nothing */
    const char *good_terms[] = { "parking lot", "parking" };
    const char *bad_terms[] = { "valet", "??" };
    assert_status(cx_sentiment_add_aspect_terms(an, "parking", bad_terms, 2), CX_EFORMAT);
    assert_error_mentions("terms[1]");
    assert_ok(cx_sentiment_aspect_count(&n, an));
    assert_int_equal(n, 6); /* unchanged */
    assert_ok(cx_sentiment_add_aspect_terms(an, "parking", good_terms, 2));
    assert_ok(cx_sentiment_aspect_count(&n, an));
    assert_int_equal(n, 7);
    t = "the parking lot was dirty";
    assert_ok(cx_sentiment_analyze(&r, doc, an, t, strlen(t)));
    assert_int_equal(r.aspect_count, 1);
    assert_ok(cx_sentiment_doc_aspect(&a, doc, 0));
    assert_string_equal(a.name, "parking");
    assert_int_equal(a.label, CX_SENTIMENT_NEGATIVE);
    assert_status(cx_sentiment_add_aspect_terms(an, "", good_terms, 1), CX_EINVAL);
    assert_status(cx_sentiment_add_aspect_terms(an, "x", NULL, 1), CX_EINVAL);

    assert_ok(cx_sentiment_clear_aspects(an));
    assert_ok(cx_sentiment_aspect_count(&n, an));
    assert_int_equal(n, 0);
    assert_ok(cx_sentiment_analyze(&r, doc, an, t, strlen(t)));
    assert_int_equal(r.aspect_count, 0);

    cx_sentiment_options o = CX_SENTIMENT_OPTIONS_INIT;
    o.aspects = 0;
    cx_sentiment *plain = analyzer(lex, &o);
    assert_ok(cx_sentiment_aspect_count(&n, plain));
    assert_int_equal(n, 0);
    cx_sentiment_free(plain);
    cx_sentiment_doc_free(doc);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
}

static void test_text_sentiment_evidence(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *an = analyzer(lex, NULL);
    cx_sentiment_doc *doc = NULL;
    assert_ok(cx_sentiment_doc_new(&doc));
    cx_sentiment_evidence ev = CX_SENTIMENT_EVIDENCE_INIT;
    assert_status(cx_sentiment_doc_evidence(&ev, doc, 0), CX_ESTATE);
    /*          0123456789012345678901 */
    const char *t = "Not very helpful!";
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    assert_ok(cx_sentiment_analyze(&r, doc, an, t, strlen(t)));
    /* helpful 1.8 (VADER) + 0.293 = 2.093, negated: x -0.74 = -1.54882;
     * one '!' adds 0.292 towards the sign: S = -1.84082 */
    assert_close(r.sum, -1.84082, 1e-12);
    assert_int_equal(r.evidence_count, 4);
    assert_ok(cx_sentiment_doc_evidence(&ev, doc, 0));
    assert_int_equal(ev.start, 9);
    assert_int_equal(ev.end, 16);
    assert_int_equal(ev.rule, CX_RULE_LEXICON);
    assert_int_equal(ev.rules, CX_RULE_LEXICON | CX_RULE_INTENSIFIER | CX_RULE_NEGATION);
    assert_close(ev.base, 1.8, 1e-12);
    assert_close(ev.valence, -1.54882, 1e-12);
    assert_int_equal(ev.target, -1);
    assert_ok(cx_sentiment_doc_evidence(&ev, doc, 1));
    assert_int_equal(ev.rule, CX_RULE_INTENSIFIER);
    assert_int_equal(ev.start, 4);
    assert_int_equal(ev.end, 8);
    assert_close(ev.valence, 0.293, 1e-12);
    assert_int_equal(ev.target, 0);
    assert_ok(cx_sentiment_doc_evidence(&ev, doc, 2));
    assert_int_equal(ev.rule, CX_RULE_NEGATION);
    assert_int_equal(ev.start, 0);
    assert_int_equal(ev.end, 3);
    assert_close(ev.valence, -1.54882 - 2.093, 1e-12);
    assert_ok(cx_sentiment_doc_evidence(&ev, doc, 3));
    assert_int_equal(ev.rule, CX_RULE_EXCLAMATION);
    assert_int_equal(ev.start, 16);
    assert_int_equal(ev.target, -1);
    assert_close(ev.valence, -0.292, 1e-12);
    assert_status(cx_sentiment_doc_evidence(&ev, doc, 4), CX_ERANGE);
    ev.version = 2;
    assert_status(cx_sentiment_doc_evidence(&ev, doc, 0), CX_EVERSION);

    cx_buffer json = CX_BUFFER_INIT;
    assert_ok(cx_sentiment_doc_json(&json, doc));
    assert_non_null(strstr(json.data, "\"label\":\"negative\""));
    assert_non_null(strstr(json.data, "\"text\":\"helpful\",\"rule\":\"lexicon\",\"rules\":[\"lexicon\",\"negation\","
                                      "\"intensifier\"]"));
    assert_non_null(strstr(json.data, "\"rule\":\"exclamation\""));
    cx_buffer_dispose(&json);

    /* quotes and control characters are escaped in JSON excerpts */
    t = "\"great\"\tthanks";
    assert_ok(cx_sentiment_analyze(&r, doc, an, t, strlen(t)));
    assert_ok(cx_sentiment_doc_json(&json, doc));
    assert_non_null(strstr(json.data, "\"aspects\":[]}"));
    cx_buffer_dispose(&json);

    /* a failed analysis leaves the document empty */
    assert_status(cx_sentiment_analyze(&r, doc, an, "bad \xFF", 5), CX_EFORMAT);
    assert_status(cx_sentiment_doc_json(&json, doc), CX_ESTATE);
    cx_sentiment_doc_free(doc);
    cx_sentiment_doc_free(NULL);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
}

static void test_text_utf8(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *strict = analyzer(lex, NULL);
    cx_sentiment_options o = CX_SENTIMENT_OPTIONS_INIT;
    o.invalid_utf8 = CX_TEXT_INVALID_REPLACE;
    cx_sentiment *lenient = analyzer(lex, &o);
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    const char bad[] = "great \xE2\x82 service";
    assert_status(cx_sentiment_score(&r, strict, bad, strlen(bad)), CX_EFORMAT);
    assert_error_mentions("invalid UTF-8 at byte offset 6");
    assert_ok(cx_sentiment_score(&r, lenient, bad, strlen(bad)));
    assert_close(r.compound, 3.1 / sqrt(3.1 * 3.1 + 15), 1e-12);
    /* overlong, surrogate and out-of-range sequences are invalid too */
    assert_status(cx_sentiment_score(&r, strict, "\xC0\xAF", 2), CX_EFORMAT);
    assert_status(cx_sentiment_score(&r, strict, "\xED\xA0\x80", 3), CX_EFORMAT);
    assert_status(cx_sentiment_score(&r, strict, "\xF4\x90\x80\x80", 4), CX_EFORMAT);
    /* case folding beyond ASCII, curly apostrophes, full-width exclamation */
    assert_close(compound(strict, "GRÉAT"), 0, 0); /* not a word of the lexicon */
    assert_close(compound(strict, "don\xE2\x80\x99t like it"), compound(strict, "don't like it"), 0);
    assert_close(compound(strict, "good\xEF\xBC\x81"), compound(strict, "good!"), 0);
    /* a NUL byte is a separator, not an end */
    assert_close(compound(strict, "good"), 1.9 / sqrt(1.9 * 1.9 + 15), 1e-12); /* good 1.9 (VADER) */
    assert_ok(cx_sentiment_score(&r, strict, "ok\0good", 7));
    assert_int_equal(r.tokens, 2);
    assert_status(cx_sentiment_score(&r, strict, NULL, 3), CX_EINVAL);
    assert_ok(cx_sentiment_score(&r, strict, NULL, 0));
    assert_status(cx_sentiment_score(&r, strict, "x", (size_t)CX_TEXT_MAX_BYTES + 1), CX_ERANGE);
    assert_error_mentions("longer than the limit");
    /* A replaced byte inside a phrase is in its evidence span; the JSON
     * shows it as U+FFFD, so that the JSON stays UTF-8 (RFC 8259 8.1). */
    cx_sentiment_doc *doc = NULL;
    assert_ok(cx_sentiment_doc_new(&doc));
    const char held[] = "on hold\xFF for an hour";
    assert_ok(cx_sentiment_analyze(&r, doc, lenient, held, strlen(held)));
    cx_sentiment_evidence ev = CX_SENTIMENT_EVIDENCE_INIT;
    assert_ok(cx_sentiment_doc_evidence(&ev, doc, 0));
    assert_int_equal(ev.start, 0);
    assert_int_equal(ev.end, strlen(held)); /* the whole service phrase */
    cx_buffer json = CX_BUFFER_INIT;
    assert_ok(cx_sentiment_doc_json(&json, doc));
    size_t bad_at = 0;
    for (size_t i = 0; i < json.size && bad_at == 0; i++)
        bad_at = (unsigned char)json.data[i] == 0xFF ? i + 1 : 0;
    assert_int_equal(bad_at, 0);
    assert_non_null(strstr(json.data, "\"text\":\"on hold\\ufffd for an hour\""));
    cx_buffer_dispose(&json);
    cx_sentiment_doc_free(doc);
    cx_sentiment_free(strict);
    cx_sentiment_free(lenient);
    cx_lexicon_free(lex);
}

/* ---- batches and threads --------------------------------------------- */

static const char *const batch[] = {
    "Great product but support never answered", "no problems", "Terrible!", "the parcel came", "love it :)",
};

static void test_text_score_many(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *an = analyzer(lex, NULL);
    double c[5];
    int labels[5];
    assert_ok(cx_sentiment_score_many(c, labels, an, batch, NULL, 5));
    for (int i = 0; i < 5; i++)
        assert_close(c[i], compound(an, batch[i]), 0);
    assert_int_equal(labels[0], CX_SENTIMENT_NEGATIVE);
    assert_int_equal(labels[1], CX_SENTIMENT_POSITIVE);
    assert_int_equal(labels[3], CX_SENTIMENT_NEUTRAL);
    size_t lens[5] = { 5, 2, 8, 3, 4 }; /* "Great", "no", "Terrible", "the", "love" */
    assert_ok(cx_sentiment_score_many(c, NULL, an, batch, lens, 5));
    assert_close(c[0], 3.1 / sqrt(3.1 * 3.1 + 15), 1e-12);
    assert_close(c[1], 0, 0);

    /* a bad text anywhere: nothing is written */
    const char *with_bad[] = { "good", "bad \xFF", "fine" };
    double out[3] = { 7, 7, 7 };
    assert_status(cx_sentiment_score_many(out, NULL, an, with_bad, NULL, 3), CX_EFORMAT);
    assert_error_mentions("texts[1]: invalid UTF-8 at byte offset 4");
    assert_close(out[0], 7, 0);
    const char *with_null[] = { "good", NULL };
    assert_status(cx_sentiment_score_many(out, NULL, an, with_null, NULL, 2), CX_EINVAL);
    assert_error_mentions("texts[1] is NULL");
    assert_ok(cx_sentiment_score_many(NULL, NULL, an, NULL, NULL, 0));
    assert_status(cx_sentiment_score_many(NULL, NULL, an, batch, NULL, 1), CX_EINVAL);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
}

#define THREAD_TEXTS 2000

typedef struct thread_job {
    const cx_sentiment *an;
    const char **texts;
    double out[THREAD_TEXTS];
    int rc;
} thread_job;

static void *score_job(void *arg)
{
    thread_job *job = arg;
    job->rc = cx_sentiment_score_many(job->out, NULL, job->an, job->texts, NULL, THREAD_TEXTS);
    return NULL;
}

static void test_text_threads_share_an_analyzer(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_sentiment *an = analyzer(lex, NULL);
    static const char *texts[THREAD_TEXTS];
    for (int i = 0; i < THREAD_TEXTS; i++)
        texts[i] = batch[i % 5];
    static thread_job jobs[4];
    pthread_t th[4];
    for (int t = 0; t < 4; t++) {
        jobs[t] = (thread_job){ an, texts, { 0 }, -1 };
        assert_int_equal(pthread_create(&th[t], NULL, score_job, &jobs[t]), 0);
    }
    for (int t = 0; t < 4; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int t = 0; t < 4; t++) {
        assert_int_equal(jobs[t].rc, CX_OK);
        for (int i = 0; i < THREAD_TEXTS; i++)
            assert_close(jobs[t].out[i], compound(an, texts[i]), 0);
    }
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
}

/* ---- calibration ----------------------------------------------------- */

static void test_text_calibrate(void **state)
{
    (void)state;
    const double c[] = { 0.7, -0.6, 0.0, -0.2, 0.1, 0.3, -0.1 };
    const int y[] = { 1, -1, 0, -1, 0, 1, 0 };
    cx_sentiment_calibration cal = CX_SENTIMENT_CALIBRATION_INIT;
    assert_ok(cx_sentiment_calibrate(&cal, c, y, 7));
    /* By hand: sorted -0.6 -0.2 | -0.1 0.0 0.1 | 0.3 0.7 labels all right with
     * cuts midway, (-0.2 + -0.1)/2 = -0.15 and (0.1 + 0.3)/2 = 0.2. With
     * -0.05 / 0.05, -0.1 is called negative and 0.1 positive: 5/7. */
    assert_close(cal.negative_threshold, -0.15, 1e-12);
    assert_close(cal.positive_threshold, 0.2, 1e-12);
    assert_close(cal.accuracy, 1, 0);
    assert_close(cal.default_accuracy, 5.0 / 7.0, 1e-12);
    assert_int_equal(cal.count, 7);

    /* No neutral labels: the band closes; ties go to the cuts nearest the
     * defaults. Scores -0.5 0.5: any cut in (-0.5, 0.5) is right; the
     * candidates are 0 (neg) and 0 (pos): both midway. */
    const double c2[] = { -0.5, 0.5 };
    const int y2[] = { -1, 1 };
    assert_ok(cx_sentiment_calibrate(&cal, c2, y2, 2));
    assert_close(cal.negative_threshold, 0, 0);
    assert_close(cal.positive_threshold, 0, 0);
    assert_close(cal.accuracy, 1, 0);

    const double bad_c[] = { 0.1, 1.5 };
    const int bad_y[] = { 0, 2 };
    assert_status(cx_sentiment_calibrate(&cal, bad_c, y, 2), CX_ERANGE);
    assert_error_mentions("compound[1] = 1.5 is outside -1..1");
    assert_status(cx_sentiment_calibrate(&cal, c, bad_y, 2), CX_ERANGE);
    assert_error_mentions("labels[1] = 2");
    assert_status(cx_sentiment_calibrate(&cal, c, y, 0), CX_EEMPTY);
    cal.version = 0;
    assert_status(cx_sentiment_calibrate(&cal, c, y, 7), CX_EINVAL);
}

/* ---- allocation failures ----------------------------------------------- */

static int lexicon_scenario(void *ctx)
{
    (void)ctx;
    cx_lexicon *lex = NULL;
    int rc = cx_lexicon_parse(&lex, small_tsv, strlen(small_tsv), "small.tsv");
    cx_lexicon_free(lex);
    return rc;
}

typedef struct analyze_ctx {
    const char *text;
} analyze_ctx;

static int analyze_scenario(void *ctx)
{
    const analyze_ctx *c = ctx;
    cx_lexicon *lex = NULL;
    cx_sentiment *an = NULL;
    cx_sentiment_doc *doc = NULL;
    cx_buffer json = CX_BUFFER_INIT;
    int rc = cx_lexicon_parse(&lex, small_tsv, strlen(small_tsv), "small.tsv");
    if (rc == CX_OK)
        rc = cx_sentiment_new(&an, lex, NULL);
    if (rc == CX_OK)
        rc = cx_sentiment_override(an, "bad", -3, "delivery");
    if (rc == CX_OK) {
        const char *terms[] = { "box" };
        rc = cx_sentiment_add_aspect_terms(an, "delivery", terms, 1);
    }
    if (rc == CX_OK)
        rc = cx_sentiment_doc_new(&doc);
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    if (rc == CX_OK)
        rc = cx_sentiment_analyze(&r, doc, an, c->text, strlen(c->text));
    if (rc == CX_OK)
        rc = cx_sentiment_doc_json(&json, doc);
    if (rc == CX_OK)
        rc = cx_sentiment_score(&r, an, c->text, strlen(c->text));
    cx_buffer_dispose(&json);
    cx_sentiment_doc_free(doc);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
    return rc;
}

static void test_text_each_allocation_fails(void **state)
{
    (void)state;
    assert_true(cx_test_each_allocation_fails(lexicon_scenario, NULL) > 5);
    /* a long text moves the tokenizer off its inline storage */
    static char long_text[8000];
    size_t n = 0;
    while (n + 40 < sizeof long_text) {
        memcpy(long_text + n, "the parcel was not very bad, super good ", 40);
        n += 40;
    }
    long_text[n] = '\0';
    analyze_ctx ctx = { long_text };
    assert_true(cx_test_each_allocation_fails(analyze_scenario, &ctx) > 10);
}

static int default_lexicon_scenario(void *ctx)
{
    (void)ctx;
    cx_lexicon *lex = NULL;
    int rc = cx_lexicon_new_default(&lex);
    cx_lexicon_free(lex);
    return rc;
}

static void test_text_default_lexicon_allocation_fails(void **state)
{
    (void)state;
    /* The first failures only: the full run would rebuild 8,000 terms for
     * each of its thousands of allocations. */
    cx_test_use_counting_allocator();
    for (long fail_at = 1; fail_at <= 60; fail_at++) {
        cx_test_alloc.calls = 0;
        cx_test_alloc.fail_at = fail_at;
        cx_test_alloc.live = 0;
        int rc = default_lexicon_scenario(NULL);
        assert_int_equal(cx_test_alloc.live, 0);
        if (cx_test_alloc.calls < fail_at) { /* the build needed fewer allocations: nothing failed */
            assert_int_equal(rc, CX_OK);
            break;
        }
        assert_status(rc, CX_ENOMEM);
    }
    cx_set_allocator(NULL);
}

/* ---- arbitrary bytes --------------------------------------------------- */

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A comment of `n` copies of `word` followed by `tail`, in a new buffer. */
static char *repeated(const char *word, size_t n, const char *tail, size_t *len)
{
    size_t w = strlen(word), t = strlen(tail);
    char *text = malloc(n * w + t + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * w, word, w);
    memcpy(text + n * w, tail, t + 1);
    *len = n * w + t;
    return text;
}

static double cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

static void test_text_long_comments_take_linear_time(void **state)
{
    (void)state;
    /* 400,000 units in one clause. Work that grows with the square of the
     * units (each scored unit looking for the contrast word, each unit
     * looking at every aspect mention) takes about a minute here; linear
     * work a fraction of a second, even under the sanitizers. */
    const size_t n = 400000;
    cx_lexicon *lex = english();
    cx_sentiment *an = analyzer(lex, NULL);
    cx_sentiment_doc *doc = NULL;
    assert_ok(cx_sentiment_doc_new(&doc));
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    size_t len = 0;
    /* "bad bad ... bad but ok": every "bad" weighs 0.5 before the "but". */
    char *text = repeated("bad ", n, "but ok", &len);
    double start = cpu_seconds();
    assert_ok(cx_sentiment_score(&r, an, text, len));
    assert_true(cpu_seconds() - start < 10);
    assert_int_equal(r.tokens, n + 2);
    assert_int_equal(r.label, CX_SENTIMENT_NEGATIVE);
    free(text);
    /* "price price ... price": n mentions of one aspect. */
    text = repeated("price ", n, "", &len);
    start = cpu_seconds();
    assert_ok(cx_sentiment_analyze(&r, doc, an, text, len));
    assert_true(cpu_seconds() - start < 10);
    assert_int_equal(r.aspect_count, 1);
    cx_aspect_sentiment a = CX_ASPECT_SENTIMENT_INIT;
    assert_ok(cx_sentiment_doc_aspect(&a, doc, 0));
    assert_string_equal(a.name, "price");
    assert_int_equal(a.mentions, n);
    free(text);
    cx_sentiment_doc_free(doc);
    cx_sentiment_free(an);
    cx_lexicon_free(lex);
}

static void test_text_fuzz_arbitrary_bytes(void **state)
{
    (void)state;
    cx_lexicon *lex = english();
    cx_lexicon *vi = NULL;
    assert_ok(cx_lexicon_load(&vi, CX_TEST_DATA_DIR "/lexicon/vi.tsv"));
    cx_sentiment_options o = CX_SENTIMENT_OPTIONS_INIT;
    o.invalid_utf8 = CX_TEXT_INVALID_REPLACE;
    cx_sentiment *ans[3] = { analyzer(lex, NULL), analyzer(lex, &o), analyzer(vi, &o) };
    cx_sentiment_doc *doc = NULL;
    assert_ok(cx_sentiment_doc_new(&doc));
    cx_keywords *kw = NULL;
    assert_ok(cx_keywords_new(&kw, lex, NULL));
    /* Bytes drawn from a mix that reaches every branch: ASCII letters and
     * punctuation, UTF-8 lead and continuation bytes, emoji, marks. */
    static const char pieces[][5] = { "a", "Z", " ", "!", ":", ")", "'", "-", "\xC3", "\xA9", "\xE2", "\x80",
                                      "\x99", "\xF0\x9F\x91\x8D", "\xCC\x81", "\xFF", "\n", ",", "1", "not" };
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char buf[256];
    cx_buffer json = CX_BUFFER_INIT;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0, target = next_random(&seed) % 200;
        while (len < target) {
            const char *p = pieces[next_random(&seed) % (sizeof pieces / sizeof pieces[0])];
            size_t k = strlen(p);
            if (next_random(&seed) % 8 == 0) { /* a raw random byte */
                buf[len++] = (char)(next_random(&seed) & 0xFF);
                continue;
            }
            memcpy(buf + len, p, k);
            len += k;
        }
        cx_sentiment *an = ans[iter % 3];
        cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
        int rc = cx_sentiment_analyze(&r, doc, an, buf, len);
        assert_true(rc == CX_OK || rc == CX_EFORMAT);
        if (rc == CX_OK) {
            assert_true(r.compound >= -1 && r.compound <= 1);
            assert_close(r.positive + r.negative + r.neutral, 1, 1e-9);
            for (uint32_t i = 0; i < r.evidence_count; i++) {
                cx_sentiment_evidence ev = CX_SENTIMENT_EVIDENCE_INIT;
                assert_ok(cx_sentiment_doc_evidence(&ev, doc, i));
                assert_true(ev.start <= ev.end && ev.end <= len);
            }
            json.size = 0;
            assert_ok(cx_sentiment_doc_json(&json, doc));
        }
        rc = cx_keywords_add(kw, (cx_keywords_group)(iter % 2), buf, len);
        assert_true(rc == CX_OK || rc == CX_EFORMAT);
    }
    cx_buffer_dispose(&json);
    size_t ranked = 0;
    assert_ok(cx_keywords_rank(&ranked, kw));
    cx_keywords_free(kw);
    cx_sentiment_doc_free(doc);
    for (int i = 0; i < 3; i++)
        cx_sentiment_free(ans[i]);
    cx_lexicon_free(vi);
    cx_lexicon_free(lex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_lexicon_parse_and_lookup),
        cmocka_unit_test(test_text_lexicon_default_and_languages),
        cmocka_unit_test(test_text_lexicon_errors),
        cmocka_unit_test(test_text_sentiment_options),
        cmocka_unit_test(test_text_sentiment_overrides),
        cmocka_unit_test(test_text_sentiment_aspects),
        cmocka_unit_test(test_text_sentiment_evidence),
        cmocka_unit_test(test_text_utf8),
        cmocka_unit_test(test_text_score_many),
        cmocka_unit_test(test_text_threads_share_an_analyzer),
        cmocka_unit_test(test_text_calibrate),
        cmocka_unit_test(test_text_each_allocation_fails),
        cmocka_unit_test(test_text_default_lexicon_allocation_fails),
        cmocka_unit_test(test_text_long_comments_take_linear_time),
        cmocka_unit_test(test_text_fuzz_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
