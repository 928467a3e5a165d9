/* `cx service`: what its collection (cmd_service.c) hands to its output
 * (service_output.c). */
#ifndef CX_SERVICE_CMD_H
#define CX_SERVICE_CMD_H

#include "report.h"
#include "tickets.h"

/* A group's service and the tickets waiting to be added to it. */
typedef struct service_group {
    cx_service *svc;
    timeline pending;               /* the events of the waiting tickets */
    size_t *offsets;                /* n + 1 */
    int32_t *priorities;
    const char **segments;
    char **ids;
    size_t n, cap;
} service_group;

/* The tickets of one group (a channel, a priority ...) and of all. */
typedef struct service_figures {
    const char *by;                 /* "channel", "priority", "touchpoint", "agent" or NULL */
    const char *definition;         /* as cx_service_definition_describe() wrote it */
    const char *calendar_path;      /* NULL: calendar time only */
    const cx_calendar *calendar;
    const char *sla;                /* the SLA policy as given, or NULL */
    double confidence;
    cx_service *all;
    tally groups;                   /* key -> data: its service_group; by tickets, descending */
    uint64_t ignored_events, skipped_tickets;
} service_figures;

void service_print_text(const service_figures *f, FILE *out);
void service_print_json(const service_figures *f, FILE *out);

#endif
