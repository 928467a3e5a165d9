/*
 * Sentiment internals shared by text_sentiment.c (rules and scoring) and
 * text_doc.c (analyzers, documents, evidence, JSON, calibration).
 */
#ifndef CX_TEXT_SENTIMENT_INTERNAL_H
#define CX_TEXT_SENTIMENT_INTERNAL_H

#include "text_internal.h"

struct cx_sentiment {
    cx_lexicon *lex;            /* a reference held by the analyzer */
    const cx__lex_table *table; /* &lex->table until the analyzer changes, then &own */
    cx__lex_table own;
    bool owns;
    bool aspect_overrides;      /* some override applies to one aspect only */
    cx_sentiment_options opts;
};

/* A sentiment or modifier item of the evidence, before it is handed out. */
typedef struct cx__evidence {
    uint32_t start, end;
    uint32_t rule, rules;
    double base, valence;
    int32_t target, aspect;
} cx__evidence;

typedef struct cx__aspect_hit {
    int16_t aspect;
    uint32_t mentions, evidence;
    double sum;
} cx__aspect_hit;

/* Where the scorer reports evidence and aspects; NULL for scores only. */
typedef struct cx__report {
    cx__evidence *items;
    size_t count, cap;
    cx__aspect_hit *aspects;
    size_t aspect_count, aspects_cap;
} cx__report;

typedef struct cx__unit {
    uint32_t first, last; /* tokens */
    uint16_t flags;       /* lexicon flags, plus CX__UNIT_* below */
    int16_t aspect;       /* attributed aspect, -1: none */
    int32_t entry;        /* table index, -1: none */
    uint32_t clause;
    double weight;        /* contrast weight */
} cx__unit;

enum { CX__UNIT_BOUNDARY = 1u << 15, CX__UNIT_CAPS = 1u << 14 };

typedef struct cx__mention {
    uint32_t token, clause;
    int16_t aspect;
} cx__mention;

#define CX__INLINE_UNITS 96
#define CX__INLINE_MENTIONS 16

typedef struct cx__score_ws {
    cx__tokens tok;
    cx__unit *units;
    size_t unit_count, units_cap;
    cx__mention *mentions;
    size_t mention_count, mentions_cap;
    cx__unit inline_units[CX__INLINE_UNITS];
    cx__mention inline_mentions[CX__INLINE_MENTIONS];
} cx__score_ws;

void cx__score_ws_init(cx__score_ws *ws);
void cx__score_ws_destroy(cx__score_ws *ws);
/* Scores a text; `report` may be NULL. `what` prefixes UTF-8 messages. */
int cx__sentiment_run(const cx_sentiment *an, cx__score_ws *ws, const char *text, size_t len, cx__report *report,
                      cx_sentiment_result *res, const char *what);
cx_sentiment_label cx__sentiment_label(const cx_sentiment *an, double compound);
/* Size of each version of cx_sentiment_result, for CX__COPY_VERSIONED. */
extern const size_t cx__sentiment_result_sizes[CX_SENTIMENT_RESULT_VERSION];
double cx__compound(double sum, double alpha);

#endif /* CX_TEXT_SENTIMENT_INTERNAL_H */
