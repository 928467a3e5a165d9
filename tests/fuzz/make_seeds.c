/* Writes seed inputs for fuzz_blob: real blobs of every kind and a group,
 * each prefixed with the mode byte (see fuzz_blob.c) and, for the repaired
 * modes, without their trailing checksum. usage: make_seeds DIR */
#include <stdio.h>
#include <stdlib.h>

#include "cx/cx.h"

static void write_seed(const char *dir, int id, unsigned char mode, const unsigned char *blob, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seed-%02d-%u", dir, id, mode);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        exit(1);
    fputc(mode, f);
    fwrite(blob, 1, (mode & 2) ? len - 4 : len, f);
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    unsigned char buf[65536];
    size_t len;
    int id = 0;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_CXI; kind++) {
        cx_metric *m = NULL;
        cx_metric_new(&m, (cx_metric_kind)kind, NULL);
        for (int i = 0; i < 50; i++) {
            if (kind == CX_METRIC_CXI)
                cx_metric_add_cxi(m, 1 + i % 5, 1 + i % 3, 5, 1);
            else if (kind == CX_METRIC_DURATION)
                cx_metric_add(m, i * 17.0);
            else
                cx_metric_add_weighted(m, kind == CX_METRIC_FCR ? i % 2 : 1 + i % 5, i % 4 ? 1.0 : 2.5);
        }
        cx_metric_serialize(m, buf, sizeof buf, &len);
        write_seed(argv[1], id, 0, buf, len);
        write_seed(argv[1], id++, 2, buf, len);
        cx_metric_free(m);
    }
    cx_metric *big = NULL;
    cx_metric_new(&big, CX_METRIC_DURATION, NULL);
    for (int i = 0; i < 5000; i++)
        cx_metric_add(big, (i * 7919) % 3000);
    cx_metric_serialize(big, buf, sizeof buf, &len);
    write_seed(argv[1], id++, 2, buf, len);
    cx_metric_free(big);
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.period = CX_PERIOD_ISO_WEEK;
    cx_group *g = NULL;
    cx_group_new(&g, CX_METRIC_NPS, NULL, &go);
    for (int i = 0; i < 40; i++)
        cx_group_add(g, i % 2 ? "web" : "app", (long long)i * 86400000LL, i % 11);
    cx_group_serialize(g, buf, sizeof buf, &len);
    write_seed(argv[1], id, 1, buf, len);
    write_seed(argv[1], id, 3, buf, len);
    cx_group_free(g);
    return 0;
}
