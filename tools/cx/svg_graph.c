/* The directly-follows graph as inline SVG (see svg_graph.h). Nodes sit in
 * their stage's column, busiest first; an edge to a later column runs
 * left to right, one within a column straight up or down, and an edge back
 * to an earlier column loops below the nodes, dashed. */
#include "svg_graph.h"

#include <math.h>
#include <stdlib.h>

#include "report.h"

#define GW 760.0
#define BOX_H 34.0
#define ROW 62.0
#define TOP 58.0

typedef struct place {
    double x, y;    /* centre */
} place;

static const char *const edge_colour[2] = { "#4e79a7", "#e15759" };

/* Rows within each column, in the order the nodes are given. */
static size_t place_nodes(place *at, const svg_node *nodes, size_t n, size_t n_columns, double col_w)
{
    size_t *rows = calloc(n_columns ? n_columns : 1, sizeof *rows), most = 0;
    for (size_t i = 0; rows != NULL && i < n; i++) {
        size_t c = nodes[i].column < n_columns ? nodes[i].column : n_columns - 1;
        at[i] = (place){ 20 + col_w * ((double)c + 0.5), TOP + BOX_H / 2 + ROW * (double)rows[c]++ };
        if (rows[c] > most)
            most = rows[c];
    }
    free(rows);
    return most;
}

/* An arrowhead at (x, y) pointing along (dx, dy). */
static void arrowhead(FILE *out, double x, double y, double dx, double dy, const char *colour)
{
    double len = hypot(dx, dy), ux = len > 0 ? dx / len : 1, uy = len > 0 ? dy / len : 0, size = 9;
    fprintf(out, "<polygon fill=\"%s\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>", colour, x, y,
            x - size * ux - size / 2 * uy, y - size * uy + size / 2 * ux, x - size * ux + size / 2 * uy,
            y - size * uy - size / 2 * ux);
}

static void draw_edge(FILE *out, const svg_edge *e, const place *a, const place *b, double box_w, double bottom,
                      double max_weight)
{
    double width = 1 + 6 * sqrt(e->weight / max_weight), ex, ey, dx = 0, dy;
    bool back = b->x < a->x - 1;
    fprintf(out, "<g><path fill=\"none\" stroke=\"%s\" stroke-opacity=\"%s\" stroke-width=\"%.1f\"%s d=\"",
            edge_colour[e->hot], e->hot ? "0.9" : back ? "0.3" : "0.5", width,
            back && !e->hot ? " stroke-dasharray=\"6 4\"" : "");
    if (b->x > a->x + 1) {
        double x1 = a->x + box_w / 2, x2 = b->x - box_w / 2 - 8, mid = (x1 + x2) / 2;
        fprintf(out, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", x1, a->y, mid, a->y, mid, b->y, x2, b->y);
        ex = x2 + 8, ey = b->y, dx = 1, dy = 0;
    } else if (!back) { /* same column */
        double sign = b->y > a->y ? 1 : -1, y1 = a->y + sign * BOX_H / 2, y2 = b->y - sign * (BOX_H / 2 + 8);
        double x = a->x + (sign > 0 ? -box_w / 4 : box_w / 4);
        fprintf(out, "M%.1f,%.1f L%.1f,%.1f", x, y1, x, y2);
        ex = x, ey = y2 + sign * 8, dy = sign;
    } else {
        double y1 = a->y + BOX_H / 2, y2 = b->y + BOX_H / 2 + 8, dip = bottom + 10 + fabs(a->x - b->x) / 14;
        fprintf(out, "M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f", a->x - 8, y1, a->x - 8, dip, b->x + 8, dip, b->x + 8,
                y2);
        ex = b->x + 8, ey = y2 - 8, dy = -1;
    }
    fputs("\"/>", out);
    arrowhead(out, ex, ey, dx, dy, edge_colour[e->hot]);
    fputs("<title>", out);
    html_text(out, e->note);
    fputs("</title></g>", out);
}

static void draw_node(FILE *out, const svg_node *n, const place *p, double box_w)
{
    fprintf(out, "<g><title>");
    html_text(out, n->label);
    fprintf(out, ": %llu events</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"6\" "
                 "fill=\"%s\" stroke=\"%s\"/>",
            n->events, p->x - box_w / 2, p->y - BOX_H / 2, box_w, BOX_H, n->goal ? "#e6f2e4" : "#eef2f7",
            n->goal ? "#59a14f" : "#4e79a7");
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", p->x, p->y - 2);
    html_text(out, n->label);
    char count[32];
    cli_format_count(n->events, count, sizeof count);
    fprintf(out, "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" style=\"font-size:9px;fill:#666\">"
                 "%s</text></g>",
            p->x, p->y + 11, count);
}

void svg_graph(FILE *out, const char *title, const char *const *columns, size_t n_columns, const svg_node *nodes,
               size_t n_nodes, const svg_edge *edges, size_t n_edges)
{
    place *at = calloc(n_nodes ? n_nodes : 1, sizeof *at);
    if (at == NULL || n_columns == 0) {
        free(at);
        return;
    }
    double col_w = (GW - 40) / (double)n_columns, box_w = fmin(col_w - 22, 150);
    size_t rows = place_nodes(at, nodes, n_nodes, n_columns, col_w);
    double bottom = TOP + ROW * (double)rows, h = bottom + 90, max_weight = 1;
    for (size_t i = 0; i < n_edges; i++)
        max_weight = fmax(max_weight, edges[i].weight);
    fprintf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                 "aria-label=\"",
            GW, h);
    html_text(out, title);
    fputs("\"><title>", out);
    html_text(out, title);
    fprintf(out, "</title><text class=\"title\" x=\"20\" y=\"16\">");
    html_text(out, title);
    fputs("</text>", out);
    for (size_t c = 0; c < n_columns; c++) {
        fprintf(out, "<text x=\"%.1f\" y=\"40\" text-anchor=\"middle\" style=\"fill:#555\">",
                20 + col_w * ((double)c + 0.5));
        html_text(out, columns[c]);
        fputs("</text>", out);
    }
    for (int pass = 0; pass < 2; pass++) /* the highlighted edge last, on top */
        for (size_t i = 0; i < n_edges; i++)
            if (edges[i].hot == (pass == 1) && edges[i].from < n_nodes && edges[i].to < n_nodes)
                draw_edge(out, &edges[i], &at[edges[i].from], &at[edges[i].to], box_w, bottom, max_weight);
    for (size_t i = 0; i < n_nodes; i++)
        draw_node(out, &nodes[i], &at[i], box_w);
    for (size_t i = 0; i < n_edges; i++) {
        if (!edges[i].hot)
            continue;
        fprintf(out, "<text x=\"20\" y=\"%.1f\" style=\"font-size:12px;font-weight:bold;fill:#b0303a\">", h - 8);
        html_text(out, edges[i].note);
        fputs("</text>", out);
    }
    fputs("</svg>\n", out);
    free(at);
}
