/*
 * The cx_state type (a libcx calculator blob in a varlena), its text and
 * binary forms, the bytea cast, and the helpers shared by the other files:
 * errors, blob conversion and the aggregate state's life cycle.
 */
#include "cx_pg.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

/* ---- errors ---------------------------------------------------------- */

static int sqlstate_of(int status)
{
    switch (status) {
    case CX_ERANGE: return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
    case CX_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
    case CX_EFORMAT: return ERRCODE_INVALID_BINARY_REPRESENTATION;
    case CX_EVERSION: return ERRCODE_FEATURE_NOT_SUPPORTED;
    case CX_EEMPTY: return ERRCODE_NO_DATA;
    default: return ERRCODE_INVALID_PARAMETER_VALUE; /* CX_EINVAL, CX_ESTATE */
    }
}

void cx_pg_raise(int status)
{
    /* Copied first: the message lives in libcx's thread-local buffer, which
     * the next libcx call may overwrite. */
    char message[512];
    strlcpy(message, cx_last_error(), sizeof message);
    ereport(ERROR, (errcode(sqlstate_of(status)), errmsg("%s", message),
                    errdetail("libcx status %s", cx_strerror(status))));
}

/* ---- blobs ----------------------------------------------------------- */

struct varlena *cx_pg_serialize(const cx_metric *m)
{
    size_t len = 0;
    int rc = cx_metric_serialize(m, NULL, 0, &len);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    if (len > MaxAllocSize - VARHDRSZ)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("calculator blob of %zu bytes exceeds the 1 GB limit of a value", len)));
    struct varlena *out = palloc(VARHDRSZ + len);
    SET_VARSIZE(out, VARHDRSZ + len);
    rc = cx_metric_serialize(m, VARDATA(out), len, &len);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    return out;
}

int cx_pg_deserialize(cx_metric **out, const struct varlena *blob)
{
    return cx_metric_deserialize(out, VARDATA_ANY(blob), VARSIZE_ANY_EXHDR(blob));
}

cx_metric *cx_pg_deserialize_or_raise(const struct varlena *blob)
{
    cx_metric *m = NULL;
    int rc = cx_pg_deserialize(&m, blob);
    if (rc != CX_OK)
        cx_pg_raise(rc);
    return m;
}

/* Checks that a varlena holds a valid calculator blob (magic, sizes,
 * contents, CRC), raising the libcx message otherwise. */
static void validate_blob(const struct varlena *blob)
{
    cx_metric_free(cx_pg_deserialize_or_raise(blob));
}

/* ---- aggregate state ------------------------------------------------- */

static void agg_release(void *arg)
{
    cx_pg_agg *s = arg;
    cx_metric_free(s->metric);
    s->metric = NULL;
}

cx_pg_agg *cx_pg_agg_new(MemoryContext context)
{
    cx_pg_agg *s = MemoryContextAllocZero(context, sizeof *s);
    s->on_reset.func = agg_release;
    s->on_reset.arg = s;
    MemoryContextRegisterResetCallback(context, &s->on_reset);
    return s;
}

/* ---- cx_state I/O ---------------------------------------------------- */

CX_PG_FUNCTION(cx_state_in);
CX_PG_FUNCTION(cx_state_out);
CX_PG_FUNCTION(cx_state_recv);
CX_PG_FUNCTION(cx_state_send);
CX_PG_FUNCTION(cx_state_from_bytea);

/* Text form: "\x" and the blob in hexadecimal, as bytea's hex output. */
Datum cx_state_in(PG_FUNCTION_ARGS)
{
    const char *text = PG_GETARG_CSTRING(0);
    size_t len = strlen(text);
    if (len < 2 || text[0] != '\\' || text[1] != 'x' || len % 2 != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                        errmsg("invalid input syntax for type cx_state: a state is written \\x followed by "
                               "an even number of hexadecimal digits")));
    size_t bytes = (len - 2) / 2;
    struct varlena *out = palloc(VARHDRSZ + bytes);
    uint64 written = hex_decode(text + 2, len - 2, VARDATA(out));
    SET_VARSIZE(out, VARHDRSZ + written);
    validate_blob(out);
    PG_RETURN_POINTER(out);
}

Datum cx_state_out(PG_FUNCTION_ARGS)
{
    cx_pg_state *state = PG_GETARG_CX_STATE(0);
    size_t len = VARSIZE_ANY_EXHDR(state);
    char *text = palloc(2 * len + 3);
    text[0] = '\\';
    text[1] = 'x';
    uint64 written = hex_encode(VARDATA_ANY(state), len, text + 2);
    text[2 + written] = '\0';
    PG_RETURN_CSTRING(text);
}

/* Binary form: the blob's bytes. */
Datum cx_state_recv(PG_FUNCTION_ARGS)
{
    StringInfo msg = (StringInfo)PG_GETARG_POINTER(0);
    int len = msg->len - msg->cursor;
    struct varlena *out = palloc(VARHDRSZ + len);
    SET_VARSIZE(out, VARHDRSZ + len);
    pq_copymsgbytes(msg, VARDATA(out), len);
    validate_blob(out);
    PG_RETURN_POINTER(out);
}

Datum cx_state_send(PG_FUNCTION_ARGS)
{
    cx_pg_state *state = PG_GETARG_CX_STATE(0);
    StringInfoData buf;
    pq_begintypsend(&buf);
    pq_sendbytes(&buf, VARDATA_ANY(state), (int)VARSIZE_ANY_EXHDR(state));
    PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* bytea -> cx_state: the same bytes, once checked. */
Datum cx_state_from_bytea(PG_FUNCTION_ARGS)
{
    bytea *blob = PG_GETARG_BYTEA_P_COPY(0);
    validate_blob(blob);
    PG_RETURN_POINTER(blob);
}
