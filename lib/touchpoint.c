/*
 * Touchpoint registry. Ids are interned in a hash map for lookups; every
 * string is also kept in its own allocation so that pointers handed out by
 * cx_touchpoint_get() stay valid while the registry grows.
 */
#include <string.h>

#include "core_internal.h"
#include "cx/touchpoint.h"
#include "hashmap_internal.h"
#include "touchpoint_internal.h"

typedef struct touchpoint {
    char *id;
    char *name;          /* never NULL: the id when none was given */
    cx_channel channel;
    char *channel_name;  /* built-in name or the custom name */
    char *stage;         /* "" for none */
} touchpoint;

struct cx_touchpoint_registry {
    cx__hashmap ids;
    touchpoint *items;
    size_t cap;
};

static const char *const channel_names[] = {
    NULL, "web", "app", "email", "phone", "chat", "social", "store", "other", "custom",
};

const char *cx_channel_name(cx_channel channel)
{
    if (channel < CX_CHANNEL_WEB || channel > CX_CHANNEL_CUSTOM)
        return NULL;
    return channel_names[channel];
}

int cx_channel_from_name(cx_channel *out, const char *name)
{
    CX__CHECK_ARG(out, "cx_channel_from_name");
    CX__CHECK_ARG(name, "cx_channel_from_name");
    for (int c = CX_CHANNEL_WEB; c <= CX_CHANNEL_OTHER; c++) {
        if (strcmp(name, channel_names[c]) == 0) {
            *out = (cx_channel)c;
            return CX_OK;
        }
    }
    return cx__error(CX_ENOTFOUND, "channel \"%.64s\" is not a built-in channel (web, app, email, phone, chat, "
                     "social, store, other)", name);
}

int cx_touchpoint_info_init(cx_touchpoint_info *info, unsigned int version)
{
    CX__CHECK_ARG(info, "cx_touchpoint_info_init");
    int rc = cx__check_version(version, CX_TOUCHPOINT_INFO_VERSION, "cx_touchpoint_info");
    if (rc != CX_OK)
        return rc;
    cx_touchpoint_info defaults = CX_TOUCHPOINT_INFO_INIT;
    *info = defaults;
    info->version = version;
    return CX_OK;
}

int cx_touchpoint_registry_new(cx_touchpoint_registry **out)
{
    CX__CHECK_ARG(out, "cx_touchpoint_registry_new");
    *out = cx__calloc(1, sizeof **out);
    if (*out == NULL)
        return cx__nomem("creating a touchpoint registry");
    cx__hashmap_init(&(*out)->ids);
    return CX_OK;
}

static void touchpoint_free(touchpoint *t)
{
    cx__free(t->id);
    cx__free(t->name);
    cx__free(t->channel_name);
    cx__free(t->stage);
}

void cx__touchpoint_truncate(cx_touchpoint_registry *reg, size_t count)
{
    while (reg->ids.count > count) {
        touchpoint_free(&reg->items[reg->ids.count - 1]);
        cx__hashmap_pop(&reg->ids);
    }
}

void cx_touchpoint_registry_free(cx_touchpoint_registry *reg)
{
    if (reg == NULL)
        return;
    for (size_t i = 0; i < reg->ids.count; i++)
        touchpoint_free(&reg->items[i]);
    cx__free(reg->items);
    cx__hashmap_destroy(&reg->ids);
    cx__free(reg);
}

/* Copies the strings of `src` into `dst`; on failure `dst` holds nothing. */
static int touchpoint_copy(touchpoint *dst, const touchpoint *src)
{
    dst->id = cx__strdup(src->id);
    dst->name = cx__strdup(src->name);
    dst->channel = src->channel;
    dst->channel_name = cx__strdup(src->channel_name);
    dst->stage = cx__strdup(src->stage);
    if (dst->id && dst->name && dst->channel_name && dst->stage)
        return CX_OK;
    touchpoint_free(dst);
    return CX_ENOMEM;
}

int cx_touchpoint_registry_clone(cx_touchpoint_registry **out, const cx_touchpoint_registry *reg)
{
    CX__CHECK_ARG(out, "cx_touchpoint_registry_clone");
    *out = NULL;
    CX__CHECK_ARG(reg, "cx_touchpoint_registry_clone");
    cx_touchpoint_registry *copy = cx__calloc(1, sizeof *copy);
    if (copy == NULL)
        return cx__nomem("copying a touchpoint registry");
    size_t n = reg->ids.count;
    if (cx__hashmap_copy(&copy->ids, &reg->ids) != CX_OK
        || (n > 0 && (copy->items = cx__calloc(n, sizeof *copy->items)) == NULL)) {
        cx__hashmap_destroy(&copy->ids);
        cx__free(copy);
        return cx__nomem("copying a touchpoint registry");
    }
    copy->cap = n;
    for (size_t i = 0; i < n; i++) {
        if (touchpoint_copy(&copy->items[i], &reg->items[i]) != CX_OK) {
            copy->ids.count = i; /* free only what was copied */
            cx_touchpoint_registry_free(copy);
            return cx__nomem("copying a touchpoint registry");
        }
    }
    *out = copy;
    return CX_OK;
}

/* Checks one string field: length limits, UTF-8; `required` forbids "". */
static int check_text(const char *s, size_t max, bool required, const char *what, const char *id)
{
    size_t n = strnlen(s, max + 1);
    if (required && n == 0)
        return cx__error(CX_EINVAL, "touchpoint \"%.64s\": %s is empty", id, what);
    if (n > max)
        return cx__error(CX_EINVAL, "touchpoint \"%.64s\": %s \"%.32s...\" is longer than %zu bytes", id, what, s, max);
    size_t bad;
    if (!cx__utf8_valid(s, n, &bad))
        return cx__error(CX_EINVAL, "touchpoint \"%.64s\": %s is not valid UTF-8 (byte %zu)", id, what, bad);
    return CX_OK;
}

static int check_id(const char *id)
{
    size_t n = strnlen(id, CX_TOUCHPOINT_ID_MAX + 1);
    if (n == 0)
        return cx__error(CX_EINVAL, "touchpoint id is empty");
    if (n > CX_TOUCHPOINT_ID_MAX)
        return cx__error(CX_EINVAL, "touchpoint id \"%.32s...\" is longer than %d bytes", id, CX_TOUCHPOINT_ID_MAX);
    size_t bad;
    if (!cx__utf8_valid(id, n, &bad))
        return cx__error(CX_EINVAL, "touchpoint id is not valid UTF-8 (byte %zu)", bad);
    return CX_OK;
}

static int check_info(const cx_touchpoint_registry *reg, const cx_touchpoint_info *info)
{
    int rc = cx__check_version(info->version, CX_TOUCHPOINT_INFO_VERSION, "cx_touchpoint_info");
    if (rc != CX_OK)
        return rc;
    if (info->id == NULL)
        return cx__error(CX_EINVAL, "cx_touchpoint_add: info->id is NULL");
    if ((rc = check_id(info->id)) != CX_OK)
        return rc;
    if (cx__hashmap_find(&reg->ids, info->id, strlen(info->id)) >= 0)
        return cx__error(CX_EEXISTS, "touchpoint \"%.64s\" is already registered", info->id);
    if (info->name && (rc = check_text(info->name, CX_TOUCHPOINT_NAME_MAX, false, "name", info->id)) != CX_OK)
        return rc;
    if (info->stage && (rc = check_text(info->stage, CX_STAGE_NAME_MAX, false, "stage", info->id)) != CX_OK)
        return rc;
    if (info->channel < CX_CHANNEL_WEB || info->channel > CX_CHANNEL_CUSTOM)
        return cx__error(CX_EINVAL, "touchpoint \"%.64s\": channel %d is not a cx_channel (1..9)", info->id,
                         (int)info->channel);
    if (info->channel != CX_CHANNEL_CUSTOM)
        return CX_OK;
    if (info->channel_name == NULL)
        return cx__error(CX_EINVAL, "touchpoint \"%.64s\": channel CX_CHANNEL_CUSTOM needs a channel_name", info->id);
    if ((rc = check_text(info->channel_name, CX_CHANNEL_NAME_MAX, true, "channel_name", info->id)) != CX_OK)
        return rc;
    cx_channel builtin;
    if (cx_channel_from_name(&builtin, info->channel_name) == CX_OK || strcmp(info->channel_name, "custom") == 0)
        return cx__error(CX_EINVAL, "touchpoint \"%.64s\": custom channel_name \"%s\" is a built-in name; "
                         "use its cx_channel value", info->id, info->channel_name);
    return CX_OK;
}

int cx_touchpoint_add(uint32_t *out, cx_touchpoint_registry *reg, const cx_touchpoint_info *info)
{
    CX__CHECK_ARG(reg, "cx_touchpoint_add");
    CX__CHECK_ARG(info, "cx_touchpoint_add");
    int rc = check_info(reg, info);
    if (rc != CX_OK)
        return rc;
    void *items = reg->items;
    if (cx__grow(&items, &reg->cap, reg->ids.count + 1, sizeof(touchpoint), 16) != CX_OK)
        return cx__nomem("registering a touchpoint");
    reg->items = items;
    const char *name = info->name && info->name[0] ? info->name : info->id;
    const char *channel_name =
        info->channel == CX_CHANNEL_CUSTOM ? info->channel_name : channel_names[info->channel];
    touchpoint src = { (char *)info->id, (char *)name, info->channel, (char *)channel_name,
                       (char *)(info->stage ? info->stage : "") };
    touchpoint t;
    if (touchpoint_copy(&t, &src) != CX_OK)
        return cx__nomem("registering a touchpoint");
    uint32_t index;
    if (cx__hashmap_intern(&reg->ids, info->id, strlen(info->id), &index, NULL) != CX_OK) {
        touchpoint_free(&t);
        return cx__nomem("registering a touchpoint");
    }
    reg->items[index] = t;
    if (out != NULL)
        *out = index;
    return CX_OK;
}

int cx_touchpoint_find(uint32_t *out, const cx_touchpoint_registry *reg, const char *id)
{
    CX__CHECK_ARG(out, "cx_touchpoint_find");
    CX__CHECK_ARG(reg, "cx_touchpoint_find");
    CX__CHECK_ARG(id, "cx_touchpoint_find");
    int64_t index = cx__hashmap_find(&reg->ids, id, strlen(id));
    if (index < 0)
        return cx__error(CX_ENOTFOUND, "touchpoint \"%.64s\" is not registered", id);
    *out = (uint32_t)index;
    return CX_OK;
}

int cx_touchpoint_count(size_t *out, const cx_touchpoint_registry *reg)
{
    CX__CHECK_ARG(out, "cx_touchpoint_count");
    CX__CHECK_ARG(reg, "cx_touchpoint_count");
    *out = reg->ids.count;
    return CX_OK;
}

int cx_touchpoint_get(cx_touchpoint_info *out, const cx_touchpoint_registry *reg, size_t index)
{
    CX__CHECK_ARG(out, "cx_touchpoint_get");
    CX__CHECK_ARG(reg, "cx_touchpoint_get");
    int rc = cx__check_version(out->version, CX_TOUCHPOINT_INFO_VERSION, "cx_touchpoint_info");
    if (rc != CX_OK)
        return rc;
    if (index >= reg->ids.count)
        return cx__error(CX_ENOTFOUND, "cx_touchpoint_get: index %zu is past the last of %zu touchpoints", index,
                         reg->ids.count);
    const touchpoint *t = &reg->items[index];
    out->id = t->id;
    out->name = t->name;
    out->channel = t->channel;
    out->channel_name = t->channel_name;
    out->stage = t->stage;
    return CX_OK;
}
