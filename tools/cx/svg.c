/* Inline SVG charts (see svg.h). Coordinates are in a fixed viewBox; the
 * page scales them. Every mark carries a <title> for hover text. */
#include "svg.h"

#include <math.h>
#include <string.h>

#include "report.h"

#define W 720.0
#define PAD_L 56.0
#define PAD_R 16.0
#define PAD_T 36.0
#define PAD_B 40.0

const char svg_css[] =
    ".chart{width:100%;max-width:760px;height:auto;display:block;margin:.5rem 0 1.5rem}"
    ".chart text{font:11px sans-serif;fill:#333}.chart .title{font-size:13px;font-weight:bold}"
    ".chart .grid{stroke:#ddd;stroke-width:1}.chart .axis{stroke:#888;stroke-width:1}"
    ".chart .band{fill:#4e79a7;fill-opacity:.18;stroke:none}"
    ".chart .line{fill:none;stroke:#4e79a7;stroke-width:2}.chart .dot{fill:#4e79a7}"
    ".chart .bar{fill:#4e79a7}.chart .bar.neg{fill:#e15759}.chart .whisker{stroke:#222;stroke-width:1.2}"
    ".chart .col{fill:#76b7b2}";

/* Round steps of 1, 2 or 5 times a power of ten, about `want` of them. */
static double nice_step(double range, int want)
{
    if (!(range > 0))
        return 1;
    double raw = range / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/* Fits [lo, hi] (NaN: from the data) to whole steps; returns the step. */
static double fit_range(const svg_point *pts, size_t n, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (pts[i].missing)
            continue;
        double l = isnan(pts[i].lo) ? pts[i].value : pts[i].lo, h = isnan(pts[i].hi) ? pts[i].value : pts[i].hi;
        a = fmin(a, l);
        b = fmax(b, h);
    }
    if (!isfinite(a)) {
        a = 0;
        b = 1;
    }
    if (isnan(*lo))
        *lo = a;
    if (isnan(*hi))
        *hi = b;
    if (*hi <= *lo)
        *hi = *lo + 1;
    double step = nice_step(*hi - *lo, 5);
    *lo = floor(*lo / step) * step;
    *hi = ceil(*hi / step) * step;
    return step;
}

static void open_chart(FILE *out, const char *title, double h)
{
    fprintf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                 "aria-label=\"",
            W, h);
    html_text(out, title);
    fputs("\"><title>", out);
    html_text(out, title);
    fprintf(out, "</title><text class=\"title\" x=\"%.0f\" y=\"16\">", PAD_L);
    html_text(out, title);
    fputs("</text>", out);
}

static void y_axis(FILE *out, double lo, double hi, double step, double top, double bottom, const char *unit)
{
    for (double v = lo; v <= hi + step * 1e-6; v += step) {
        double y = bottom - (v - lo) / (hi - lo) * (bottom - top);
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", PAD_L, y, W - PAD_R, y);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g%s</text>", PAD_L - 6, y + 4,
                fabs(v) < 1e-9 ? 0.0 : v, unit);
    }
}

static void x_labels(FILE *out, const svg_point *pts, size_t n, double x0, double dx, double y)
{
    size_t every = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i += every) {
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x0 + dx * (double)i, y);
        html_text(out, pts[i].label);
        fputs("</text>", out);
    }
}

/* The band: upper edge left to right, lower edge back, per unbroken run. */
static void band(FILE *out, const svg_point *pts, size_t from, size_t to, double x0, double dx, double lo,
                 double hi, double top, double bottom)
{
    fputs("<polygon class=\"band\" points=\"", out);
    for (size_t i = from; i < to; i++)
        fprintf(out, "%.1f,%.1f ", x0 + dx * (double)i, bottom - (pts[i].hi - lo) / (hi - lo) * (bottom - top));
    for (size_t i = to; i-- > from;)
        fprintf(out, "%.1f,%.1f ", x0 + dx * (double)i, bottom - (pts[i].lo - lo) / (hi - lo) * (bottom - top));
    fputs("\"/>", out);
}

void svg_trend(FILE *out, const char *title, const svg_point *pts, size_t n, double y_min, double y_max,
               const char *unit)
{
    double h = 240, top = PAD_T, bottom = h - PAD_B, lo = y_min, hi = y_max;
    double step = fit_range(pts, n, &lo, &hi);
    open_chart(out, title, h);
    y_axis(out, lo, hi, step, top, bottom, unit);
    double x0 = PAD_L + 12, dx = n > 1 ? (W - PAD_R - 12 - x0) / (double)(n - 1) : 0;
    for (size_t i = 0; i < n;) {
        while (i < n && (pts[i].missing || isnan(pts[i].lo)))
            i++;
        size_t j = i;
        while (j < n && !pts[j].missing && !isnan(pts[j].lo))
            j++;
        if (j > i)
            band(out, pts, i, j, x0, dx, lo, hi, top, bottom);
        i = j;
    }
    fputs("<polyline class=\"line\" points=\"", out);
    for (size_t i = 0; i < n; i++)
        if (!pts[i].missing)
            fprintf(out, "%.1f,%.1f ", x0 + dx * (double)i, bottom - (pts[i].value - lo) / (hi - lo) * (bottom - top));
    fputs("\"/>", out);
    for (size_t i = 0; i < n; i++) {
        if (pts[i].missing)
            continue;
        fprintf(out, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", x0 + dx * (double)i,
                bottom - (pts[i].value - lo) / (hi - lo) * (bottom - top));
        html_text(out, pts[i].label);
        fprintf(out, ": %.1f%s [%.1f, %.1f], n=%llu</title></circle>", pts[i].value, unit, pts[i].lo, pts[i].hi,
                pts[i].count);
    }
    x_labels(out, pts, n, x0, dx, bottom + 18);
    fputs("</svg>\n", out);
}

void svg_hbars(FILE *out, const char *title, const svg_bar *bars, size_t n, double x_min, double x_max,
               const char *unit)
{
    double row = 22, label_w = 150, note_w = 150;
    double h = PAD_T + 8 + row * (double)n + 24;
    double left = PAD_L + label_w, right = W - PAD_R - note_w;
    double step = nice_step(x_max - x_min, 5);
    x_min = floor(x_min / step) * step;
    x_max = ceil(x_max / step) * step;
    if (x_max <= x_min)
        x_max = x_min + 1;
    open_chart(out, title, h);
    double bottom = PAD_T + row * (double)n + 4;
#define X(v) (left + ((v) - x_min) / (x_max - x_min) * (right - left))
    for (double v = x_min; v <= x_max + step / 2; v += step) {
        fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", X(v), PAD_T, X(v), bottom);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g%s</text>", X(v), bottom + 14,
                fabs(v) < 1e-9 ? 0.0 : v, unit);
    }
    double zero = X(x_min > 0 ? x_min : x_max < 0 ? x_max : 0);
    for (size_t i = 0; i < n; i++) {
        const svg_bar *b = &bars[i];
        double y = PAD_T + row * (double)i + 4, v = X(b->value);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 12);
        html_text(out, b->label);
        fprintf(out, "</text><rect class=\"bar%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
                (b->value < 0) != b->positive_is_bad ? " neg" : "", fmin(v, zero), y + 2, fabs(v - zero), row - 8);
        html_text(out, b->label);
        fprintf(out, ": %.1f%s</title></rect>", b->value, unit);
        if (!isnan(b->lo) && !isnan(b->hi))
            fprintf(out, "<line class=\"whisker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", X(b->lo),
                    y + row / 2 - 2, X(b->hi), y + row / 2 - 2);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">%.1f%s ", right + 8, y + 12, b->value, unit);
        html_text(out, b->note ? b->note : "");
        fputs("</text>", out);
    }
#undef X
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", zero, PAD_T, zero, bottom);
    fputs("</svg>\n", out);
}

void svg_columns(FILE *out, const char *title, const svg_point *pts, size_t n, const char *unit)
{
    double h = 220, top = PAD_T, bottom = h - PAD_B, lo = 0, hi = NAN;
    double step = fit_range(pts, n, &lo, &hi);
    open_chart(out, title, h);
    y_axis(out, lo, hi, step, top, bottom, unit);
    double slot = n ? (W - PAD_R - PAD_L) / (double)n : 0, x0 = PAD_L + slot / 2;
    for (size_t i = 0; i < n; i++) {
        double y = bottom - (pts[i].value - lo) / (hi - lo) * (bottom - top);
        fprintf(out, "<rect class=\"col\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
                PAD_L + slot * (double)i + slot * 0.15, y, slot * 0.7, bottom - y);
        html_text(out, pts[i].label);
        fprintf(out, ": %.0f%s</title></rect>", pts[i].value, unit);
    }
    x_labels(out, pts, n, x0, slot, bottom + 18);
    fputs("</svg>\n", out);
}
