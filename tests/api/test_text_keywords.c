/*
 * Black-box tests of keywords by weighted log-odds with an informative
 * Dirichlet prior. Expected figures are the output lines of
 * tests/reference/text_reference.py (plain Python from Monroe, Colaresi &
 * Quinn 2008, on the same comments); "ref: <name>" names the block.
 */
#include "harness.h"

static const char *const group_a[] = {
    "still waiting for a refund", "slow delivery and no response", "no response from support", "refund took weeks",
    "support never answered",
};
static const char *const group_b[] = {
    "fast delivery great support", "great product", "support was great and fast", "love the product",
};
static const char *const background[] = { "delivery was fine", "the product works", "support answered" };

typedef struct expected {
    const char *term;
    double z, delta, variance;
    uint64_t a, b;
} expected;

static cx_keywords *filled(cx_lexicon *lex, const cx_keywords_options *opts, bool with_background)
{
    cx_keywords *kw = NULL;
    assert_ok(cx_keywords_new(&kw, lex, opts));
    assert_ok(cx_keywords_add_many(kw, CX_KEYWORDS_A, group_a, NULL, 5));
    assert_ok(cx_keywords_add_many(kw, CX_KEYWORDS_B, group_b, NULL, 4));
    if (with_background)
        assert_ok(cx_keywords_add_many(kw, CX_KEYWORDS_BACKGROUND, background, NULL, 3));
    return kw;
}

#ifndef CX_TEST_DATA_DIR
#error "CX_TEST_DATA_DIR must name the source tree's data folder"
#endif

static void check_ranking(cx_keywords *kw, const expected *want, size_t n)
{
    size_t count = 0;
    assert_ok(cx_keywords_rank(&count, kw));
    assert_int_equal(count, n);
    for (size_t i = 0; i < n; i++) {
        cx_keyword k = CX_KEYWORD_INIT;
        assert_ok(cx_keywords_get(&k, kw, i));
        assert_string_equal(k.term, want[i].term);
        assert_close(k.z, want[i].z, 1e-10);
        assert_close(k.delta, want[i].delta, 1e-10);
        assert_close(k.variance, want[i].variance, 1e-10);
        assert_int_equal(k.count_a, want[i].a);
        assert_int_equal(k.count_b, want[i].b);
    }
}

static void test_text_keywords_pooled_prior(void **state)
{
    (void)state;
    cx_lexicon *lex = NULL;
    assert_ok(cx_lexicon_new_default(&lex));
    cx_keywords *kw = filled(lex, NULL, false);
    cx_lexicon_free(lex); /* the table keeps its reference */
    /* ref: pooled_prior (ties in z ordered by term) */
    static const expected want[] = {
        { "no", 0.654545989943, 0.566853455236, 0.75, 2, 0 },
        { "no response", 0.654545989943, 0.566853455236, 0.75, 2, 0 },
        { "refund", 0.654545989943, 0.566853455236, 0.75, 2, 0 },
        { "response", 0.654545989943, 0.566853455236, 0.75, 2, 0 },
        { "delivery", -0.199044225406, -0.162518929498, 0.666666666667, 1, 1 },
        { "support", -0.297653376291, -0.171850256927, 0.333333333333, 2, 2 },
        { "fast", -1.02999061622, -0.891998039305, 0.75, 0, 2 },
        { "product", -1.02999061622, -0.891998039305, 0.75, 0, 2 },
        { "great", -1.29583078009, -0.916290731874, 0.5, 0, 3 },
    };
    check_ranking(kw, want, 9);
    cx_keywords_free(kw);
}

static void check_entry(const cx_keywords *kw, size_t index, const expected *want)
{
    cx_keyword k = CX_KEYWORD_INIT;
    assert_ok(cx_keywords_get(&k, kw, index));
    assert_string_equal(k.term, want->term);
    assert_close(k.z, want->z, 1e-10);
    assert_close(k.delta, want->delta, 1e-10);
    assert_close(k.variance, want->variance, 1e-10);
    assert_int_equal(k.count_a, want->a);
    assert_int_equal(k.count_b, want->b);
}

static void test_text_keywords_prior_scale_and_background(void **state)
{
    (void)state;
    cx_lexicon *lex = NULL;
    assert_ok(cx_lexicon_new_default(&lex));
    cx_keywords_options o = CX_KEYWORDS_OPTIONS_INIT;
    o.prior_scale = 10;
    cx_keywords *kw = filled(lex, &o, false);
    size_t n = 0;
    assert_ok(cx_keywords_rank(&n, kw));
    assert_int_equal(n, 9);
    /* ref: pooled_prior_a0_10 */
    static const expected first = { "no", 0.873066572464, 1.33780443689, 2.34795918367, 2, 0 };
    static const expected last = { "great", -1.62834640941, -2.03725992764, 1.56530612245, 0, 3 };
    check_entry(kw, 0, &first);
    check_entry(kw, 8, &last);
    cx_keywords_free(kw);

    kw = filled(lex, NULL, true);
    assert_ok(cx_keywords_rank(&n, kw));
    assert_int_equal(n, 9);
    /* ref: background_prior (Laplace-smoothed background counts) */
    static const expected bg_first = { "no", 0.912817961952, 2.10710505268, 5.32848837209, 2, 0 };
    static const expected bg_fast = { "fast", -1.21277193098, -2.79950435906, 5.32848837209, 0, 2 };
    static const expected bg_product = { "product", -1.30187783711, -2.19874549018, 2.85239361702, 0, 2 };
    static const expected bg_last = { "great", -1.41504116171, -3.2227543042, 5.187, 0, 3 };
    check_entry(kw, 0, &bg_first);
    check_entry(kw, 6, &bg_fast);
    check_entry(kw, 7, &bg_product);
    check_entry(kw, 8, &bg_last);
    cx_keywords_free(kw);
    cx_lexicon_free(lex);
}

static void test_text_keywords_merge(void **state)
{
    (void)state;
    cx_lexicon *lex = NULL;
    assert_ok(cx_lexicon_new_default(&lex));
    cx_keywords *left = NULL, *right = NULL;
    assert_ok(cx_keywords_new(&left, lex, NULL));
    assert_ok(cx_keywords_new(&right, lex, NULL));
    assert_ok(cx_keywords_add_many(left, CX_KEYWORDS_A, group_a, NULL, 2));
    assert_ok(cx_keywords_add_many(right, CX_KEYWORDS_A, group_a + 2, NULL, 3));
    assert_ok(cx_keywords_add_many(right, CX_KEYWORDS_B, group_b, NULL, 4));
    assert_ok(cx_keywords_merge(left, right));
    /* merged in two pieces, the ranking equals the one-piece ranking: ref: pooled_prior */
    static const expected first = { "no", 0.654545989943, 0.566853455236, 0.75, 2, 0 };
    static const expected last = { "great", -1.29583078009, -0.916290731874, 0.5, 0, 3 };
    size_t n = 0;
    assert_ok(cx_keywords_rank(&n, left));
    assert_int_equal(n, 9);
    check_entry(left, 0, &first);
    check_entry(left, 8, &last);

    cx_keywords_options o = CX_KEYWORDS_OPTIONS_INIT;
    o.bigrams = 0;
    cx_keywords *other = NULL;
    assert_ok(cx_keywords_new(&other, lex, &o));
    assert_status(cx_keywords_merge(left, other), CX_ESTATE);
    assert_error_mentions("bigrams 1/0");
    check_entry(left, 0, &first); /* unchanged, ranking still valid */
    cx_keywords_free(other);
    cx_keywords_free(left);
    cx_keywords_free(right);
    cx_lexicon_free(lex);
}

static void check_stemming(cx_lexicon *lex, const cx_keywords_options *o)
{
    cx_keywords *kw = NULL;
    assert_ok(cx_keywords_new(&kw, lex, o));
    const char *a[] = { "waiting and waited", "waits" };
    const char *b[] = { "delivered", "delivery" };
    assert_ok(cx_keywords_add_many(kw, CX_KEYWORDS_A, a, NULL, 2));
    assert_ok(cx_keywords_add_many(kw, CX_KEYWORDS_B, b, NULL, 2));
    size_t n = 0;
    assert_ok(cx_keywords_rank(&n, kw));
    /* Porter2 (Snowball English): waiting, waited, waits -> "wait";
     * delivered -> "deliv", delivery -> "deliveri". */
    assert_int_equal(n, 3);
    cx_keyword k = CX_KEYWORD_INIT;
    assert_ok(cx_keywords_get(&k, kw, 0));
    assert_string_equal(k.term, "wait");
    assert_int_equal(k.count_a, 3);
    cx_keywords_free(kw);

    cx_lexicon *vi = NULL;
    assert_ok(cx_lexicon_load(&vi, CX_TEST_DATA_DIR "/lexicon/vi.tsv"));
    kw = (cx_keywords *)1;
    assert_status(cx_keywords_new(&kw, vi, o), CX_ENOTFOUND);
    assert_error_mentions("no Snowball stemmer for language \"vi\"");
    assert_null(kw);
    cx_lexicon_free(vi);
}

static void test_text_keywords_options_and_stemming(void **state)
{
    (void)state;
    cx_lexicon *lex = NULL;
    assert_ok(cx_lexicon_new_default(&lex));
    int available = 0;
    assert_ok(cx_text_stemmer_available(&available, "en"));
    cx_keywords_options o = CX_KEYWORDS_OPTIONS_INIT;
    o.stem = 1;
    o.bigrams = 0;
    o.min_count = 1;
    cx_keywords *kw = NULL;
    if (!available) { /* built without libstemmer */
        assert_status(cx_keywords_new(&kw, lex, &o), CX_ENOTFOUND);
        assert_error_mentions("without libstemmer");
        assert_null(kw);
    } else {
        check_stemming(lex, &o);
    }
    size_t n = 0;
    /* stop words off: "the" counts; min_count 1 ranks singletons */
    o = (cx_keywords_options)CX_KEYWORDS_OPTIONS_INIT;
    o.stop_words = 0;
    o.bigrams = 0;
    o.min_count = 1;
    assert_ok(cx_keywords_new(&kw, lex, &o));
    assert_ok(cx_keywords_add(kw, CX_KEYWORDS_A, "the box", 7));
    assert_ok(cx_keywords_add(kw, CX_KEYWORDS_B, "the bag", 7));
    assert_ok(cx_keywords_rank(&n, kw));
    assert_int_equal(n, 3); /* the, box, bag */
    cx_keywords_free(kw);

    o = (cx_keywords_options)CX_KEYWORDS_OPTIONS_INIT;
    o.prior_scale = -1;
    assert_status(cx_keywords_new(&kw, lex, &o), CX_EINVAL);
    assert_error_mentions("prior_scale -1");
    o.prior_scale = NAN;
    o.bigrams = 2;
    assert_status(cx_keywords_new(&kw, lex, &o), CX_EINVAL);
    assert_ok(cx_keywords_options_init(&o, CX_KEYWORDS_OPTIONS_VERSION));
    assert_true(isnan(o.prior_scale));
    cx_lexicon_free(lex);
}

static void test_text_keywords_errors(void **state)
{
    (void)state;
    cx_keywords *kw = NULL;
    assert_ok(cx_keywords_new(&kw, NULL, NULL)); /* no lexicon: no stop words */
    size_t n = 0;
    assert_status(cx_keywords_rank(&n, kw), CX_EEMPTY);
    assert_error_mentions("group A has no terms");
    assert_ok(cx_keywords_add(kw, CX_KEYWORDS_A, "late parcel", 11));
    assert_ok(cx_keywords_add(kw, CX_KEYWORDS_B, "quick parcel", 12));
    assert_ok(cx_keywords_rank(&n, kw));
    assert_int_equal(n, 1); /* only "parcel" reaches min_count 2 */
    cx_keyword k = CX_KEYWORD_INIT;
    assert_ok(cx_keywords_get(&k, kw, 0));
    assert_string_equal(k.term, "parcel");
    assert_close(k.z, 0, 1e-12); /* once in each group of 3 terms: delta 0 */
    assert_status(cx_keywords_get(&k, kw, 1), CX_ERANGE);
    /* a batch with a bad text changes nothing */
    const char *texts[] = { "late again", "bad \xFF" };
    assert_status(cx_keywords_add_many(kw, CX_KEYWORDS_A, texts, NULL, 2), CX_EFORMAT);
    assert_error_mentions("texts[1]: invalid UTF-8 at byte offset 4");
    /* ... its ranking included: still valid and the same */
    cx_keyword same = CX_KEYWORD_INIT;
    assert_ok(cx_keywords_get(&same, kw, 0));
    assert_string_equal(same.term, "parcel");
    assert_int_equal(same.count_a, 1);
    assert_close(same.z, k.z, 0);
    /* so does an overlong text, after texts that add new terms: none is
     * counted, in any group */
    const char *long_texts[] = { "brand new words here", "x" };
    size_t long_lens[] = { 20, (size_t)CX_TEXT_MAX_BYTES + 1 };
    assert_status(cx_keywords_add_many(kw, CX_KEYWORDS_A, long_texts, long_lens, 2), CX_ERANGE);
    assert_error_mentions("texts[1]: text of");
    assert_ok(cx_keywords_get(&same, kw, 0));
    assert_string_equal(same.term, "parcel");
    assert_ok(cx_keywords_rank(&n, kw));
    assert_int_equal(n, 1);
    assert_ok(cx_keywords_get(&k, kw, 0));
    assert_int_equal(k.count_a, 1);
    assert_status(cx_keywords_add(kw, (cx_keywords_group)5, "x", 1), CX_EINVAL);
    assert_error_mentions("unknown keyword group 5");
    assert_status(cx_keywords_add(kw, CX_KEYWORDS_A, NULL, 1), CX_EINVAL);
    const char *nul[] = { NULL };
    assert_status(cx_keywords_add_many(kw, CX_KEYWORDS_A, nul, NULL, 1), CX_EINVAL);
    k.version = 9;
    assert_status(cx_keywords_get(&k, kw, 0), CX_EVERSION);
    cx_keywords_free(kw);
    cx_keywords_free(NULL);
}

static int keywords_scenario(void *ctx)
{
    (void)ctx;
    cx_lexicon *lex = NULL;
    cx_keywords *kw = NULL, *other = NULL;
    int rc = cx_lexicon_parse(&lex, "stop\tand\n@language\ten\n", 22, NULL);
    if (rc == CX_OK)
        rc = cx_keywords_new(&kw, lex, NULL);
    if (rc == CX_OK)
        rc = cx_keywords_new(&other, lex, NULL);
    if (rc == CX_OK)
        rc = cx_keywords_add_many(kw, CX_KEYWORDS_A, group_a, NULL, 5);
    if (rc == CX_OK)
        rc = cx_keywords_add_many(other, CX_KEYWORDS_B, group_b, NULL, 4);
    if (rc == CX_OK)
        rc = cx_keywords_merge(kw, other);
    size_t n = 0;
    if (rc == CX_OK)
        rc = cx_keywords_rank(&n, kw);
    cx_keywords_free(other);
    cx_keywords_free(kw);
    cx_lexicon_free(lex);
    return rc;
}

static void test_text_keywords_each_allocation_fails(void **state)
{
    (void)state;
    assert_true(cx_test_each_allocation_fails(keywords_scenario, NULL) > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_keywords_pooled_prior),
        cmocka_unit_test(test_text_keywords_prior_scale_and_background),
        cmocka_unit_test(test_text_keywords_merge),
        cmocka_unit_test(test_text_keywords_options_and_stemming),
        cmocka_unit_test(test_text_keywords_errors),
        cmocka_unit_test(test_text_keywords_each_allocation_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
