/* Initialisers of the store's versioned structs, for callers without the
 * header's macros (FFI). Built with or without the store feature. */
#include <string.h>

#include "core_internal.h"
#include "cx/store.h"

/* Copies `defaults` into `*dst` stamped with the caller's version. */
#define CX__STORE_INIT(type, name, VERSION, INIT) \
    int name(type *dst, unsigned int version) \
    { \
        CX__CHECK_ARG(dst, #name); \
        int rc = cx__check_version(version, VERSION, #type); \
        if (rc != CX_OK) \
            return rc; \
        type defaults = INIT; \
        *dst = defaults; \
        dst->version = version; \
        return CX_OK; \
    }

CX__STORE_INIT(cx_store_options, cx_store_options_init, CX_STORE_OPTIONS_VERSION, CX_STORE_OPTIONS_INIT)
CX__STORE_INIT(cx_store_filter, cx_store_filter_init, CX_STORE_FILTER_VERSION, CX_STORE_FILTER_INIT)
CX__STORE_INIT(cx_import_options, cx_import_options_init, CX_IMPORT_OPTIONS_VERSION, CX_IMPORT_OPTIONS_INIT)
CX__STORE_INIT(cx_import_result, cx_import_result_init, CX_IMPORT_RESULT_VERSION, CX_IMPORT_RESULT_INIT)
CX__STORE_INIT(cx_store_write_result, cx_store_write_result_init, CX_STORE_WRITE_RESULT_VERSION,
               CX_STORE_WRITE_RESULT_INIT)
CX__STORE_INIT(cx_store_customer, cx_store_customer_init, CX_STORE_CUSTOMER_VERSION, CX_STORE_CUSTOMER_INIT)
CX__STORE_INIT(cx_store_touchpoint, cx_store_touchpoint_init, CX_STORE_TOUCHPOINT_VERSION, CX_STORE_TOUCHPOINT_INIT)
CX__STORE_INIT(cx_store_event, cx_store_event_init, CX_STORE_EVENT_VERSION, CX_STORE_EVENT_INIT)
CX__STORE_INIT(cx_store_answer, cx_store_answer_init, CX_STORE_ANSWER_VERSION, CX_STORE_ANSWER_INIT)
CX__STORE_INIT(cx_store_ticket, cx_store_ticket_init, CX_STORE_TICKET_VERSION, CX_STORE_TICKET_INIT)
CX__STORE_INIT(cx_store_ticket_event, cx_store_ticket_event_init, CX_STORE_TICKET_EVENT_VERSION,
               CX_STORE_TICKET_EVENT_INIT)
CX__STORE_INIT(cx_store_comment, cx_store_comment_init, CX_STORE_COMMENT_VERSION, CX_STORE_COMMENT_INIT)
