/* Churn risk from a store, for `cx risk` and the report's at-risk section:
 * the store's customers and what they did, said and asked become a
 * cx_customers set (risk_load.c), scored by a cx_risk model. */
#ifndef CX_RISK_LOAD_H
#define CX_RISK_LOAD_H

#include "cli.h"
#include "json_writer.h"

typedef struct risk_setup {
    int64_t as_of_ms;            /* CX_STORE_NO_TIME: the latest time in the store */
    const char *const *plugins;  /* rule plugins to load (cx_plugin_load) */
    size_t n_plugins;
    size_t top;                  /* customers listed */
    bool include_churned;        /* also list customers who churned by as_of */
} risk_setup;

typedef struct risk_customer {
    char *id;
    double score;
    cx_risk_explanation *why;    /* evidence, largest contribution first */
} risk_customer;

typedef struct risk_list {
    int64_t as_of_ms;
    uint64_t customers;          /* in the set (store customers and everyone with an event) */
    uint64_t scored;             /* with a score as of as_of (seen by then, not merged, not left out) */
    uint64_t churned;            /* left out: churned by as_of */
    uint64_t events;             /* customer events fed, by kind below */
    uint64_t purchases, interactions, complaints, resolutions, replies, answers, sentiments;
    uint64_t comments_skipped;   /* comments not in English (no lexicon for them) */
    double mean_score;
    size_t rules;
    risk_customer *top;          /* highest score first (ties: first seen first) */
    size_t n_top;
} risk_list;

/* Loads, scores and explains. Returns a libcx status (message in
 * cx_last_error()). */
int risk_load(risk_list *out, cx_store *store, const risk_setup *setup);
void risk_list_free(risk_list *l);

/* The reasons of an explanation: its entries with a contribution > 0 (and
 * failed rules), as "detail (+0.25)" joined by `separator` ("; ", or a line
 * break and an indent), in at most `cap` bytes. */
void risk_reasons_text(char *buf, size_t cap, const cx_risk_explanation *e, size_t max_reasons,
                       const char *separator);

/* One listed customer as a JSON object: rank, customer_id, score and its
 * reasons (evidence with a contribution, and failed rules with an error). */
void risk_json_customer(jw *w, const risk_customer *c, size_t rank);

#endif
