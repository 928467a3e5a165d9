/*
 * libFuzzer target for the blob readers (cx_metric_deserialize,
 * cx_group_deserialize). The first input byte picks the reader and whether
 * the checksum is repaired first: with a repaired checksum the fuzzer gets
 * past the CRC and exercises every content check. Any blob that is
 * accepted must compute a result and serialize back to the same bytes.
 *
 * Built and run by tests/suites/50-fuzz.sh with clang -fsanitize=fuzzer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cx/cx.h"

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

static void check_metric(const uint8_t *blob, size_t len)
{
    cx_metric *m = NULL;
    int rc = cx_metric_deserialize(&m, blob, len);
    if (rc != CX_OK) {
        if (m != NULL || (rc != CX_EFORMAT && rc != CX_EVERSION))
            abort();
        return;
    }
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    rc = cx_metric_get_result(m, &r);
    if (rc != CX_OK && rc != CX_EEMPTY)
        abort();
    size_t n = 0;
    cx_metric_serialize(m, NULL, 0, &n);
    uint8_t *again = malloc(n);
    if (again == NULL || cx_metric_serialize(m, again, n, &n) != CX_OK || n != len || memcmp(again, blob, n) != 0)
        abort();
    free(again);
    cx_metric_free(m);
}

static void check_group(const uint8_t *blob, size_t len)
{
    cx_group *g = NULL;
    int rc = cx_group_deserialize(&g, blob, len);
    if (rc != CX_OK) {
        if (g != NULL || (rc != CX_EFORMAT && rc != CX_EVERSION))
            abort();
        return;
    }
    size_t count = 0;
    cx_group_count(&count, g);
    for (size_t i = 0; i < count; i++) {
        cx_group_entry e = CX_GROUP_ENTRY_INIT;
        if (cx_group_get(&e, g, i) != CX_OK)
            abort();
    }
    cx_group_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    uint8_t *blob = malloc(size + 4);
    if (blob == NULL)
        return 0;
    size_t len = size - 1;
    memcpy(blob, data + 1, len);
    if (mode & 2) { /* repair: append the right checksum */
        uint32_t crc = crc32_ieee(blob, len);
        for (int i = 0; i < 4; i++)
            blob[len + (size_t)i] = (uint8_t)(crc >> (8 * i));
        len += 4;
    }
    if (mode & 1)
        check_group(blob, len);
    else
        check_metric(blob, len);
    free(blob);
    return 0;
}
