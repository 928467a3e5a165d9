/**
 * @file plugin.h
 * @brief Risk rules loaded from shared objects: the plugin ABI and loader.
 *
 * @defgroup plugin Plugins
 * @{
 *
 * A plugin is a shared object exporting one function, named
 * #CX_PLUGIN_ENTRY_SYMBOL, that returns a ::cx_plugin_table: the ABI
 * version it was built for, its name and version, and its rules as
 * ::cx_rule definitions (the same interface as C callbacks). The loader
 * checks the table before anything runs: a file that is missing or not a
 * shared object, a missing entry point, an empty or malformed table or rule
 * is #CX_EPLUGIN; an ABI version this library does not speak is
 * #CX_EVERSION. Each message names the file and what was wrong.
 *
 * A minimal plugin (the full example is examples/plugins/, the guide
 * docs/plugins.md):
 * @code
 * #include <cx/plugin.h>
 *
 * static int vip_silent(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
 * {
 *     (void)payload;
 *     out->input = ctx->signals->recency_days;
 *     out->value = out->input > 60 ? 1.0 : out->input / 60;
 *     return CX_OK;
 * }
 *
 * static const cx_rule rule = { CX_RULE_VERSION, "acme.silent", "no contact for 60 days",
 *                               0.2, 0, vip_silent, NULL, NULL };
 * static const cx_rule *const rules[] = { &rule };
 * static const cx_plugin_table table = { CX_PLUGIN_ABI_VERSION, "acme", "1.0.0",
 *                                        "ACME rules", 1, rules };
 *
 * CX_PLUGIN_ENTRY(host_abi)
 * {
 *     (void)host_abi;
 *     return &table;
 * }
 * @endcode
 *
 * Thread safety: a loaded plugin is immutable and may be shared between
 * threads; loading and freeing are not synchronised with its use.
 */
#ifndef CX_PLUGIN_H
#define CX_PLUGIN_H

#include "cx/common.h"
#include "cx/risk.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Version of the plugin interface (::cx_plugin_table, ::cx_rule,
 * ::cx_rule_context, ::cx_rule_output as plugins see them). A plugin built
 * for a version this library does not speak is refused with #CX_EVERSION.
 * @since 0.2.0
 */
#define CX_PLUGIN_ABI_VERSION 1

/** Name of the one function a plugin exports. @since 0.2.0 */
#define CX_PLUGIN_ENTRY_SYMBOL "cx_plugin_entry"

/** Most rules one plugin may declare. @since 0.2.0 */
#define CX_PLUGIN_RULES_MAX 1024

/**
 * What a plugin's entry point returns. It must stay valid and unchanged
 * while the plugin is loaded (a static constant is the usual choice).
 * The first member never moves, so any future layout can be recognised.
 * @since 0.2.0
 */
typedef struct cx_plugin_table {
    unsigned int abi_version;    /**< #CX_PLUGIN_ABI_VERSION the plugin was built with. */
    const char *name;            /**< The plugin's name (1..64 bytes of [A-Za-z0-9_.:-]). */
    const char *version;         /**< The plugin's own version ("1.2.0"), or NULL. */
    const char *description;     /**< One line for people, or NULL. */
    size_t rule_count;           /**< Number of rules, 1..#CX_PLUGIN_RULES_MAX. */
    const cx_rule *const *rules; /**< The rules; each `destroy` must be NULL (plugin rules own nothing). */
} cx_plugin_table;

/**
 * The entry point's type.
 * @param[in] host_abi_version the #CX_PLUGIN_ABI_VERSION of the loading library
 * @return the plugin's table, or NULL to refuse loading
 * @since 0.2.0
 */
typedef const cx_plugin_table *(*cx_plugin_entry_fn)(unsigned int host_abi_version);

/**
 * @def CX_PLUGIN_EXPORT
 * Gives a plugin function default visibility, so the loader finds it even
 * when the plugin is built with hidden visibility.
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define CX_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define CX_PLUGIN_EXPORT
#endif

/**
 * @def CX_PLUGIN_ENTRY
 * Declares and begins the definition of a plugin's entry point, whose
 * parameter is named `param`: `CX_PLUGIN_ENTRY(host_abi)` followed by the
 * function body, which returns the plugin's table.
 */
#define CX_PLUGIN_ENTRY(param) \
    CX_PLUGIN_EXPORT const cx_plugin_table *cx_plugin_entry(unsigned int param); \
    CX_PLUGIN_EXPORT const cx_plugin_table *cx_plugin_entry(unsigned int param)

/** A loaded plugin (opaque). @since 0.2.0 */
typedef struct cx_plugin cx_plugin;

/**
 * Loads a plugin and checks its table and every rule.
 * @param[out] out the plugin, owned by the caller (cx_plugin_free()); NULL on failure
 * @param[in] path the shared object's path (as dlopen() takes it)
 * @return #CX_OK; #CX_EPLUGIN for a missing or unloadable file, a missing
 *         entry point, a NULL or malformed table or rule (the message names
 *         the file and the item); #CX_EVERSION for an ABI version other
 *         than this library's; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_plugin_load(cx_plugin **out, const char *path);

/**
 * Releases a plugin handle. Models that added its rules keep the shared
 * object loaded until they are freed. NULL-safe.
 * @param[in] plugin the plugin
 * @since 0.2.0
 */
CX_API void cx_plugin_free(cx_plugin *plugin);

/** Version of ::cx_plugin_info understood by this header. @since 0.2.0 */
#define CX_PLUGIN_INFO_VERSION 1

/**
 * Description of a loaded plugin. Strings are borrowed from the plugin.
 * @since 0.2.0
 */
typedef struct cx_plugin_info {
    unsigned int version;      /**< #CX_PLUGIN_INFO_VERSION, set by the caller. */
    const char *name;          /**< The plugin's name. */
    const char *plugin_version; /**< Its own version ("" when it gave none). */
    const char *description;   /**< Its description ("" when none). */
    const char *path;          /**< The path it was loaded from. */
    unsigned int abi_version;  /**< The ABI version it was built for. */
    size_t rules;              /**< Number of rules. */
} cx_plugin_info;

/** Static initialiser for ::cx_plugin_info. @since 0.2.0 */
#define CX_PLUGIN_INFO_INIT { CX_PLUGIN_INFO_VERSION, NULL, NULL, NULL, NULL, 0u, 0 }

/**
 * Initialises a ::cx_plugin_info, for callers without macros.
 * @param[out] info the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_PLUGIN_INFO_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_plugin_info_init(cx_plugin_info *info, unsigned int version);

/**
 * Describes a loaded plugin.
 * @param[in,out] out the description; `out->version` set by the caller
 * @param[in] plugin the plugin
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_plugin_get_info(cx_plugin_info *out, const cx_plugin *plugin);

/**
 * Describes one of a plugin's rules.
 * @param[in,out] out the description (origin #CX_RULE_PLUGIN); `out->version` set by the caller
 * @param[in] plugin the plugin
 * @param[in] index 0 .. rules - 1
 * @return #CX_OK; #CX_ENOTFOUND past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_plugin_get_rule(cx_rule_info *out, const cx_plugin *plugin, size_t index);

/**
 * Adds every rule of a plugin to a model, all or nothing. The model keeps
 * the shared object loaded until it is freed, so the plugin handle may be
 * freed first.
 * @param[in,out] risk the model
 * @param[in] plugin the plugin
 * @return #CX_OK; #CX_EEXISTS naming a rule id the model already has;
 *         #CX_EPLUGIN if the shared object cannot be kept loaded; #CX_EINVAL;
 *         #CX_ENOMEM (model unchanged)
 * @since 0.2.0
 */
CX_API int cx_risk_add_plugin(cx_risk *risk, const cx_plugin *plugin);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_PLUGIN_H */
