/*
 * Segment expressions: a tokenizer and a recursive-descent parser into a
 * node array (grammar in docs/customers.md). Signal names and the literals
 * compared with them are checked here; attributes are checked against the
 * customer set when a segment is evaluated, since they may be defined later.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil_internal.h"
#include "core_internal.h"
#include "segment_internal.h"

#define MAX_DEPTH 64
#define MAX_LITERALS 1024

#define SIGNAL(name, type) { #name, offsetof(cx_customer_signals, name), type }

static const seg_signal signals[] = {
    SIGNAL(first_seen_ms, SIG_TIME), SIGNAL(last_seen_ms, SIG_TIME), SIGNAL(tenure_days, SIG_DOUBLE),
    SIGNAL(recency_days, SIG_DOUBLE), SIGNAL(events, SIG_COUNT), SIGNAL(interactions, SIG_COUNT),
    SIGNAL(interaction_rate_recent, SIG_DOUBLE), SIGNAL(interaction_rate_baseline, SIG_DOUBLE),
    SIGNAL(interaction_trend, SIG_DOUBLE), SIGNAL(purchases, SIG_COUNT), SIGNAL(monetary_total, SIG_DOUBLE),
    SIGNAL(monetary_mean, SIG_DOUBLE), SIGNAL(last_purchase_ms, SIG_TIME),
    SIGNAL(repurchase_interval_mean_days, SIG_DOUBLE), SIGNAL(repurchase_interval_last_days, SIG_DOUBLE),
    SIGNAL(repurchase_gap_days, SIG_DOUBLE), SIGNAL(repurchase_trend, SIG_DOUBLE), SIGNAL(replies, SIG_COUNT),
    SIGNAL(reply_latency_recent, SIG_DOUBLE), SIGNAL(reply_latency_baseline, SIG_DOUBLE),
    SIGNAL(reply_latency_trend, SIG_DOUBLE), SIGNAL(complaints, SIG_COUNT), SIGNAL(open_complaints, SIG_COUNT),
    SIGNAL(last_complaint_ms, SIG_TIME), SIGNAL(nps_answers, SIG_COUNT), SIGNAL(last_nps, SIG_DOUBLE),
    SIGNAL(nps_category, SIG_NPS_CATEGORY), SIGNAL(last_nps_ms, SIG_TIME), SIGNAL(csat_answers, SIG_COUNT),
    SIGNAL(csat_mean, SIG_DOUBLE), SIGNAL(csat_recent, SIG_DOUBLE), SIGNAL(csat_last, SIG_DOUBLE),
    SIGNAL(last_csat_ms, SIG_TIME), SIGNAL(ces_answers, SIG_COUNT), SIGNAL(ces_mean, SIG_DOUBLE),
    SIGNAL(ces_recent, SIG_DOUBLE), SIGNAL(ces_last, SIG_DOUBLE), SIGNAL(last_ces_ms, SIG_TIME),
    SIGNAL(sentiment_scores, SIG_COUNT), SIGNAL(sentiment_recent, SIG_DOUBLE),
    SIGNAL(sentiment_baseline, SIG_DOUBLE), SIGNAL(sentiment_trend, SIG_DOUBLE), SIGNAL(last_sentiment_ms, SIG_TIME),
};

double cx__segment_signal(const seg_signal *sig, const cx_customer_signals *s)
{
    const char *base = (const char *)s + sig->offset;
    switch (sig->type) {
    case SIG_DOUBLE: { double v; memcpy(&v, base, sizeof v); return v; }
    case SIG_COUNT: { uint64_t v; memcpy(&v, base, sizeof v); return (double)v; }
    case SIG_TIME: { int64_t v; memcpy(&v, base, sizeof v); return v == CX_TIME_NONE ? NAN : (double)v; }
    default: { cx_nps_category v; memcpy(&v, base, sizeof v); return (double)v; }
    }
}

/* n decimal digits, and nothing else (no sign, no blank). */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false; /* stops at the terminating NUL too */
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool cx__segment_parse_date(const char *text, int64_t *ms)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!digits(text, 4, &y) || text[4] != '-' || !digits(text + 5, 2, &mo) || text[7] != '-'
        || !digits(text + 8, 2, &d))
        return false;
    const char *rest = text + 10;
    if (*rest == 'T') {
        if (!digits(rest + 1, 2, &h) || rest[3] != ':' || !digits(rest + 4, 2, &mi))
            return false;
        rest += 6;
        if (*rest == ':') {
            if (!digits(rest + 1, 2, &se))
                return false;
            rest += 3;
        }
        if (*rest++ != 'Z')
            return false;
    }
    if (*rest != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59)
        return false;
    int64_t days = cx__days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t back_y;
    unsigned back_m, back_d;
    cx__civil_from_days(days, &back_y, &back_m, &back_d);
    if (back_m != (unsigned)mo || back_d != (unsigned)d) /* 2026-02-30 */
        return false;
    *ms = ((days * 24 + h) * 60 + mi) * 60000LL + se * 1000LL;
    return true;
}

/* ---- tokens -------------------------------------------------------------- */

typedef enum tok_kind {
    T_END, T_NAME, T_ATTR, T_NUMBER, T_STRING, T_LPAREN, T_RPAREN, T_COMMA, T_OP,
    T_AND, T_OR, T_NOT, T_IN, T_BETWEEN, T_EXISTS, T_TRUE, T_FALSE
} tok_kind;

typedef struct token {
    tok_kind kind;
    size_t offset;
    size_t len;        /* bytes of the token in the text */
    char *text;        /* T_NAME, T_ATTR, T_STRING: owned copy */
    double number;
    seg_op op;
} token;

typedef struct parser {
    const char *src;
    size_t pos;
    const char *segment;
    token tok;
    seg_expr *expr;
    int depth;
} parser;

static int syntax(parser *p, size_t offset, const char *what)
{
    return cx__error(CX_EFORMAT, "segment \"%.64s\": at byte %zu: %s", p->segment, offset, what);
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

static int lex_string(parser *p, token *t)
{
    char quote = p->src[p->pos++];
    size_t cap = 16, n = 0;
    char *s = cx__malloc(cap);
    if (s == NULL)
        return cx__nomem("parsing a segment");
    for (;;) {
        char c = p->src[p->pos];
        if (c == '\0') {
            cx__free(s);
            return syntax(p, t->offset, "string is not closed");
        }
        p->pos++;
        if (c == quote)
            break;
        if (c == '\\' && (p->src[p->pos] == quote || p->src[p->pos] == '\\'))
            c = p->src[p->pos++];
        if (n + 2 > cap) {
            void *grown = s;
            if (cx__grow(&grown, &cap, n + 2, 1, 16) != CX_OK) {
                cx__free(s);
                return cx__nomem("parsing a segment");
            }
            s = grown;
        }
        s[n++] = c;
    }
    s[n] = '\0';
    t->text = s;
    return CX_OK;
}

static const struct { const char *word; tok_kind kind; } keywords[] = {
    { "and", T_AND }, { "or", T_OR }, { "not", T_NOT }, { "in", T_IN }, { "between", T_BETWEEN },
    { "exists", T_EXISTS }, { "true", T_TRUE }, { "false", T_FALSE },
};

static int lex_name(parser *p, token *t)
{
    size_t start = p->pos;
    while (name_char(p->src[p->pos]))
        p->pos++;
    size_t n = p->pos - start;
    if (n == 5 && strncmp(p->src + start, "attr.", 5) == 0 && (p->src[p->pos] == '"' || p->src[p->pos] == '\'')) {
        t->kind = T_ATTR;
        return lex_string(p, t);
    }
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        if (strlen(keywords[k].word) == n && strncasecmp(p->src + start, keywords[k].word, n) == 0) {
            t->kind = keywords[k].kind;
            return CX_OK;
        }
    }
    bool attr = n > 5 && strncmp(p->src + start, "attr.", 5) == 0;
    t->kind = attr ? T_ATTR : T_NAME;
    t->text = attr ? cx__strndup(p->src + start + 5, n - 5) : cx__strndup(p->src + start, n);
    return t->text ? CX_OK : cx__nomem("parsing a segment");
}

static int lex_op(parser *p, token *t)
{
    static const struct { const char *text; seg_op op; } ops[] = {
        { "==", SEG_EQ }, { "!=", SEG_NE }, { "<>", SEG_NE }, { "<=", SEG_LE }, { ">=", SEG_GE },
        { "=", SEG_EQ }, { "<", SEG_LT }, { ">", SEG_GT },
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k].text);
        if (strncmp(p->src + p->pos, ops[k].text, n) == 0) {
            p->pos += n;
            t->kind = T_OP;
            t->op = ops[k].op;
            return CX_OK;
        }
    }
    return syntax(p, p->pos, "unexpected character");
}

static int lex_number(parser *p, token *t)
{
    char *end;
    t->number = strtod(p->src + p->pos, &end);
    if (end == p->src + p->pos || !isfinite(t->number) || name_char(*end))
        return syntax(p, p->pos, "malformed number");
    p->pos = (size_t)(end - p->src);
    t->kind = T_NUMBER;
    return CX_OK;
}

static int next(parser *p)
{
    cx__free(p->tok.text);
    memset(&p->tok, 0, sizeof p->tok);
    while (isspace((unsigned char)p->src[p->pos]))
        p->pos++;
    token *t = &p->tok;
    t->offset = p->pos;
    char c = p->src[p->pos];
    int rc = CX_OK;
    if (c == '\0') t->kind = T_END;
    else if (c == '(') { t->kind = T_LPAREN; p->pos++; }
    else if (c == ')') { t->kind = T_RPAREN; p->pos++; }
    else if (c == ',') { t->kind = T_COMMA; p->pos++; }
    else if (c == '\'' || c == '"') { t->kind = T_STRING; rc = lex_string(p, t); }
    else if (isdigit((unsigned char)c) || ((c == '-' || c == '+' || c == '.') && p->src[p->pos + 1] != '\0'
                                           && (isdigit((unsigned char)p->src[p->pos + 1]) || p->src[p->pos + 1] == '.')))
        rc = lex_number(p, t);
    else if (isalpha((unsigned char)c) || c == '_') rc = lex_name(p, t);
    else rc = lex_op(p, t);
    t->len = p->pos - t->offset;
    return rc;
}

/* ---- nodes ----------------------------------------------------------------- */

void cx__segment_expr_free(seg_expr *e)
{
    for (size_t i = 0; i < e->count; i++) {
        seg_node *n = &e->nodes[i];
        for (size_t k = 0; k < n->nlits; k++)
            cx__free(n->lits[k].string);
        cx__free(n->lits);
        cx__free(n->attr);
    }
    cx__free(e->nodes);
    memset(e, 0, sizeof *e);
}

static int new_node(parser *p, seg_node_kind kind, int *index)
{
    void *nodes = p->expr->nodes;
    if (cx__grow(&nodes, &p->expr->cap, p->expr->count + 1, sizeof(seg_node), 8) != CX_OK)
        return cx__nomem("parsing a segment");
    p->expr->nodes = nodes;
    *index = (int)p->expr->count++;
    memset(&p->expr->nodes[*index], 0, sizeof(seg_node));
    p->expr->nodes[*index].kind = kind;
    p->expr->nodes[*index].left = p->expr->nodes[*index].right = -1;
    return CX_OK;
}

static const seg_signal *find_signal(const char *name)
{
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (strcmp(signals[i].name, name) == 0)
            return &signals[i];
    return NULL;
}

static const char *nps_names[] = { "none", "detractor", "passive", "promoter" };

/* A literal compared with a signal becomes a number here, once. */
static int literal_for_signal(parser *p, const seg_signal *sig, seg_literal *lit, size_t offset)
{
    char msg[160];
    if (lit->type == SEG_LIT_NUMBER)
        return CX_OK;
    if (lit->type == SEG_LIT_STRING && sig->type == SIG_TIME) {
        int64_t ms;
        if (cx__segment_parse_date(lit->string, &ms)) {
            lit->number = (double)ms;
            return CX_OK;
        }
        snprintf(msg, sizeof msg, "'%.40s' is not a date 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SSZ'", lit->string);
        return cx__error(CX_EINVAL, "segment \"%.64s\": at byte %zu: %s", p->segment, offset, msg);
    }
    if (lit->type == SEG_LIT_STRING && sig->type == SIG_NPS_CATEGORY) {
        for (int k = 0; k < 4; k++) {
            if (strcmp(lit->string, nps_names[k]) == 0) {
                lit->number = k;
                return CX_OK;
            }
        }
        snprintf(msg, sizeof msg, "'%.40s' is not an NPS category (none, detractor, passive, promoter)", lit->string);
        return cx__error(CX_EINVAL, "segment \"%.64s\": at byte %zu: %s", p->segment, offset, msg);
    }
    return cx__error(CX_EINVAL, "segment \"%.64s\": at byte %zu: signal %s is compared with a %s; it takes a number%s",
                     p->segment, offset, sig->name, lit->type == SEG_LIT_BOOL ? "boolean" : "string",
                     sig->type == SIG_TIME ? " or a date" : "");
}

static int parse_literal(parser *p, seg_node *n, seg_literal *lit)
{
    memset(lit, 0, sizeof *lit);
    size_t offset = p->tok.offset;
    switch (p->tok.kind) {
    case T_NUMBER: lit->type = SEG_LIT_NUMBER; lit->number = p->tok.number; break;
    case T_TRUE: lit->type = SEG_LIT_BOOL; lit->number = 1; break;
    case T_FALSE: lit->type = SEG_LIT_BOOL; lit->number = 0; break;
    case T_STRING:
        lit->type = SEG_LIT_STRING;
        lit->string = p->tok.text; /* taken over from the token */
        p->tok.text = NULL;
        break;
    default:
        return syntax(p, offset, "expected a number, a 'string', true or false");
    }
    int rc = next(p);
    if (rc == CX_OK && n->signal != NULL)
        rc = literal_for_signal(p, n->signal, lit, offset);
    return rc;
}

static int add_literal(parser *p, int node)
{
    seg_node *n = &p->expr->nodes[node];
    if (n->nlits >= MAX_LITERALS)
        return syntax(p, p->tok.offset, "too many values in the list");
    seg_literal *lits = cx__reallocarray(n->lits, n->nlits + 1, sizeof *lits);
    if (lits == NULL)
        return cx__nomem("parsing a segment");
    n->lits = lits;
    int rc = parse_literal(p, n, &lits[n->nlits]);
    n->nlits++; /* counted even on failure, so its string is freed */
    return rc;
}

static int expect(parser *p, tok_kind kind, const char *what)
{
    if (p->tok.kind != kind)
        return syntax(p, p->tok.offset, what);
    return next(p);
}

static int parse_list(parser *p, int node)
{
    int rc = expect(p, T_LPAREN, "expected '(' to open the list of values");
    while (rc == CX_OK) {
        rc = add_literal(p, node);
        if (rc != CX_OK || p->tok.kind != T_COMMA)
            break;
        rc = next(p);
    }
    return rc == CX_OK ? expect(p, T_RPAREN, "expected ',' or ')' in the list of values") : rc;
}

static int parse_predicate_tail(parser *p, int node)
{
    seg_node *n = &p->expr->nodes[node];
    int rc;
    switch (p->tok.kind) {
    case T_OP:
        n->kind = SEG_COMPARE;
        n->op = p->tok.op;
        rc = next(p);
        return rc == CX_OK ? add_literal(p, node) : rc;
    case T_NOT:
        n->kind = SEG_IN;
        n->negate = true;
        rc = next(p);
        if (rc == CX_OK && p->tok.kind != T_IN)
            return syntax(p, p->tok.offset, "expected 'in' after 'not'");
        rc = rc == CX_OK ? next(p) : rc;
        return rc == CX_OK ? parse_list(p, node) : rc;
    case T_IN:
        n->kind = SEG_IN;
        rc = next(p);
        return rc == CX_OK ? parse_list(p, node) : rc;
    case T_BETWEEN:
        n->kind = SEG_BETWEEN;
        rc = next(p);
        if (rc == CX_OK) rc = add_literal(p, node);
        if (rc == CX_OK) rc = expect(p, T_AND, "expected 'and' between the two bounds");
        return rc == CX_OK ? add_literal(p, node) : rc;
    case T_EXISTS:
        n->kind = SEG_EXISTS;
        return next(p);
    default:
        if (n->signal != NULL)
            return syntax(p, p->tok.offset, "expected a comparison, 'in', 'between' or 'exists' after the signal");
        n->kind = SEG_TRUTH; /* a boolean attribute alone */
        return CX_OK;
    }
}

static int parse_predicate(parser *p, int *index)
{
    size_t offset = p->tok.offset;
    if (p->tok.kind != T_NAME && p->tok.kind != T_ATTR)
        return syntax(p, offset, "expected a signal, attr.NAME, 'not' or '('");
    const seg_signal *sig = NULL;
    if (p->tok.kind == T_NAME && (sig = find_signal(p->tok.text)) == NULL)
        return cx__error(CX_EINVAL, "segment \"%.64s\": at byte %zu: unknown signal \"%.64s\" (attributes are "
                         "written attr.NAME)", p->segment, offset, p->tok.text);
    int rc = new_node(p, SEG_COMPARE, index);
    if (rc != CX_OK)
        return rc;
    seg_node *n = &p->expr->nodes[*index];
    n->offset = offset;
    n->signal = sig;
    if (sig == NULL) {
        n->attr = p->tok.text;
        p->tok.text = NULL;
        if (n->attr[0] == '\0' || strlen(n->attr) > CX_ATTRIBUTE_NAME_MAX)
            return syntax(p, offset, "attribute name must be 1..128 bytes");
    } else {
        p->expr->uses_signals = true;
    }
    rc = next(p);
    return rc == CX_OK ? parse_predicate_tail(p, *index) : rc;
}

static int parse_or(parser *p, int *index);

static int parse_unary(parser *p, int *index)
{
    if (++p->depth > MAX_DEPTH)
        return syntax(p, p->tok.offset, "expression is nested too deeply");
    int rc;
    if (p->tok.kind == T_NOT) {
        int child;
        rc = next(p);
        if (rc == CX_OK) rc = parse_unary(p, &child);
        if (rc == CX_OK) rc = new_node(p, SEG_NOT, index);
        if (rc == CX_OK) p->expr->nodes[*index].left = child;
    } else if (p->tok.kind == T_LPAREN) {
        rc = next(p);
        if (rc == CX_OK) rc = parse_or(p, index);
        if (rc == CX_OK) rc = expect(p, T_RPAREN, "expected ')'");
    } else {
        rc = parse_predicate(p, index);
    }
    p->depth--;
    return rc;
}

static int parse_chain(parser *p, int *index, tok_kind op, seg_node_kind kind, int (*operand)(parser *, int *))
{
    int rc = operand(p, index);
    while (rc == CX_OK && p->tok.kind == op) {
        int right, parent;
        rc = next(p);
        if (rc == CX_OK) rc = operand(p, &right);
        if (rc == CX_OK) rc = new_node(p, kind, &parent);
        if (rc == CX_OK) {
            p->expr->nodes[parent].left = *index;
            p->expr->nodes[parent].right = right;
            *index = parent;
        }
    }
    return rc;
}

static int parse_and(parser *p, int *index)
{
    return parse_chain(p, index, T_AND, SEG_AND, parse_unary);
}

static int parse_or(parser *p, int *index)
{
    return parse_chain(p, index, T_OR, SEG_OR, parse_and);
}

int cx__segment_parse(const char *text, const char *segment, seg_expr *out)
{
    memset(out, 0, sizeof *out);
    parser p = { text, 0, segment, { 0 }, out, 0 };
    int root = -1;
    int rc = next(&p);
    if (rc == CX_OK && p.tok.kind == T_END)
        rc = syntax(&p, 0, "expression is empty");
    if (rc == CX_OK)
        rc = parse_or(&p, &root);
    if (rc == CX_OK && p.tok.kind != T_END)
        rc = syntax(&p, p.tok.offset, "expected 'and', 'or' or the end of the expression");
    cx__free(p.tok.text);
    if (rc != CX_OK) {
        cx__segment_expr_free(out);
        return rc;
    }
    out->root = root;
    return CX_OK;
}
