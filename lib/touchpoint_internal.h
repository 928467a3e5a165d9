/*
 * What the journey layer needs of the touchpoint registry beyond the
 * public API: undoing registrations, so that a journey can grow its own
 * registry in place (pointers lent by cx_journey_touchpoints() and the
 * strings lent by cx_touchpoint_get() stay valid) and still leave it
 * unchanged when a batch fails.
 */
#ifndef CX_TOUCHPOINT_INTERNAL_H
#define CX_TOUCHPOINT_INTERNAL_H

#include <stddef.h>

#include "cx/touchpoint.h"

/* Removes the touchpoints registered after the first `count`, newest
 * first; does nothing when the registry holds `count` or fewer. */
void cx__touchpoint_truncate(cx_touchpoint_registry *reg, size_t count);

#endif /* CX_TOUCHPOINT_INTERNAL_H */
