/* An inline SVG drawing of a directly-follows graph for the HTML report:
 * nodes in columns (journey stages), edges as curves whose width grows
 * with their count, one edge highlighted. No scripts, no styles needed. */
#ifndef CX_SVG_GRAPH_H
#define CX_SVG_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct svg_node {
    const char *label;
    size_t column;              /* 0 .. n_columns - 1 */
    unsigned long long events;
    bool goal;                  /* drawn in the goal colour */
} svg_node;

typedef struct svg_edge {
    size_t from, to;            /* node indices */
    double weight;              /* the count; widths are relative to the largest */
    const char *note;           /* hover text */
    bool hot;                   /* the highlighted edge (labelled with its note) */
} svg_edge;

void svg_graph(FILE *out, const char *title, const char *const *columns, size_t n_columns, const svg_node *nodes,
               size_t n_nodes, const svg_edge *edges, size_t n_edges);

#endif
