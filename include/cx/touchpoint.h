/**
 * @file touchpoint.h
 * @brief Touchpoint registry: the places where customers meet the business,
 *        with their channel and journey stage.
 *
 * @defgroup touchpoint Touchpoints
 * @{
 *
 * A touchpoint is one place of interaction: a landing page, a support
 * hotline, a checkout, an onboarding e-mail. Each has an id (the name events
 * use), a display name, a channel (one of the built-in channels or a custom
 * channel name) and, optionally, the journey stage it belongs to. A
 * ::cx_touchpoint_registry holds touchpoints in registration order; a
 * touchpoint's index in that order never changes, so hosts can intern ids
 * once and pass indices in bulk (cx_journey_observe_ids()).
 *
 * Stage names are free text here; a journey (journey.h) checks them against
 * its ordered list of stages when it copies the registry.
 *
 * @code
 * cx_touchpoint_registry *reg = NULL;
 * cx_touchpoint_registry_new(&reg);
 * cx_touchpoint_info tp = CX_TOUCHPOINT_INFO_INIT;
 * tp.id = "ad-video";
 * tp.channel = CX_CHANNEL_SOCIAL;
 * tp.stage = "awareness";
 * uint32_t index;
 * cx_touchpoint_add(&index, reg, &tp);      // index == 0
 * cx_touchpoint_find(&index, reg, "ad-video");
 * cx_touchpoint_registry_free(reg);
 * @endcode
 *
 * Thread safety: a registry may be read from several threads at once;
 * adding needs exclusive access.
 */
#ifndef CX_TOUCHPOINT_H
#define CX_TOUCHPOINT_H

#include "cx/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest touchpoint id, in bytes. @since 0.2.0 */
#define CX_TOUCHPOINT_ID_MAX 256
/** Longest touchpoint display name, in bytes. @since 0.2.0 */
#define CX_TOUCHPOINT_NAME_MAX 1024
/** Longest custom channel name, in bytes. @since 0.2.0 */
#define CX_CHANNEL_NAME_MAX 64
/** Longest stage name, in bytes. @since 0.2.0 */
#define CX_STAGE_NAME_MAX 256

/**
 * Channels of touchpoints. Values are fixed and never reused.
 * @since 0.2.0
 */
typedef enum cx_channel {
    CX_CHANNEL_WEB = 1,    /**< Web site ("web"). */
    CX_CHANNEL_APP = 2,    /**< Mobile or desktop application ("app"). */
    CX_CHANNEL_EMAIL = 3,  /**< E-mail ("email"). */
    CX_CHANNEL_PHONE = 4,  /**< Telephone, call centre, IVR ("phone"). */
    CX_CHANNEL_CHAT = 5,   /**< Live chat, messaging, chatbot ("chat"). */
    CX_CHANNEL_SOCIAL = 6, /**< Social media ("social"). */
    CX_CHANNEL_STORE = 7,  /**< Physical store or branch ("store"). */
    CX_CHANNEL_OTHER = 8,  /**< Any other channel ("other"). */
    CX_CHANNEL_CUSTOM = 9  /**< A channel named by ::cx_touchpoint_info.channel_name. */
} cx_channel;

/**
 * Names a built-in channel.
 * @param[in] channel a channel
 * @return a static string ("web", "app", "email", "phone", "chat", "social",
 *         "store", "other", "custom"), or NULL for a value that is not a channel
 * @since 0.2.0
 */
CX_API const char *cx_channel_name(cx_channel channel);

/**
 * Looks a built-in channel up by name (exact, lower case).
 * @param[out] out the channel
 * @param[in] name "web", "app", "email", "phone", "chat", "social", "store" or "other"
 * @return #CX_OK; #CX_ENOTFOUND naming the unknown name (it may still be used
 *         as a custom channel name); #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_channel_from_name(cx_channel *out, const char *name);

/** Version of ::cx_touchpoint_info understood by this header. @since 0.2.0 */
#define CX_TOUCHPOINT_INFO_VERSION 1

/**
 * Description of one touchpoint: what cx_touchpoint_add() reads and
 * cx_touchpoint_get() writes. Strings written by the library are borrowed
 * from the registry and live until it is freed (adding never moves them).
 * @since 0.2.0
 */
typedef struct cx_touchpoint_info {
    unsigned int version;     /**< #CX_TOUCHPOINT_INFO_VERSION, set by the caller. */
    const char *id;           /**< Id events use: UTF-8, 1..#CX_TOUCHPOINT_ID_MAX bytes. */
    const char *name;         /**< Display name (UTF-8, up to #CX_TOUCHPOINT_NAME_MAX bytes); NULL or "" to use the id. */
    cx_channel channel;       /**< Channel; #CX_CHANNEL_OTHER by default. */
    const char *channel_name; /**< Custom channel name when `channel` is #CX_CHANNEL_CUSTOM (1..#CX_CHANNEL_NAME_MAX bytes, not a built-in name); ignored otherwise. Written back as the channel's name for every channel. */
    const char *stage;        /**< Journey stage name (up to #CX_STAGE_NAME_MAX bytes); NULL or "" for none. Written back as "" for none. */
} cx_touchpoint_info;

/** Static initialiser for ::cx_touchpoint_info. @since 0.2.0 */
#define CX_TOUCHPOINT_INFO_INIT { CX_TOUCHPOINT_INFO_VERSION, NULL, NULL, CX_CHANNEL_OTHER, NULL, NULL }

/**
 * Initialises a ::cx_touchpoint_info, for callers without macros.
 * @param[out] info the struct to fill with defaults
 * @param[in] version the caller's #CX_TOUCHPOINT_INFO_VERSION
 * @return #CX_OK; #CX_EINVAL if `info` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_touchpoint_info_init(cx_touchpoint_info *info, unsigned int version);

/** A registry of touchpoints (opaque). @since 0.2.0 */
typedef struct cx_touchpoint_registry cx_touchpoint_registry;

/**
 * Creates an empty registry.
 * @param[out] out the registry, owned by the caller (cx_touchpoint_registry_free());
 *             NULL on failure
 * @return #CX_OK; #CX_EINVAL if `out` is NULL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_touchpoint_registry_new(cx_touchpoint_registry **out);

/**
 * Releases a registry. NULL-safe.
 * @param[in] reg the registry
 * @since 0.2.0
 */
CX_API void cx_touchpoint_registry_free(cx_touchpoint_registry *reg);

/**
 * Copies a registry; indices are preserved.
 * @param[out] out the copy, owned by the caller; NULL on failure
 * @param[in] reg the registry to copy
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_touchpoint_registry_clone(cx_touchpoint_registry **out, const cx_touchpoint_registry *reg);

/**
 * Registers a touchpoint. Every field is checked before anything changes.
 * @param[out] out its index (0 for the first touchpoint, then 1, 2, ...); may be NULL
 * @param[in,out] reg the registry
 * @param[in] info the description (copied)
 * @return #CX_OK; #CX_EEXISTS naming an id already registered; #CX_EINVAL
 *         for an empty, too long or non-UTF-8 id or other string, an unknown
 *         channel, or a custom channel without a name or with a built-in
 *         name; #CX_EVERSION for an unknown `info->version`; #CX_ENOMEM
 *         (registry unchanged)
 * @since 0.2.0
 */
CX_API int cx_touchpoint_add(uint32_t *out, cx_touchpoint_registry *reg, const cx_touchpoint_info *info);

/**
 * Finds a touchpoint by id.
 * @param[out] out its index
 * @param[in] reg the registry
 * @param[in] id the id
 * @return #CX_OK; #CX_ENOTFOUND naming the id; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_touchpoint_find(uint32_t *out, const cx_touchpoint_registry *reg, const char *id);

/**
 * Number of touchpoints registered.
 * @param[out] out the count
 * @param[in] reg the registry
 * @return #CX_OK; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_touchpoint_count(size_t *out, const cx_touchpoint_registry *reg);

/**
 * Describes the touchpoint at `index`. The strings are borrowed from the
 * registry and valid until it is freed.
 * @param[in,out] out the description; `out->version` set by the caller
 * @param[in] reg the registry
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND for an index past the end; #CX_EINVAL;
 *         #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_touchpoint_get(cx_touchpoint_info *out, const cx_touchpoint_registry *reg, size_t index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_TOUCHPOINT_H */
