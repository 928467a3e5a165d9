/*
 * Functions on cx_state values: results, quantiles, comparisons, kind,
 * and the composite results shared with the aggregates' final functions.
 *
 * Each function reads the blob into a temporary calculator, asks libcx,
 * frees the calculator, and only then raises an error if libcx failed, so
 * an error never leaves a calculator behind.
 */
#include "cx_pg.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

CX_PG_FUNCTION(cx_state_result);
CX_PG_FUNCTION(cx_state_quantile);
CX_PG_FUNCTION(cx_state_quantiles);
CX_PG_FUNCTION(cx_state_compare);
CX_PG_FUNCTION(cx_state_kind);
CX_PG_FUNCTION(cx_state_merge);
CX_PG_FUNCTION(cx_library_version);

static TupleDesc composite_type(FunctionCallInfo fcinfo, int fields)
{
    TupleDesc desc;
    if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != fields)
        ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                        errmsg("function returning a cx composite called in a context that cannot accept it")));
    return BlessTupleDesc(desc);
}

/* Fills a composite field; NaN (a figure libcx cannot compute, such as the
 * standard error of one answer) is SQL NULL. */
static void put_double(Datum *values, bool *nulls, int i, double v)
{
    nulls[i] = isnan(v);
    values[i] = nulls[i] ? (Datum)0 : Float8GetDatum(v);
}

Datum cx_pg_result_datum(FunctionCallInfo fcinfo, const cx_metric_result *r)
{
    TupleDesc desc = composite_type(fcinfo, 5);
    Datum values[5];
    bool nulls[5];
    put_double(values, nulls, 0, r->value);
    put_double(values, nulls, 1, r->std_error);
    put_double(values, nulls, 2, r->ci_low);
    put_double(values, nulls, 3, r->ci_high);
    values[4] = Int64GetDatum((int64)r->count);
    nulls[4] = false;
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

Datum cx_state_result(PG_FUNCTION_ARGS)
{
    cx_metric *m = cx_pg_deserialize_or_raise(PG_GETARG_CX_STATE(0));
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    int rc = cx_metric_get_result(m, &r);
    cx_metric_free(m);
    if (rc == CX_EEMPTY)
        PG_RETURN_NULL();
    if (rc != CX_OK)
        cx_pg_raise(rc);
    return cx_pg_result_datum(fcinfo, &r);
}

/* cx_quantile(state, q): seconds; NULL for a calculator without values. */
Datum cx_state_quantile(PG_FUNCTION_ARGS)
{
    cx_metric *m = cx_pg_deserialize_or_raise(PG_GETARG_CX_STATE(0));
    double q = PG_GETARG_FLOAT8(1), seconds = 0;
    int rc = cx_metric_quantile(m, q, &seconds);
    cx_metric_free(m);
    if (rc == CX_EEMPTY)
        PG_RETURN_NULL();
    if (rc != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_FLOAT8(seconds);
}

/* The quantiles of an array of q (any shape; NULL elements stay NULL).
 * Returns the libcx status of the first failure, CX_EEMPTY included. */
static int quantiles_into(const cx_metric *m, const Datum *qs, const bool *q_nulls, int n, Datum *out, bool *nulls)
{
    for (int i = 0; i < n; i++) {
        nulls[i] = q_nulls[i];
        if (nulls[i])
            continue;
        double seconds = 0;
        int rc = cx_metric_quantile(m, DatumGetFloat8(qs[i]), &seconds);
        if (rc != CX_OK)
            return rc;
        out[i] = Float8GetDatum(seconds);
    }
    return CX_OK;
}

Datum cx_state_quantiles(PG_FUNCTION_ARGS)
{
    cx_pg_state *blob = PG_GETARG_CX_STATE(0);
    ArrayType *qarr = PG_GETARG_ARRAYTYPE_P(1);
    Datum *qs;
    bool *q_nulls;
    int n;
    deconstruct_array(qarr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &qs, &q_nulls, &n);
    Datum *values = palloc0(sizeof(Datum) * (size_t)(n > 0 ? n : 1));
    bool *nulls = palloc0(sizeof(bool) * (size_t)(n > 0 ? n : 1));
    cx_metric *m = cx_pg_deserialize_or_raise(blob);
    int rc = quantiles_into(m, qs, q_nulls, n, values, nulls);
    cx_metric_free(m);
    if (rc == CX_EEMPTY)
        PG_RETURN_NULL();
    if (rc != CX_OK)
        cx_pg_raise(rc);
    ArrayType *out = construct_md_array(values, nulls, ARR_NDIM(qarr), ARR_DIMS(qarr), ARR_LBOUND(qarr), FLOAT8OID,
                                        sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
    PG_RETURN_ARRAYTYPE_P(out);
}

/* cx_compare(a, b): difference a - b by the kind's test (docs/postgres.md). */
Datum cx_state_compare(PG_FUNCTION_ARGS)
{
    cx_pg_state *blob_a = PG_GETARG_CX_STATE(0);
    cx_pg_state *blob_b = PG_GETARG_CX_STATE(1);
    cx_metric *a = cx_pg_deserialize_or_raise(blob_a);
    cx_metric *b = NULL;
    int rc = cx_pg_deserialize(&b, blob_b);
    cx_comparison c = CX_COMPARISON_INIT;
    if (rc == CX_OK)
        rc = cx_metric_compare(a, b, &c);
    cx_metric_free(a);
    cx_metric_free(b);
    if (rc == CX_EEMPTY)
        PG_RETURN_NULL();
    if (rc != CX_OK)
        cx_pg_raise(rc);
    TupleDesc desc = composite_type(fcinfo, 6);
    Datum values[6];
    bool nulls[6];
    const double fields[6] = { c.difference, c.std_error, c.ci_low, c.ci_high, c.z, c.p_value };
    for (int i = 0; i < 6; i++)
        put_double(values, nulls, i, fields[i]);
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* cx_merge(a, b): both states in one, for upserts into rollup tables;
 * a NULL side gives the other state unchanged. */
Datum cx_state_merge(PG_FUNCTION_ARGS)
{
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
            PG_RETURN_NULL();
        PG_RETURN_DATUM(PG_GETARG_DATUM(PG_ARGISNULL(0) ? 1 : 0));
    }
    cx_pg_state *blob_a = PG_GETARG_CX_STATE(0);
    cx_pg_state *blob_b = PG_GETARG_CX_STATE(1);
    cx_metric *into = cx_pg_deserialize_or_raise(blob_a);
    cx_metric *from = NULL;
    int rc = cx_pg_deserialize(&from, blob_b);
    if (rc == CX_OK)
        rc = cx_metric_merge(into, from);
    cx_metric_free(from);
    if (rc != CX_OK) {
        cx_metric_free(into);
        cx_pg_raise(rc);
    }
    /* Serializing allocates with palloc, which may raise: free first. */
    size_t len = 0;
    rc = cx_metric_serialize(into, NULL, 0, &len);
    bool fits = len <= MaxAllocSize - VARHDRSZ;
    struct varlena *out = rc == CX_OK && fits ? palloc_extended(VARHDRSZ + len, MCXT_ALLOC_NO_OOM) : NULL;
    if (out != NULL) {
        SET_VARSIZE(out, VARHDRSZ + len);
        rc = cx_metric_serialize(into, VARDATA(out), len, &len);
    }
    cx_metric_free(into);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    if (out == NULL)
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
                        errmsg("out of memory merging two cx_state values (%zu bytes needed)", len)));
    PG_RETURN_POINTER(out);
}

Datum cx_state_kind(PG_FUNCTION_ARGS)
{
    cx_metric *m = cx_pg_deserialize_or_raise(PG_GETARG_CX_STATE(0));
    cx_metric_kind kind = CX_METRIC_NPS;
    int rc = cx_metric_get_kind(&kind, m);
    cx_metric_free(m);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    PG_RETURN_TEXT_P(cstring_to_text(cx_metric_kind_name(kind)));
}

Datum cx_library_version(PG_FUNCTION_ARGS)
{
    PG_RETURN_TEXT_P(cstring_to_text(cx_version_string()));
}
