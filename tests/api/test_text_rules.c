/*
 * The sentiment rules, sentence by sentence, in English and Vietnamese.
 *
 * Each row of the tables is a sentence labelled by hand (the label a
 * customer-experience analyst would give it) with the rule it exercises;
 * the test checks that the rule shows in the evidence and that the label
 * agrees, prints the agreement per language, and requires every row to
 * agree. Exact figures are hand calculations from the definitions in
 * docs/text.md (compound = S / sqrt(S^2 + 15)) with the valences of the
 * lexicon files, shown beside each assertion.
 */
#include "harness.h"

#ifndef CX_TEST_DATA_DIR
#error "CX_TEST_DATA_DIR must name the source tree's data folder"
#endif

typedef struct labelled {
    const char *text;
    int label;     /* hand label: -1, 0, 1 */
    uint32_t rule; /* the rule the sentence is about; 0: none expected */
} labelled;

#define NEG CX_SENTIMENT_NEGATIVE
#define NEU CX_SENTIMENT_NEUTRAL
#define POS CX_SENTIMENT_POSITIVE

static const labelled english[] = {
    /* lexicon */
    { "The staff were friendly", POS, CX_RULE_LEXICON },
    { "Terrible experience", NEG, CX_RULE_LEXICON },
    { "I received the parcel on Tuesday", NEU, 0 },
    { "The app is buggy", NEG, CX_RULE_LEXICON },
    /* phrases */
    { "I can't stand their attitude", NEG, CX_RULE_PHRASE },
    { "Hassle-free returns", POS, CX_RULE_LEXICON },
    /* customer-service phrases */
    { "I was on hold for an hour", NEG, CX_RULE_SERVICE },
    { "On hold for 2 hours again", NEG, CX_RULE_SERVICE },
    { "Still waiting for my refund", NEG, CX_RULE_SERVICE },
    { "No one called back", NEG, CX_RULE_SERVICE },
    { "They fixed it in minutes", POS, CX_RULE_SERVICE },
    { "The agent went above and beyond", POS, CX_RULE_SERVICE },
    { "The app keeps crashing", NEG, CX_RULE_SERVICE },
    /* negation: not, no, without, never */
    { "The support was not helpful", NEG, CX_RULE_NEGATION },
    { "No problems at all", POS, CX_RULE_NEGATION },
    { "No complaints", POS, CX_RULE_NEGATION },
    { "Not the worst service", POS, CX_RULE_NEGATION },
    { "Delivered without any issues", POS, CX_RULE_NEGATION },
    { "Never disappointed by this shop", POS, CX_RULE_NEGATION },
    { "The food isn't good", NEG, CX_RULE_NEGATION },
    { "No problems or complaints", POS, CX_RULE_NEGATION },
    /* intensifiers and dampeners */
    { "The checkout was extremely easy", POS, CX_RULE_INTENSIFIER },
    { "Really rude staff", NEG, CX_RULE_INTENSIFIER },
    { "The delivery was slightly late", NEG, CX_RULE_DAMPENER },
    { "It was kind of nice", POS, CX_RULE_DAMPENER },
    /* contrast and concession */
    { "Great product but support never answered", NEG, CX_RULE_CONTRAST },
    { "The price is high but the quality is excellent", POS, CX_RULE_CONTRAST },
    { "Although the staff was nice, the wait was terrible", NEG, CX_RULE_CONTRAST },
    { "The food was great, although the service was slow", POS, CX_RULE_CONTRAST },
    /* emphasis */
    { "The service was GREAT", POS, CX_RULE_CAPS },
    { "The wait was AWFUL", NEG, CX_RULE_CAPS },
    { "Love it!!!", POS, CX_RULE_EXCLAMATION },
    { "Worst support ever!", NEG, CX_RULE_EXCLAMATION },
    /* emoticons and emoji */
    { "Arrived today :)", POS, CX_RULE_EMOTICON },
    { "Arrived broken :(", NEG, CX_RULE_EMOTICON },
    { "Delivery \xF0\x9F\x91\x8D", POS, CX_RULE_EMOJI },            /* thumbs up */
    { "Support \xF0\x9F\x98\xA1", NEG, CX_RULE_EMOJI },             /* pouting face */
    { "Thanks \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", POS, CX_RULE_EMOJI }, /* thumbs up, skin tone */
};

/* Vietnamese: diacritics matter, syllables are separated by spaces.
 * Translations in the comments. */
static const labelled vietnamese[] = {
    /* lexicon and phrases */
    { "Sản phẩm tốt", POS, CX_RULE_LEXICON },                  /* good product */
    { "Dịch vụ tệ", NEG, CX_RULE_LEXICON },                     /* bad service */
    { "Nhân viên rất thân thiện", POS, CX_RULE_PHRASE },       /* the staff are very friendly */
    { "Tôi rất thất vọng", NEG, CX_RULE_PHRASE },               /* I am very disappointed */
    { "Tôi nhận hàng hôm qua", NEU, 0 },                        /* I got the goods yesterday */
    /* customer-service phrases */
    { "Chờ cả tiếng không ai trả lời", NEG, CX_RULE_SERVICE },  /* waited a whole hour, nobody answered */
    { "Tôi vẫn đang chờ hoàn tiền", NEG, CX_RULE_SERVICE },     /* I am still waiting for the refund */
    { "Đợi 3 ngày rồi", NEG, CX_RULE_SERVICE },                 /* waited 3 days already */
    { "Lỗi được xử lý nhanh", POS, CX_RULE_SERVICE },           /* the fault was handled fast */
    /* negation */
    { "Hàng không tốt", NEG, CX_RULE_NEGATION },                /* the goods are not good */
    { "Không có vấn đề gì", POS, CX_RULE_NEGATION },            /* no problem at all */
    { "Chưa hài lòng lắm", NEG, CX_RULE_NEGATION },             /* not quite satisfied yet */
    { "Không hề thất vọng", POS, CX_RULE_NEGATION },            /* not disappointed at all */
    { "Nhân viên thiếu chuyên nghiệp", NEG, CX_RULE_NEGATION }, /* the staff lack professionalism */
    /* intensifiers before and after, dampeners */
    { "Giao hàng cực kỳ nhanh", POS, CX_RULE_INTENSIFIER },     /* extremely fast delivery */
    { "Áo đẹp lắm", POS, CX_RULE_INTENSIFIER },                 /* the shirt is very pretty */
    { "Giao hàng hơi chậm", NEG, CX_RULE_DAMPENER },            /* delivery a bit slow */
    { "Giá hơi đắt một chút", NEG, CX_RULE_DAMPENER },          /* the price a little high */
    /* contrast and concession */
    { "Sản phẩm tốt nhưng giao hàng quá chậm", NEG, CX_RULE_CONTRAST }, /* good product but delivery too slow */
    { "Giá hơi đắt nhưng chất lượng tuyệt vời", POS, CX_RULE_CONTRAST }, /* a bit pricey but wonderful quality */
    { "Mặc dù giao hàng chậm, sản phẩm rất tốt", POS, CX_RULE_CONTRAST }, /* although delivery was slow, very good product */
    /* emphasis, emoji */
    { "Shop phục vụ TỆ quá", NEG, CX_RULE_CAPS },               /* the shop served BADLY */
    { "Tuyệt vời!!!", POS, CX_RULE_EXCLAMATION },               /* wonderful!!! */
    { "Giao hàng nhanh \xF0\x9F\x91\x8D", POS, CX_RULE_EMOJI }, /* fast delivery, thumbs up */
    { "Hàng bị vỡ \xF0\x9F\x98\xAD", NEG, CX_RULE_EMOJI },      /* the goods were broken, crying face */
    /* diacritics: "bán" (sell) is not "bạn" (friend); decomposed input (NFD) still matches */
    { "Ha\xCC\x80ng te\xCC\xA3\xCC\x82", NEG, CX_RULE_LEXICON }, /* "Hàng tệ" in NFD: bad goods */
};

typedef struct fixture {
    cx_lexicon *lex;
    cx_sentiment *an;
    cx_sentiment_doc *doc;
} fixture;

static void open_fixture(fixture *f, const char *lexicon_file)
{
    if (lexicon_file == NULL) {
        assert_ok(cx_lexicon_new_default(&f->lex));
    } else {
        assert_ok(cx_lexicon_load(&f->lex, lexicon_file));
    }
    assert_ok(cx_sentiment_new(&f->an, f->lex, NULL));
    assert_ok(cx_sentiment_doc_new(&f->doc));
}

static void close_fixture(fixture *f)
{
    cx_sentiment_doc_free(f->doc);
    cx_sentiment_free(f->an);
    cx_lexicon_free(f->lex);
}

static uint32_t rules_seen(const cx_sentiment_doc *doc, uint32_t count)
{
    uint32_t rules = 0;
    for (uint32_t i = 0; i < count; i++) {
        cx_sentiment_evidence ev = CX_SENTIMENT_EVIDENCE_INIT;
        assert_ok(cx_sentiment_doc_evidence(&ev, doc, i));
        rules |= ev.rules;
    }
    return rules;
}

static void run_table(const char *language, const char *lexicon_file, const labelled *rows, size_t n)
{
    fixture f;
    open_fixture(&f, lexicon_file);
    size_t agree = 0, rule_missing = 0;
    for (size_t i = 0; i < n; i++) {
        cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
        assert_ok(cx_sentiment_analyze(&r, f.doc, f.an, rows[i].text, strlen(rows[i].text)));
        uint32_t rules = rules_seen(f.doc, r.evidence_count);
        bool label_ok = (int)r.label == rows[i].label;
        bool rule_ok = rows[i].rule == 0 ? r.evidence_count == 0 : (rules & rows[i].rule) != 0;
        agree += label_ok;
        rule_missing += !rule_ok;
        if (!label_ok || !rule_ok)
            print_message("  %s: \"%s\" compound %+.4f label %d (hand %d), rule %s %s\n", language, rows[i].text,
                          r.compound, (int)r.label, rows[i].label,
                          rows[i].rule ? cx_sentiment_rule_name((cx_sentiment_rule)rows[i].rule) : "none",
                          rule_ok ? "seen" : "MISSING");
    }
    print_message("agreement %s: %zu/%zu hand-labelled sentences (%.1f%%)\n", language, agree, n,
                  100.0 * (double)agree / (double)n);
    close_fixture(&f);
    assert_int_equal(rule_missing, 0);
    assert_int_equal(agree, n);
}

static void test_text_rules_english_table(void **state)
{
    (void)state;
    run_table("en", NULL, english, sizeof english / sizeof english[0]);
}

static void test_text_rules_vietnamese_table(void **state)
{
    (void)state;
    run_table("vi", CX_TEST_DATA_DIR "/lexicon/vi.tsv", vietnamese, sizeof vietnamese / sizeof vietnamese[0]);
}

static double score_of(const fixture *f, const char *text)
{
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    assert_ok(cx_sentiment_score(&r, f->an, text, strlen(text)));
    return r.compound;
}

/* Exact figures, by hand from docs/text.md; valences from
 * data/lexicon/vader_lexicon.txt: good 1.9, great 3.1, bad -2.5,
 * problems -1.7, worst -3.1. */
static void test_text_rules_hand_calculations(void **state)
{
    (void)state;
    fixture f;
    open_fixture(&f, NULL);
    /* good: 1.9 / sqrt(1.9^2 + 15) = 1.9 / 4.3139309 */
    assert_close(score_of(&f, "good"), 0.4404335708, 1e-9);
    /* not good: 1.9 * -0.74 = -1.406; -1.406 / sqrt(1.976836 + 15) */
    assert_close(score_of(&f, "not good"), -0.3412376513, 1e-9);
    /* no problems: -1.7 * -0.5 = 0.85; 0.85 / sqrt(0.7225 + 15) */
    assert_close(score_of(&f, "no problems"), 0.2143670957, 1e-9);
    /* not the worst: -3.1 * -0.5 = 1.55; 1.55 / sqrt(2.4025 + 15) */
    assert_close(score_of(&f, "not the worst"), 0.3715573673, 1e-9);
    /* very good: 1.9 + 0.293 = 2.193; 2.193 / sqrt(4.809249 + 15) */
    assert_close(score_of(&f, "very good"), 0.4927250317, 1e-9);
    /* very, very good: 1.9 + 0.293 (d = 1) + 0.293 * 0.95 (d = 2) = 2.47135 */
    assert_close(score_of(&f, "very very good"), 2.47135 / sqrt(2.47135 * 2.47135 + 15), 1e-12);
    /* slightly bad: -2.5 + 0.293 = -2.207 */
    assert_close(score_of(&f, "slightly bad"), -2.207 / sqrt(2.207 * 2.207 + 15), 1e-12);
    /* the food is GREAT: 3.1 + 0.733 = 3.833; 3.833 / sqrt(14.691889 + 15) */
    assert_close(score_of(&f, "the food is GREAT"), 0.7034284108, 1e-9);
    /* GREAT alone: no lower-case word, so no capitals rule: 3.1 / sqrt(9.61 + 15) */
    assert_close(score_of(&f, "GREAT"), 0.6248933269, 1e-9);
    /* good!!: 1.9 + 2 * 0.292 = 2.484; 2.484 / sqrt(6.170256 + 15) */
    assert_close(score_of(&f, "good!!"), 0.5398691818, 1e-9);
    /* good!!!!!!: at most 4 marks count: 1.9 + 1.168 = 3.068 */
    assert_close(score_of(&f, "good!!!!!!"), 3.068 / sqrt(3.068 * 3.068 + 15), 1e-12);
    /* good but bad: 1.9 * 0.5 + (-2.5) * 1.5 = -2.8; -2.8 / sqrt(7.84 + 15) */
    assert_close(score_of(&f, "good but bad"), -0.5858817654, 1e-9);
    /* an empty text and a text without sentiment are 0 */
    assert_close(score_of(&f, ""), 0, 0);
    assert_close(score_of(&f, "the parcel came on Tuesday"), 0, 0);
    close_fixture(&f);
}

/* Shares: positive mass / (positive + negative + neutral words). */
static void test_text_rules_shares(void **state)
{
    (void)state;
    fixture f;
    open_fixture(&f, NULL);
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    const char *t = "the food is good";
    assert_ok(cx_sentiment_score(&r, f.an, t, strlen(t)));
    /* good 1.9 and 3 neutral words: 1.9 / 4.9 */
    assert_close(r.positive, 1.9 / 4.9, 1e-12);
    assert_close(r.negative, 0, 0);
    assert_close(r.neutral, 3 / 4.9, 1e-12);
    assert_int_equal(r.tokens, 4);
    t = "good but bad";
    assert_ok(cx_sentiment_score(&r, f.an, t, strlen(t)));
    /* 0.95 positive, 3.75 negative, "but" neutral: total 5.7 */
    assert_close(r.positive, 0.95 / 5.7, 1e-12);
    assert_close(r.negative, 3.75 / 5.7, 1e-12);
    assert_close(r.neutral, 1 / 5.7, 1e-12);
    assert_close(r.positive + r.negative + r.neutral, 1, 1e-12);
    assert_close(r.sum, -2.8, 1e-12);
    close_fixture(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_rules_english_table),
        cmocka_unit_test(test_text_rules_vietnamese_table),
        cmocka_unit_test(test_text_rules_hand_calculations),
        cmocka_unit_test(test_text_rules_shares),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
