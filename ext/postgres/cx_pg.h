/*
 * Shared declarations of the PostgreSQL extension `cx`: the aggregate
 * state, the cx_state type's layout and the helpers that turn libcx
 * statuses into PostgreSQL errors.
 */
#ifndef CX_PG_H
#define CX_PG_H

/* Built with hidden visibility: only what PG_FUNCTION_INFO_V1 and
 * PG_MODULE_MAGIC declare (they use PGDLLEXPORT) is exported, so the
 * statically linked libcx stays private to this module. */
#ifndef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

#include "postgres.h"

#include "fmgr.h"

#include "cx/metric.h"

/* Declares a function callable from SQL and exports it (PostgreSQL 15's
 * PG_FUNCTION_INFO_V1 exports only the info function). */
#define CX_PG_FUNCTION(name) \
    extern PGDLLEXPORT Datum name(PG_FUNCTION_ARGS); \
    PG_FUNCTION_INFO_V1(name)

/*
 * An aggregate's transition state. The calculator is allocated by libcx
 * (outside PostgreSQL's memory contexts); `on_reset` is registered on the
 * memory context holding this struct and frees the calculator when that
 * context is reset or deleted, also after an error.
 */
typedef struct cx_pg_agg {
    cx_metric *metric;
    MemoryContextCallback on_reset;
    /* The options given as aggregate arguments (CSAT threshold and scale),
     * checked on every row: they must not change within one group. */
    int32 threshold, scale_min, scale_max;
} cx_pg_agg;

/* Allocates an empty state in `context`, its calculator freed with it. */
cx_pg_agg *cx_pg_agg_new(MemoryContext context);

/* Raises a PostgreSQL ERROR for a failed libcx call, carrying
 * cx_last_error(); the SQLSTATE follows the status code. */
void cx_pg_raise(int status) pg_attribute_noreturn();

/* A cx_state datum: a varlena holding a calculator blob exactly as
 * cx_metric_serialize() writes it. */
typedef struct varlena cx_pg_state;

#define DatumGetCxState(d) ((cx_pg_state *)PG_DETOAST_DATUM(d))
#define PG_GETARG_CX_STATE(n) DatumGetCxState(PG_GETARG_DATUM(n))

/* Serializes a calculator into a new palloc'd varlena (cx_state or bytea). */
struct varlena *cx_pg_serialize(const cx_metric *m);

/* Reads a calculator from a blob; the caller frees it with cx_metric_free().
 * Returns the libcx status (nothing to free on failure). */
int cx_pg_deserialize(cx_metric **out, const struct varlena *blob);

/* Reads a calculator from a blob, raising an ERROR when it is invalid. */
cx_metric *cx_pg_deserialize_or_raise(const struct varlena *blob);

/* A cx_result composite (value, std_error, ci_low, ci_high, n) for the
 * calling function's declared return type; NaN fields become NULL. */
Datum cx_pg_result_datum(FunctionCallInfo fcinfo, const cx_metric_result *r);

#endif /* CX_PG_H */
