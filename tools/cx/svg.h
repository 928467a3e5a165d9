/* Inline SVG charts for the HTML report: no scripts, no external files. */
#ifndef CX_SVG_H
#define CX_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A point of a trend: value with an interval (lo, hi; NaN when none);
 * missing points (suppressed groups) break the line. */
typedef struct svg_point {
    const char *label;
    double value, lo, hi;
    unsigned long long count;
    bool missing;
} svg_point;

/* A line over periods with a shaded interval band. y_min/y_max: NaN to fit. */
void svg_trend(FILE *out, const char *title, const svg_point *pts, size_t n, double y_min, double y_max,
               const char *unit);

/* A horizontal bar: a value with an optional interval (lo, hi) drawn as a
 * whisker; `note` is printed after the value (e.g. "n=1,234"). Negative
 * bars are red (the bad side), or with `positive_is_bad` positive ones. */
typedef struct svg_bar {
    const char *label;
    const char *note;
    double value, lo, hi;
    bool positive_is_bad;
} svg_bar;

/* Horizontal bars from x_min (0 or negative for net scores) to x_max. */
void svg_hbars(FILE *out, const char *title, const svg_bar *bars, size_t n, double x_min, double x_max,
               const char *unit);

/* Columns over periods (counts). */
void svg_columns(FILE *out, const char *title, const svg_point *pts, size_t n, const char *unit);

/* The stylesheet rules the charts use (inlined once per page). */
extern const char svg_css[];

#endif
