-- cx: customer-experience aggregates on libcx's mergeable calculators.
-- See docs/postgres.md for every function, the rollup pattern and figures.

\echo Use "CREATE EXTENSION cx" to load this file. \quit

-- ---- types -----------------------------------------------------------

-- A calculator's partial state: libcx's portable blob (little-endian,
-- versioned, CRC-32 checked). Store it in rollup tables; merge with cx_merge.
CREATE TYPE cx_state;

CREATE FUNCTION cx_state_in(cstring) RETURNS cx_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_state_out(cx_state) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_state_recv(internal) RETURNS cx_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_state_send(cx_state) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE cx_state (
    INPUT = cx_state_in,
    OUTPUT = cx_state_out,
    RECEIVE = cx_state_recv,
    SEND = cx_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE cx_state IS 'partial state of a cx aggregate (a libcx calculator blob)';

-- The blob's bytes as bytea, and back (checked).
CREATE CAST (cx_state AS bytea) WITHOUT FUNCTION;
CREATE FUNCTION cx_state(bytea) RETURNS cx_state
    AS 'MODULE_PATHNAME', 'cx_state_from_bytea' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS cx_state) WITH FUNCTION cx_state(bytea);

-- A metric with its sample size and confidence interval (95 %).
CREATE TYPE cx_result AS (
    value double precision,
    std_error double precision,
    ci_low double precision,
    ci_high double precision,
    n bigint
);

-- The difference a - b of two calculators of the same kind and options.
CREATE TYPE cx_comparison AS (
    difference double precision,
    std_error double precision,
    ci_low double precision,
    ci_high double precision,
    z double precision,
    p_value double precision
);

-- ---- aggregate support functions -------------------------------------

CREATE FUNCTION cx_nps_transfn(internal, integer) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_csat_transfn(internal, numeric) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_csat_transfn(internal, numeric, integer) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_csat_transfn(internal, numeric, integer, integer, integer) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_ces_transfn(internal, numeric) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_fcr_transfn(internal, boolean) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_duration_transfn(internal, interval) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_duration_transfn(internal, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'cx_duration_seconds_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_merge_transfn(internal, cx_state) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION cx_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_agg_result(internal) RETURNS cx_result
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_agg_state(internal) RETURNS cx_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---- aggregates --------------------------------------------------------
-- Each metric comes twice: cx_<metric> returns a cx_result, and
-- cx_<metric>_state the partial state to store and merge later. SSPACE is
-- an estimate of a group's memory, for the planner's hash-table sizing.

CREATE AGGREGATE cx_nps(integer) (
    SFUNC = cx_nps_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_nps_state(integer) (
    SFUNC = cx_nps_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cx_csat(numeric) (
    SFUNC = cx_csat_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_csat(numeric, threshold integer) (
    SFUNC = cx_csat_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_csat(numeric, threshold integer, scale_min integer, scale_max integer) (
    SFUNC = cx_csat_transfn, STYPE = internal, SSPACE = 4000,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_csat_state(numeric) (
    SFUNC = cx_csat_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_csat_state(numeric, threshold integer) (
    SFUNC = cx_csat_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_csat_state(numeric, threshold integer, scale_min integer, scale_max integer) (
    SFUNC = cx_csat_transfn, STYPE = internal, SSPACE = 4000,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cx_ces(numeric) (
    SFUNC = cx_ces_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_ces_state(numeric) (
    SFUNC = cx_ces_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cx_fcr(boolean) (
    SFUNC = cx_fcr_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_fcr_state(boolean) (
    SFUNC = cx_fcr_transfn, STYPE = internal, SSPACE = 1700,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE cx_duration(interval) (
    SFUNC = cx_duration_transfn, STYPE = internal, SSPACE = 32768,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_duration(double precision) (
    SFUNC = cx_duration_transfn, STYPE = internal, SSPACE = 32768,
    FINALFUNC = cx_agg_result,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_duration_state(interval) (
    SFUNC = cx_duration_transfn, STYPE = internal, SSPACE = 32768,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE cx_duration_state(double precision) (
    SFUNC = cx_duration_transfn, STYPE = internal, SSPACE = 32768,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);

-- Merges stored partial states of one kind and options into one state.
CREATE AGGREGATE cx_merge(cx_state) (
    SFUNC = cx_merge_transfn, STYPE = internal, SSPACE = 8192,
    FINALFUNC = cx_agg_state,
    COMBINEFUNC = cx_agg_combine, SERIALFUNC = cx_agg_serialize, DESERIALFUNC = cx_agg_deserialize,
    PARALLEL = SAFE
);

-- ---- functions on states -----------------------------------------------

CREATE FUNCTION cx_result(cx_state) RETURNS cx_result
    AS 'MODULE_PATHNAME', 'cx_state_result' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_quantile(cx_state, q double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', 'cx_state_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_quantile(cx_state, q double precision[]) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'cx_state_quantiles' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_compare(a cx_state, b cx_state) RETURNS cx_comparison
    AS 'MODULE_PATHNAME', 'cx_state_compare' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_merge(a cx_state, b cx_state) RETURNS cx_state
    AS 'MODULE_PATHNAME', 'cx_state_merge' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION cx_kind(cx_state) RETURNS text
    AS 'MODULE_PATHNAME', 'cx_state_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION cx_library_version() RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;

-- ---- accessors -------------------------------------------------------

CREATE FUNCTION cx_value(cx_result) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT ($1).value';
CREATE FUNCTION cx_std_error(cx_result) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT ($1).std_error';
CREATE FUNCTION cx_ci_low(cx_result) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT ($1).ci_low';
CREATE FUNCTION cx_ci_high(cx_result) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT ($1).ci_high';
CREATE FUNCTION cx_n(cx_result) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT ($1).n';

CREATE FUNCTION cx_value(cx_state) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT (@extschema@.cx_result($1)).value';
CREATE FUNCTION cx_std_error(cx_state) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT (@extschema@.cx_result($1)).std_error';
CREATE FUNCTION cx_ci_low(cx_state) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT (@extschema@.cx_result($1)).ci_low';
CREATE FUNCTION cx_ci_high(cx_state) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT (@extschema@.cx_result($1)).ci_high';
CREATE FUNCTION cx_n(cx_state) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT (@extschema@.cx_result($1)).n';
