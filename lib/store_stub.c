/* The store's API when libcx is built without the `store` feature: the
 * symbols exist (the ABI does not depend on build options) and every call
 * that needs SQLite says how to get it. */
#include <string.h>

#include "core_internal.h"
#include "cx/store.h"

static int missing(void)
{
    return cx__error(CX_ENOTFOUND, "libcx was built without the store; rebuild it with the meson feature "
                                   "-Dstore=enabled (needs libsqlite3-dev and libjansson-dev)");
}

const char *cx_store_table_name(cx_store_table table)
{
    (void)table;
    return NULL;
}

int cx_store_table_from_name(cx_store_table *out, const char *name)
{
    (void)out;
    (void)name;
    return missing();
}

int cx_store_open(cx_store **out, const char *path, const cx_store_options *opts)
{
    (void)path;
    (void)opts;
    if (out != NULL)
        *out = NULL;
    return missing();
}

void cx_store_close(cx_store *s)
{
    (void)s;
}

int cx_store_schema_version(unsigned int *out, const cx_store *s)
{
    (void)out;
    (void)s;
    return missing();
}

int cx_store_count(uint64_t *out, cx_store *s, cx_store_table table)
{
    (void)out;
    (void)s;
    (void)table;
    return missing();
}

int cx_store_time_span(int64_t *first_out, int64_t *last_out, cx_store *s, cx_store_table table)
{
    (void)first_out;
    (void)last_out;
    (void)s;
    (void)table;
    return missing();
}

#define STUB_ADD(name, type) \
    int name(cx_store_write_result *out, cx_store *s, const type *rows, size_t n) \
    { \
        (void)out; \
        (void)s; \
        (void)rows; \
        (void)n; \
        return missing(); \
    }
STUB_ADD(cx_store_add_customers, cx_store_customer)
STUB_ADD(cx_store_add_touchpoints, cx_store_touchpoint)
STUB_ADD(cx_store_add_events, cx_store_event)
STUB_ADD(cx_store_add_answers, cx_store_answer)
STUB_ADD(cx_store_add_tickets, cx_store_ticket)
STUB_ADD(cx_store_add_ticket_events, cx_store_ticket_event)
STUB_ADD(cx_store_add_comments, cx_store_comment)

#define STUB_EACH(name, fn_type) \
    int name(cx_store *s, const cx_store_filter *filter, fn_type fn, void *payload) \
    { \
        (void)s; \
        (void)filter; \
        (void)fn; \
        (void)payload; \
        return missing(); \
    }
STUB_EACH(cx_store_each_customer, cx_store_customer_fn)
STUB_EACH(cx_store_each_touchpoint, cx_store_touchpoint_fn)
STUB_EACH(cx_store_each_event, cx_store_event_fn)
STUB_EACH(cx_store_each_answer, cx_store_answer_fn)
STUB_EACH(cx_store_each_ticket, cx_store_ticket_fn)
STUB_EACH(cx_store_each_comment, cx_store_comment_fn)

int cx_store_import_file(cx_import_result *out, cx_store *s, const char *path, const cx_import_options *opts)
{
    (void)out;
    (void)s;
    (void)path;
    (void)opts;
    return missing();
}

int cx_store_import_fd(cx_import_result *out, cx_store *s, int fd, const char *name, const cx_import_options *opts)
{
    (void)out;
    (void)s;
    (void)fd;
    (void)name;
    (void)opts;
    return missing();
}

int cx_store_import_memory(cx_import_result *out, cx_store *s, const void *data, size_t len, const char *name,
                           const cx_import_options *opts)
{
    (void)out;
    (void)s;
    (void)data;
    (void)len;
    (void)name;
    (void)opts;
    return missing();
}
