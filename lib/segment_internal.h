/*
 * Compiled segment expressions, shared by segment_parse.c (text to nodes)
 * and segment.c (evaluation).
 */
#ifndef CX_SEGMENT_INTERNAL_H
#define CX_SEGMENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx/segment.h"

typedef enum seg_node_kind {
    SEG_AND = 1,
    SEG_OR,
    SEG_NOT,
    SEG_COMPARE,   /* field op literal */
    SEG_IN,        /* field in (literals); `negate` for not in */
    SEG_BETWEEN,   /* field between lits[0] and lits[1] */
    SEG_EXISTS,    /* field exists */
    SEG_TRUTH      /* a boolean attribute alone */
} seg_node_kind;

typedef enum seg_op { SEG_EQ = 1, SEG_NE, SEG_LT, SEG_LE, SEG_GT, SEG_GE } seg_op;

typedef enum seg_lit_type { SEG_LIT_NUMBER = 1, SEG_LIT_STRING, SEG_LIT_BOOL } seg_lit_type;

typedef struct seg_literal {
    seg_lit_type type;
    double number;         /* NUMBER, BOOL (0/1); for signals also a converted string */
    char *string;          /* STRING */
} seg_literal;

/* How a signal is read from cx_customer_signals. */
typedef enum seg_signal_type { SIG_DOUBLE = 1, SIG_COUNT, SIG_TIME, SIG_NPS_CATEGORY } seg_signal_type;

typedef struct seg_signal {
    const char *name;
    size_t offset;
    seg_signal_type type;
} seg_signal;

typedef struct seg_node {
    seg_node_kind kind;
    int left, right;       /* children of AND, OR (both) and NOT (left) */
    bool negate;           /* not in */
    const seg_signal *signal; /* the field: a signal ... */
    char *attr;            /* ... or an attribute name */
    seg_op op;
    seg_literal *lits;
    size_t nlits;
    size_t offset;         /* byte offset of the field in the text */
} seg_node;

typedef struct seg_expr {
    seg_node *nodes;
    size_t count, cap;
    int root;
    bool uses_signals;
} seg_expr;

/* Parses an expression; CX_EFORMAT / CX_EINVAL name the segment and offset. */
int cx__segment_parse(const char *text, const char *segment, seg_expr *out);
void cx__segment_expr_free(seg_expr *e);
/* Reads a signal as a double; NaN when missing (a time of CX_TIME_NONE). */
double cx__segment_signal(const seg_signal *sig, const cx_customer_signals *s);
/* Parses 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM[:SS]Z' into ms; false if malformed. */
bool cx__segment_parse_date(const char *text, int64_t *ms);

#endif /* CX_SEGMENT_INTERNAL_H */
