/* In-place sorting of doubles (ascending; no NaN allowed). */
#ifndef CX_SORT_INTERNAL_H
#define CX_SORT_INTERNAL_H

#include <stddef.h>

void cx__sort_doubles(double *a, size_t n);

#endif
