/* The parts of the report's journey section (report_journey.c). */
#ifndef CX_REPORT_JOURNEY_H
#define CX_REPORT_JOURNEY_H

#include "report.h"

/* The funnel (report_journey_funnel.c); f NULL: the journey has no stages. */
void funnel_text(FILE *out, const cx_funnel *f);
void funnel_json(jw *w, const cx_funnel *f);
void funnel_html(FILE *out, const cx_funnel *f);

#endif
