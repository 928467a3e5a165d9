/* A store's tickets in the terms of cx/service.h: the timeline of a ticket
 * from its row and its ticket events (the mapping of docs/cli.md), its
 * priority, and SLA policies written as text. */
#ifndef CX_TICKETS_H
#define CX_TICKETS_H

#include <stddef.h>

#include "cli.h"

/* A ticket's timeline, reused from ticket to ticket. */
typedef struct timeline {
    cx_ticket_event *events;
    size_t n, cap;
    size_t ignored;     /* store events without a place in the timeline, this ticket */
} timeline;

/* Builds the timeline of one ticket; CX_EEMPTY for a ticket with neither an
 * opening time nor events; CX_ENOMEM. */
int timeline_build(timeline *tl, const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n);
void timeline_free(timeline *tl);

/* "low", "normal" (also "medium"), "high", "urgent", any case; anything
 * else (or none) is normal. */
cx_ticket_priority ticket_priority(const char *name);

/* Reads an SLA policy from text: pairs separated by ';' (or new lines):
 * first_reply|next_reply|resolution[.low|.normal|.high|.urgent]=DURATION,
 * hours=business|calendar, pause=none|STATUS[+STATUS...]. `business` is the
 * default hours. On failure writes a message (without a prefix) to `why`
 * and returns false. */
bool sla_parse(cx_sla_policy *out, const char *text, bool business, char *why, size_t why_size);

#endif
