/*
 * Aggregate support functions: one transition function per metric, and
 * the serialize / deserialize / combine / final functions they share.
 *
 * The transition state is a cx_pg_agg (see cx_pg.h) holding a libcx
 * calculator. Partial aggregation (parallel workers, rollup tables,
 * shards) moves it between processes as the calculator's portable blob and
 * joins the pieces with cx_metric_merge(), so a split run gives the same
 * counts as a single pass.
 */
#include "cx_pg.h"

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

static MemoryContext agg_context(FunctionCallInfo fcinfo, const char *func)
{
    MemoryContext context;
    if (!AggCheckCallContext(fcinfo, &context))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s can only be called as part of an aggregate", func)));
    return context;
}

/* The state so far, unchanged: a NULL answer is skipped. */
static Datum keep_state(FunctionCallInfo fcinfo)
{
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/* The state of this group, created on its first answer. */
static cx_pg_agg *group_state(FunctionCallInfo fcinfo, MemoryContext context, cx_metric_kind kind,
                              const cx_metric_options *opts)
{
    if (!PG_ARGISNULL(0))
        return (cx_pg_agg *)PG_GETARG_POINTER(0);
    cx_pg_agg *s = cx_pg_agg_new(context);
    int rc = cx_metric_new(&s->metric, kind, opts);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    return s;
}

static Datum add_answer(FunctionCallInfo fcinfo, cx_metric_kind kind, const cx_metric_options *opts, double value,
                        const char *func)
{
    MemoryContext context = agg_context(fcinfo, func);
    cx_pg_agg *s = group_state(fcinfo, context, kind, opts);
    int rc = cx_metric_add(s->metric, value);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_POINTER(s);
}

/* ---- transition functions -------------------------------------------- */

CX_PG_FUNCTION(cx_nps_transfn);
CX_PG_FUNCTION(cx_csat_transfn);
CX_PG_FUNCTION(cx_ces_transfn);
CX_PG_FUNCTION(cx_fcr_transfn);
CX_PG_FUNCTION(cx_duration_transfn);
CX_PG_FUNCTION(cx_duration_seconds_transfn);
CX_PG_FUNCTION(cx_merge_transfn);

Datum cx_nps_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    return add_answer(fcinfo, CX_METRIC_NPS, NULL, (double)PG_GETARG_INT32(1), "cx_nps_transfn");
}

static double numeric_to_double(Datum value)
{
    return DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
}

/* cx_csat(score [, threshold [, scale_min, scale_max]]): the options come
 * from the arguments after the score and must be the same on every row. */
static const char *const csat_option_names[] = { "threshold", "scale_min", "scale_max" };

static void csat_read_options(FunctionCallInfo fcinfo, int32 given[3], int *count)
{
    *count = PG_NARGS() - 2;
    for (int i = 0; i < *count; i++) {
        if (PG_ARGISNULL(2 + i))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("cx_csat: %s is NULL; leave the argument out to use the default",
                                   csat_option_names[i])));
        given[i] = PG_GETARG_INT32(2 + i);
    }
}

static void csat_check_unchanged(const cx_pg_agg *s, const int32 given[3], int count)
{
    const int32 kept[3] = { s->threshold, s->scale_min, s->scale_max };
    for (int i = 0; i < count; i++)
        if (given[i] != kept[i])
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("cx_csat: %s changed from %d to %d within one group; it must be the same "
                                   "on every row",
                                   csat_option_names[i], kept[i], given[i])));
}

Datum cx_csat_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    MemoryContext context = agg_context(fcinfo, "cx_csat_transfn");
    int32 given[3] = { 0, 0, 0 };
    int count;
    csat_read_options(fcinfo, given, &count);
    cx_pg_agg *s;
    if (PG_ARGISNULL(0)) {
        cx_metric_options opts = CX_METRIC_OPTIONS_INIT;
        double *fields[3] = { &opts.threshold, &opts.scale_min, &opts.scale_max };
        for (int i = 0; i < count; i++)
            *fields[i] = given[i];
        s = group_state(fcinfo, context, CX_METRIC_CSAT, &opts);
        s->threshold = given[0];
        s->scale_min = given[1];
        s->scale_max = given[2];
    } else {
        s = (cx_pg_agg *)PG_GETARG_POINTER(0);
        csat_check_unchanged(s, given, count);
    }
    int rc = cx_metric_add(s->metric, numeric_to_double(PG_GETARG_DATUM(1)));
    if (rc != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_POINTER(s);
}

Datum cx_ces_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    return add_answer(fcinfo, CX_METRIC_CES, NULL, numeric_to_double(PG_GETARG_DATUM(1)), "cx_ces_transfn");
}

Datum cx_fcr_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    return add_answer(fcinfo, CX_METRIC_FCR, NULL, PG_GETARG_BOOL(1) ? 1.0 : 0.0, "cx_fcr_transfn");
}

/* Seconds of an interval, as EXTRACT(EPOCH FROM interval) counts them:
 * a year is 365.25 days, a month 30 days. */
static double interval_seconds(const Interval *iv)
{
    double years = (double)(iv->month / MONTHS_PER_YEAR);
    double months = (double)(iv->month % MONTHS_PER_YEAR);
    return (double)iv->time / USECS_PER_SEC + years * DAYS_PER_YEAR * SECS_PER_DAY
           + months * DAYS_PER_MONTH * SECS_PER_DAY + (double)iv->day * SECS_PER_DAY;
}

Datum cx_duration_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    double seconds = interval_seconds(PG_GETARG_INTERVAL_P(1));
    return add_answer(fcinfo, CX_METRIC_DURATION, NULL, seconds, "cx_duration_transfn");
}

Datum cx_duration_seconds_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    return add_answer(fcinfo, CX_METRIC_DURATION, NULL, PG_GETARG_FLOAT8(1), "cx_duration_seconds_transfn");
}

/* cx_merge(cx_state): the first state read becomes the group's calculator;
 * the following ones are merged into it (same kind and options only). */
Datum cx_merge_transfn(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    MemoryContext context = agg_context(fcinfo, "cx_merge_transfn");
    cx_pg_state *blob = PG_GETARG_CX_STATE(1);
    if (PG_ARGISNULL(0)) {
        cx_pg_agg *s = cx_pg_agg_new(context);
        int rc = cx_pg_deserialize(&s->metric, blob);
        if (rc != CX_OK)
            cx_pg_raise(rc);
        PG_RETURN_POINTER(s);
    }
    cx_pg_agg *s = (cx_pg_agg *)PG_GETARG_POINTER(0);
    cx_metric *from = cx_pg_deserialize_or_raise(blob);
    int rc = cx_metric_merge(s->metric, from);
    cx_metric_free(from);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_POINTER(s);
}

/* ---- partial aggregation ---------------------------------------------- */

CX_PG_FUNCTION(cx_agg_serialize);
CX_PG_FUNCTION(cx_agg_deserialize);
CX_PG_FUNCTION(cx_agg_combine);

Datum cx_agg_serialize(PG_FUNCTION_ARGS)
{
    agg_context(fcinfo, "cx_agg_serialize");
    const cx_pg_agg *s = (const cx_pg_agg *)PG_GETARG_POINTER(0);
    PG_RETURN_BYTEA_P(cx_pg_serialize(s->metric));
}

/* A deserialized partial state only lives until it is combined: it goes in
 * the current (per-tuple) context, whose reset frees the calculator. */
Datum cx_agg_deserialize(PG_FUNCTION_ARGS)
{
    agg_context(fcinfo, "cx_agg_deserialize");
    cx_pg_agg *s = cx_pg_agg_new(CurrentMemoryContext);
    int rc = cx_pg_deserialize(&s->metric, PG_GETARG_BYTEA_PP(0));
    if (rc != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_POINTER(s);
}

Datum cx_agg_combine(PG_FUNCTION_ARGS)
{
    MemoryContext context = agg_context(fcinfo, "cx_agg_combine");
    if (PG_ARGISNULL(1))
        return keep_state(fcinfo);
    const cx_pg_agg *from = (const cx_pg_agg *)PG_GETARG_POINTER(1);
    int rc;
    if (PG_ARGISNULL(0)) {
        /* `from` may live in a shorter-lived context: copy it into ours. */
        cx_pg_agg *s = cx_pg_agg_new(context);
        if ((rc = cx_metric_clone(&s->metric, from->metric)) != CX_OK)
            cx_pg_raise(rc);
        PG_RETURN_POINTER(s);
    }
    cx_pg_agg *into = (cx_pg_agg *)PG_GETARG_POINTER(0);
    if ((rc = cx_metric_merge(into->metric, from->metric)) != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_POINTER(into);
}

/* ---- final functions -------------------------------------------------- */

CX_PG_FUNCTION(cx_agg_result);
CX_PG_FUNCTION(cx_agg_state);

Datum cx_agg_result(PG_FUNCTION_ARGS)
{
    agg_context(fcinfo, "cx_agg_result");
    const cx_pg_agg *s = (const cx_pg_agg *)PG_GETARG_POINTER(0);
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    int rc = cx_metric_get_result(s->metric, &r);
    if (rc == CX_EEMPTY)
        PG_RETURN_NULL();
    if (rc != CX_OK)
        cx_pg_raise(rc);
    return cx_pg_result_datum(fcinfo, &r);
}

Datum cx_agg_state(PG_FUNCTION_ARGS)
{
    agg_context(fcinfo, "cx_agg_state");
    const cx_pg_agg *s = (const cx_pg_agg *)PG_GETARG_POINTER(0);
    PG_RETURN_POINTER(cx_pg_serialize(s->metric));
}
