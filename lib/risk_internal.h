/*
 * Internal layout of cx_risk, shared by risk.c, risk_rules.c and plugin.c.
 */
#ifndef CX_RISK_INTERNAL_H
#define CX_RISK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cx/plugin.h"
#include "cx/risk.h"

/* Room for one rule's line of explanation. */
#define CX__DETAIL_MAX 160

typedef struct cx__risk_rule {
    char *id;
    char *description;
    double weight;
    int decays;
    cx_rule_origin origin;
    cx_rule_fn fn;
    void *payload;
    void (*destroy)(void *payload);
    const char *plugin;        /* name, owned by the plugin reference */
} cx__risk_rule;

typedef struct cx__plugin_ref {
    void *handle;              /* dlopen handle kept by the model */
    char *name;
} cx__plugin_ref;

struct cx_risk {
    cx_risk_options opts;
    double lambda;             /* evidence decay per ms; 0 when it never fades */
    cx__risk_rule *rules;
    size_t count, cap;
    cx__plugin_ref *plugins;
    size_t plugin_count, plugin_cap;
};

/* Checks a rule definition; `where` prefixes messages; bad weights are
 * CX_ERANGE, everything else CX_EINVAL or CX_EVERSION. */
int cx__rule_check(const cx_rule *rule, const char *where);
/* True when `s` is 1..max bytes of [A-Za-z0-9_.:-]. */
bool cx__rule_name_ok(const char *s, size_t max);
/* Index of a rule id, or -1. */
long cx__risk_find(const cx_risk *risk, const char *id);
/* Appends rules (all or nothing), copying ids and descriptions. */
int cx__risk_append(cx_risk *risk, const cx_rule *const *rules, size_t n, cx_rule_origin origin, const char *plugin);
/* The built-in rules (risk_rules.c). */
size_t cx__builtin_rule_count(void);
const cx_rule *cx__builtin_rule(size_t i);

#endif /* CX_RISK_INTERNAL_H */
