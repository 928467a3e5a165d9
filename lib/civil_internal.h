/* Proleptic Gregorian calendar arithmetic on day numbers (days since
 * 1970-01-01), after the algorithms in Howard Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms". */
#ifndef CX_CIVIL_INTERNAL_H
#define CX_CIVIL_INTERNAL_H

#include <stdint.h>

int64_t cx__days_from_civil(int64_t y, unsigned m, unsigned d);
void cx__civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* 0 = Monday .. 6 = Sunday */
unsigned cx__weekday_from_days(int64_t days);
/* Days in month m (1..12) of year y. */
unsigned cx__days_in_month(int64_t y, unsigned m);
/* Floor division for negative timestamps. */
int64_t cx__floor_div(int64_t a, int64_t b);

#endif
