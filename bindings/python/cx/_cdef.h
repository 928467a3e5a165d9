/* Declarations of libcx's public API for cffi (ABI mode). This file mirrors
 * include/cx/*.h without macros; tests/test_cdef.py checks that every
 * exported symbol is declared here and that struct layouts match the C
 * compiler's. Keep it in the headers' order. */

/* common.h */
typedef enum cx_status {
    CX_OK = 0, CX_EINVAL = -1, CX_ENOMEM = -2, CX_ERANGE = -3, CX_ENOTFOUND = -4, CX_EEXISTS = -5,
    CX_EIO = -6, CX_EFORMAT = -7, CX_EVERSION = -8, CX_EEMPTY = -9, CX_ESTATE = -10, CX_EPLUGIN = -11
} cx_status;
const char *cx_strerror(int code);
const char *cx_last_error(void);
int cx_last_error_code(void);
unsigned cx_version(void);
const char *cx_version_string(void);
typedef struct cx_allocator {
    unsigned int version;
    void *(*malloc_fn)(size_t size, void *payload);
    void *(*realloc_fn)(void *ptr, size_t size, void *payload);
    void (*free_fn)(void *ptr, void *payload);
    void *payload;
} cx_allocator;
int cx_allocator_init(cx_allocator *a, unsigned int version);
int cx_set_allocator(const cx_allocator *a);
typedef struct cx_buffer {
    unsigned int version;
    char *data;
    size_t size;
    size_t capacity;
} cx_buffer;
void cx_buffer_dispose(cx_buffer *buf);

/* metric.h */
typedef struct cx_metric cx_metric;
typedef enum cx_metric_kind {
    CX_METRIC_NPS = 1, CX_METRIC_CSAT = 2, CX_METRIC_CES = 3, CX_METRIC_FCR = 4, CX_METRIC_DURATION = 5,
    CX_METRIC_CXI = 6
} cx_metric_kind;
typedef enum cx_metric_variant {
    CX_VARIANT_DEFAULT = 0, CX_CSAT_TOP_BOX = 1, CX_CSAT_MEAN = 2, CX_CES_MEAN = 3, CX_CES_AGREE = 4,
    CX_CES_NET = 5, CX_CES_V1 = 6
} cx_metric_variant;
typedef enum cx_ci_method {
    CX_CI_DEFAULT = 0, CX_CI_WALD = 1, CX_CI_ADJUSTED_WALD = 2, CX_CI_WILSON = 3, CX_CI_STUDENT_T = 4,
    CX_CI_ORDER_STATISTIC = 5
} cx_ci_method;
typedef enum cx_test_method {
    CX_TEST_NET_Z = 1, CX_TEST_TWO_PROPORTION_Z = 2, CX_TEST_WELCH_T = 3, CX_TEST_MEDIAN_Z = 4
} cx_test_method;
typedef struct cx_metric_options {
    unsigned int version;
    double confidence;
    double scale_min;
    double scale_max;
    double threshold;
    double low_threshold;
    cx_ci_method ci_method;
    cx_metric_variant variant;
    double item_weights[3];
    uint32_t sketch_k;
} cx_metric_options;
int cx_metric_options_init(cx_metric_options *opts, unsigned int version);
typedef struct cx_metric_result {
    unsigned int version;
    cx_metric_kind kind;
    double value;
    double std_error;
    double ci_low;
    double ci_high;
    double confidence;
    uint64_t count;
    double weight;
    double effective_n;
    double promoters;
    double passives;
    double detractors;
    double mean;
    double min;
    double max;
} cx_metric_result;
int cx_metric_result_init(cx_metric_result *res, unsigned int version);
typedef struct cx_comparison {
    unsigned int version;
    double difference;
    double std_error;
    double ci_low;
    double ci_high;
    double z;
    double p_value;
    double df;
    double confidence;
    cx_test_method method;
} cx_comparison;
int cx_comparison_init(cx_comparison *cmp, unsigned int version);
int cx_metric_new(cx_metric **out, cx_metric_kind kind, const cx_metric_options *opts);
void cx_metric_free(cx_metric *m);
int cx_metric_clone(cx_metric **out, const cx_metric *m);
int cx_metric_get_kind(cx_metric_kind *out, const cx_metric *m);
int cx_metric_get_options(cx_metric_options *out, const cx_metric *m);
int cx_metric_add(cx_metric *m, double value);
int cx_metric_add_weighted(cx_metric *m, double value, double weight);
int cx_metric_add_many(cx_metric *m, const double *values, size_t n);
int cx_metric_add_many_weighted(cx_metric *m, const double *values, const double *weights, size_t n);
int cx_metric_add_cxi(cx_metric *m, double effectiveness, double ease, double emotion, double weight);
int cx_metric_add_cxi_many(cx_metric *m, const double *triples, size_t n);
int cx_metric_merge(cx_metric *into, const cx_metric *from);
int cx_metric_get_result(const cx_metric *m, cx_metric_result *out);
int cx_metric_quantile(const cx_metric *m, double q, double *out);
int cx_metric_distribution(double *weights_out, const cx_metric *m, size_t cap, size_t *len);
int cx_metric_compare(const cx_metric *a, const cx_metric *b, cx_comparison *out);
int cx_metric_serialize(const cx_metric *m, void *buf, size_t cap, size_t *len);
int cx_metric_deserialize(cx_metric **out, const void *buf, size_t len);
const char *cx_metric_kind_name(cx_metric_kind kind);
int cx_metric_kind_from_name(cx_metric_kind *out, const char *name);

/* group.h */
typedef struct cx_group cx_group;
typedef enum cx_period {
    CX_PERIOD_NONE = 0, CX_PERIOD_DAY = 1, CX_PERIOD_ISO_WEEK = 2, CX_PERIOD_MONTH = 3
} cx_period;
typedef struct cx_group_options {
    unsigned int version;
    cx_period period;
    int32_t utc_offset_minutes;
    uint64_t min_count;
} cx_group_options;
int cx_group_options_init(cx_group_options *opts, unsigned int version);
typedef struct cx_group_entry {
    unsigned int version;
    const char *segment;
    int64_t period_start_ms;
    char period_label[16];
    uint64_t count;
    int suppressed;
    const cx_metric *metric;
} cx_group_entry;
int cx_group_new(cx_group **out, cx_metric_kind kind, const cx_metric_options *metric_opts,
                 const cx_group_options *opts);
void cx_group_free(cx_group *g);
int cx_group_add(cx_group *g, const char *segment, int64_t timestamp_ms, double value);
int cx_group_add_weighted(cx_group *g, const char *segment, int64_t timestamp_ms, double value, double weight);
int cx_group_add_many(cx_group *g, const char *const *segments, const int64_t *timestamps_ms,
                      const double *values, size_t n);
int cx_group_add_cxi(cx_group *g, const char *segment, int64_t timestamp_ms, double effectiveness, double ease,
                     double emotion, double weight);
int cx_group_merge(cx_group *into, const cx_group *from);
int cx_group_count(size_t *out, const cx_group *g);
int cx_group_get(cx_group_entry *out, cx_group *g, size_t index);
int cx_group_get_result(cx_metric_result *out, cx_group *g, size_t index);
int cx_group_find(size_t *out, cx_group *g, const char *segment, int64_t timestamp_ms);
int cx_group_total(cx_metric **out, const cx_group *g);
int cx_group_serialize(const cx_group *g, void *buf, size_t cap, size_t *len);
int cx_group_deserialize(cx_group **out, const void *buf, size_t len);
int cx_period_start(int64_t *out, cx_period period, int32_t utc_offset_minutes, int64_t timestamp_ms);
