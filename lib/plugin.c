/*
 * Plugins: shared objects loaded with dlopen whose one entry point returns
 * a versioned table of rules. The table and every rule are checked before
 * the plugin is handed out, so a broken plugin is refused with a message
 * instead of crashing later.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "risk_internal.h"

#define PLUGIN_NAME_MAX 64

struct cx_plugin {
    void *handle;
    char *path;
    const cx_plugin_table *table;
};

static int plugin_error(int code, const char *path, const char *fmt, const char *detail)
{
    char what[256];
    snprintf(what, sizeof what, fmt, detail);
    return cx__error(code, "plugin \"%.200s\": %s", path, what);
}

static int check_rules(const cx_plugin_table *t, const char *path)
{
    if (t->rule_count == 0 || t->rule_count > CX_PLUGIN_RULES_MAX || t->rules == NULL)
        return cx__error(CX_EPLUGIN, "plugin \"%.200s\": rule_count %zu must be 1..%d with a rules array", path,
                         t->rule_count, CX_PLUGIN_RULES_MAX);
    for (size_t i = 0; i < t->rule_count; i++) {
        char where[288];
        snprintf(where, sizeof where, "plugin \"%.200s\": rules[%zu]: ", path, i);
        const cx_rule *r = t->rules[i];
        if (r == NULL)
            return cx__error(CX_EPLUGIN, "%srule is NULL", where);
        int rc = cx__rule_check(r, where);
        if (rc != CX_OK) {
            char message[512];
            snprintf(message, sizeof message, "%s", cx_last_error());
            return cx__error(rc == CX_EVERSION ? CX_EVERSION : CX_EPLUGIN, "%s", message);
        }
        if (r->destroy != NULL)
            return cx__error(CX_EPLUGIN, "%srule \"%s\" has a destroy function; plugin rules must own nothing", where,
                             r->id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->rules[j]->id, r->id) == 0)
                return cx__error(CX_EPLUGIN, "%srule id \"%s\" appears twice", where, r->id);
    }
    return CX_OK;
}

static int check_table(const cx_plugin_table *t, const char *path)
{
    if (t == NULL)
        return plugin_error(CX_EPLUGIN, path, "%s", "the entry point returned no table (it refused this libcx)");
    if (t->abi_version != CX_PLUGIN_ABI_VERSION)
        return cx__error(CX_EVERSION, "plugin \"%.200s\" was built for plugin ABI %u; this libcx speaks ABI %d; "
                         "rebuild it against this libcx's cx/plugin.h", path, t->abi_version, CX_PLUGIN_ABI_VERSION);
    if (t->name == NULL || !cx__rule_name_ok(t->name, PLUGIN_NAME_MAX))
        return plugin_error(CX_EPLUGIN, path, "%s", "its name must be 1..64 bytes of letters, digits and _ . : -");
    return check_rules(t, path);
}

/* dlsym returns an object pointer; copying its bytes is the portable way
 * to a function pointer under ISO C. */
static cx_plugin_entry_fn entry_of(void *handle)
{
    void *sym = dlsym(handle, CX_PLUGIN_ENTRY_SYMBOL);
    cx_plugin_entry_fn fn = NULL;
    if (sym != NULL)
        memcpy(&fn, &sym, sizeof fn);
    return fn;
}

static int open_plugin(const char *path, void **handle_out, const cx_plugin_table **table_out)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        return plugin_error(CX_EPLUGIN, path, "cannot be loaded: %s", why ? why : "unknown dlopen error");
    }
    cx_plugin_entry_fn entry = entry_of(handle);
    if (entry == NULL) {
        dlclose(handle);
        return plugin_error(CX_EPLUGIN, path, "has no entry point %s; define it with CX_PLUGIN_ENTRY",
                            CX_PLUGIN_ENTRY_SYMBOL);
    }
    const cx_plugin_table *table = entry(CX_PLUGIN_ABI_VERSION);
    int rc = check_table(table, path);
    if (rc != CX_OK) {
        dlclose(handle);
        return rc;
    }
    *handle_out = handle;
    *table_out = table;
    return CX_OK;
}

int cx_plugin_load(cx_plugin **out, const char *path)
{
    CX__CHECK_ARG(out, "cx_plugin_load");
    *out = NULL;
    CX__CHECK_ARG(path, "cx_plugin_load");
    if (path[0] == '\0')
        return cx__error(CX_EINVAL, "cx_plugin_load: path is empty");
    cx_plugin *p = cx__calloc(1, sizeof *p);
    if (p == NULL || (p->path = cx__strdup(path)) == NULL) {
        cx__free(p);
        return cx__nomem("loading a plugin");
    }
    int rc = open_plugin(path, &p->handle, &p->table);
    if (rc != CX_OK) {
        cx__free(p->path);
        cx__free(p);
        return rc;
    }
    *out = p;
    return CX_OK;
}

void cx_plugin_free(cx_plugin *plugin)
{
    if (plugin == NULL)
        return;
    dlclose(plugin->handle);
    cx__free(plugin->path);
    cx__free(plugin);
}

int cx_plugin_info_init(cx_plugin_info *info, unsigned int version)
{
    CX__CHECK_ARG(info, "cx_plugin_info_init");
    int rc = cx__check_version(version, CX_PLUGIN_INFO_VERSION, "cx_plugin_info");
    if (rc != CX_OK)
        return rc;
    memset(info, 0, sizeof *info);
    info->version = version;
    return CX_OK;
}

int cx_plugin_get_info(cx_plugin_info *out, const cx_plugin *plugin)
{
    CX__CHECK_ARG(out, "cx_plugin_get_info");
    CX__CHECK_ARG(plugin, "cx_plugin_get_info");
    int rc = cx__check_version(out->version, CX_PLUGIN_INFO_VERSION, "cx_plugin_info");
    if (rc != CX_OK)
        return rc;
    const cx_plugin_table *t = plugin->table;
    out->name = t->name;
    out->plugin_version = t->version ? t->version : "";
    out->description = t->description ? t->description : "";
    out->path = plugin->path;
    out->abi_version = t->abi_version;
    out->rules = t->rule_count;
    return CX_OK;
}

int cx_plugin_get_rule(cx_rule_info *out, const cx_plugin *plugin, size_t index)
{
    CX__CHECK_ARG(out, "cx_plugin_get_rule");
    CX__CHECK_ARG(plugin, "cx_plugin_get_rule");
    int rc = cx__check_version(out->version, CX_RULE_INFO_VERSION, "cx_rule_info");
    if (rc != CX_OK)
        return rc;
    const cx_plugin_table *t = plugin->table;
    if (index >= t->rule_count)
        return cx__error(CX_ENOTFOUND, "cx_plugin_get_rule: rule %zu is past the end (%zu rules)", index,
                         t->rule_count);
    const cx_rule *r = t->rules[index];
    out->id = r->id;
    out->description = r->description ? r->description : "";
    out->weight = r->weight;
    out->decays = r->decays;
    out->origin = CX_RULE_PLUGIN;
    out->plugin = t->name;
    return CX_OK;
}

int cx_risk_add_plugin(cx_risk *risk, const cx_plugin *plugin)
{
    CX__CHECK_ARG(risk, "cx_risk_add_plugin");
    CX__CHECK_ARG(plugin, "cx_risk_add_plugin");
    const cx_plugin_table *t = plugin->table;
    void *refs = risk->plugins;
    if (cx__grow(&refs, &risk->plugin_cap, risk->plugin_count + 1, sizeof *risk->plugins, 2) != CX_OK)
        return cx__nomem("adding a plugin");
    risk->plugins = refs;
    char *name = cx__strdup(t->name);
    if (name == NULL)
        return cx__nomem("adding a plugin");
    /* A second dlopen of the same object only raises its reference count;
     * the model holds that reference until it is freed. */
    void *handle = dlopen(plugin->path, RTLD_NOW | RTLD_LOCAL);
    int rc = CX_OK;
    if (handle != plugin->handle)
        rc = plugin_error(CX_EPLUGIN, plugin->path, "%s", "could not be kept loaded (the path now names another file)");
    if (rc == CX_OK)
        rc = cx__risk_append(risk, t->rules, t->rule_count, CX_RULE_PLUGIN, name);
    if (rc != CX_OK) {
        if (handle != NULL)
            dlclose(handle);
        cx__free(name);
        return rc;
    }
    risk->plugins[risk->plugin_count++] = (cx__plugin_ref){ handle, name };
    return CX_OK;
}
