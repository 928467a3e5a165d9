/*
 * The store's schema: the SQL of every version (as migration steps) and the
 * table descriptors that map the public row structs to columns. The schema
 * is documented in docs/data-format.md; keep the two in step.
 */
#include <stddef.h>

#include "store_internal.h"

/*
 * Version 1. Times are INTEGER milliseconds since 1970-01-01T00:00:00Z.
 * Entities (customers, touchpoints, tickets) are keyed by their id; facts
 * (events, answers, ticket_events, comments) carry an id that is unique by
 * construction of the writer (libcx checks it against the ids in the
 * store), without a UNIQUE index: an index over random text keys would
 * cost more than half the import speed.
 */
static const char schema_v1[] =
    "CREATE TABLE customers("
    " customer_id TEXT PRIMARY KEY NOT NULL, name TEXT, email TEXT, segment TEXT, country TEXT,"
    " signup_ms INTEGER, churned_ms INTEGER);"
    "CREATE TABLE touchpoints("
    " touchpoint TEXT PRIMARY KEY NOT NULL, channel TEXT, stage TEXT, description TEXT);"
    "CREATE TABLE events("
    " event_id TEXT NOT NULL, customer_id TEXT NOT NULL, touchpoint TEXT NOT NULL, channel TEXT, type TEXT,"
    " timestamp_ms INTEGER NOT NULL, value REAL, session_id TEXT);"
    "CREATE TABLE answers("
    " answer_id TEXT NOT NULL, customer_id TEXT, touchpoint TEXT, channel TEXT,"
    " metric TEXT NOT NULL CHECK (metric IN ('nps', 'csat', 'ces', 'fcr')), score REAL NOT NULL,"
    " timestamp_ms INTEGER NOT NULL, comment TEXT, survey TEXT, ticket_id TEXT);"
    "CREATE TABLE tickets("
    " ticket_id TEXT PRIMARY KEY NOT NULL, customer_id TEXT, channel TEXT, touchpoint TEXT, subject TEXT,"
    " priority TEXT, agent TEXT,"
    " status TEXT CHECK (status IS NULL OR status IN ('open', 'pending', 'resolved', 'closed')),"
    " opened_ms INTEGER NOT NULL, resolved_ms INTEGER);"
    "CREATE TABLE ticket_events("
    " event_id TEXT NOT NULL, ticket_id TEXT NOT NULL, timestamp_ms INTEGER NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('opened', 'customer_message', 'agent_reply', 'note', 'resolved',"
    " 'reopened', 'closed')),"
    " author TEXT, text TEXT);"
    "CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, timestamp_ms);"
    "CREATE TABLE comments("
    " comment_id TEXT NOT NULL, customer_id TEXT, touchpoint TEXT, channel TEXT, source TEXT,"
    " timestamp_ms INTEGER NOT NULL, text TEXT NOT NULL, lang TEXT, answer_id TEXT, score REAL);"
    "CREATE TABLE imports("
    " import_id INTEGER PRIMARY KEY, source TEXT NOT NULL, table_name TEXT NOT NULL, format TEXT NOT NULL,"
    " started_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL, rows_read INTEGER NOT NULL,"
    " inserted INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL,"
    " rejected INTEGER NOT NULL, status TEXT NOT NULL);";

const cx__store_migration cx__store_migrations[] = {
    { 1, schema_v1 },
};
const size_t cx__store_migration_count = sizeof cx__store_migrations / sizeof cx__store_migrations[0];

/* ---- descriptors ------------------------------------------------------- */

#define TEXT(st, f, req) { #f, #f, CX__FIELD_TEXT, req, offsetof(st, f) }
#define TIME(st, name, f, req) { name, #f, CX__FIELD_TIME, req, offsetof(st, f) }

static const cx__store_field customer_fields[] = {
    TEXT(cx_store_customer, customer_id, true),
    TEXT(cx_store_customer, name, false),
    TEXT(cx_store_customer, email, false),
    TEXT(cx_store_customer, segment, false),
    TEXT(cx_store_customer, country, false),
    TIME(cx_store_customer, "signup_at", signup_ms, false),
    TIME(cx_store_customer, "churned_at", churned_ms, false),
};

static const cx__store_field touchpoint_fields[] = {
    TEXT(cx_store_touchpoint, touchpoint, true),
    TEXT(cx_store_touchpoint, channel, false),
    TEXT(cx_store_touchpoint, stage, false),
    TEXT(cx_store_touchpoint, description, false),
};

static const cx__store_field event_fields[] = {
    TEXT(cx_store_event, event_id, false),
    TEXT(cx_store_event, customer_id, true),
    TEXT(cx_store_event, touchpoint, true),
    TEXT(cx_store_event, channel, false),
    TEXT(cx_store_event, type, false),
    TIME(cx_store_event, "timestamp", timestamp_ms, true),
    { "value", "value", CX__FIELD_REAL, false, offsetof(cx_store_event, value) },
    TEXT(cx_store_event, session_id, false),
};

static const cx__store_field answer_fields[] = {
    TEXT(cx_store_answer, answer_id, false),
    TEXT(cx_store_answer, customer_id, false),
    TEXT(cx_store_answer, touchpoint, false),
    TEXT(cx_store_answer, channel, false),
    { "metric", "metric", CX__FIELD_METRIC, true, offsetof(cx_store_answer, metric) },
    { "score", "score", CX__FIELD_REAL, true, offsetof(cx_store_answer, score) },
    TIME(cx_store_answer, "timestamp", timestamp_ms, true),
    TEXT(cx_store_answer, comment, false),
    TEXT(cx_store_answer, survey, false),
    TEXT(cx_store_answer, ticket_id, false),
};

static const cx__store_field ticket_fields[] = {
    TEXT(cx_store_ticket, ticket_id, true),
    TEXT(cx_store_ticket, customer_id, false),
    TEXT(cx_store_ticket, channel, false),
    TEXT(cx_store_ticket, touchpoint, false),
    TEXT(cx_store_ticket, subject, false),
    TEXT(cx_store_ticket, priority, false),
    TEXT(cx_store_ticket, agent, false),
    { "status", "status", CX__FIELD_STATUS, false, offsetof(cx_store_ticket, status) },
    TIME(cx_store_ticket, "opened_at", opened_ms, true),
    TIME(cx_store_ticket, "resolved_at", resolved_ms, false),
};

static const cx__store_field ticket_event_fields[] = {
    TEXT(cx_store_ticket_event, event_id, false),
    TEXT(cx_store_ticket_event, ticket_id, true),
    TIME(cx_store_ticket_event, "timestamp", timestamp_ms, true),
    { "kind", "kind", CX__FIELD_TE_KIND, true, offsetof(cx_store_ticket_event, kind) },
    TEXT(cx_store_ticket_event, author, false),
    TEXT(cx_store_ticket_event, text, false),
};

static const cx__store_field comment_fields[] = {
    TEXT(cx_store_comment, comment_id, false),
    TEXT(cx_store_comment, customer_id, false),
    TEXT(cx_store_comment, touchpoint, false),
    TEXT(cx_store_comment, channel, false),
    TEXT(cx_store_comment, source, false),
    TIME(cx_store_comment, "timestamp", timestamp_ms, true),
    TEXT(cx_store_comment, text, true),
    TEXT(cx_store_comment, lang, false),
    TEXT(cx_store_comment, answer_id, false),
    { "score", "score", CX__FIELD_REAL, false, offsetof(cx_store_comment, score) },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const cx__store_table tables[CX__STORE_TABLES + 1] = {
    { (cx_store_table)0, NULL, false, NULL, 0, 0, -1, -1, -1 },
    { CX_STORE_CUSTOMERS, "customers", false, customer_fields, N(customer_fields), sizeof(cx_store_customer), 5, 0,
      -1 },
    { CX_STORE_TOUCHPOINTS, "touchpoints", false, touchpoint_fields, N(touchpoint_fields),
      sizeof(cx_store_touchpoint), -1, -1, 0 },
    { CX_STORE_EVENTS, "events", true, event_fields, N(event_fields), sizeof(cx_store_event), 5, 1, 2 },
    { CX_STORE_ANSWERS, "answers", true, answer_fields, N(answer_fields), sizeof(cx_store_answer), 6, 1, 2 },
    { CX_STORE_TICKETS, "tickets", false, ticket_fields, N(ticket_fields), sizeof(cx_store_ticket), 8, 1, 3 },
    { CX_STORE_TICKET_EVENTS, "ticket_events", true, ticket_event_fields, N(ticket_event_fields),
      sizeof(cx_store_ticket_event), 2, -1, -1 },
    { CX_STORE_COMMENTS, "comments", true, comment_fields, N(comment_fields), sizeof(cx_store_comment), 5, 1, 2 },
};

const cx__store_table *cx__store_table_desc(cx_store_table table)
{
    if ((int)table < CX_STORE_CUSTOMERS || (int)table > CX_STORE_COMMENTS)
        return NULL;
    return &tables[table];
}

size_t cx__store_row_size(cx_store_table table, unsigned int version)
{
    /* Every row struct is at version 1; a version 2 adds its size here and
     * keeps version 1's as a constant. */
    const cx__store_table *t = cx__store_table_desc(table);
    return t != NULL && version == 1 ? t->row_size : 0;
}
