/**
 * @file common.h
 * @brief Status codes, error messages, memory hooks and export macros shared
 *        by every libcx header.
 *
 * @defgroup common Common definitions
 * @{
 *
 * Every libcx function that can fail returns an `int` status: #CX_OK (0) or
 * one of the negative `CX_E*` codes below. Results travel through output
 * parameters. After a failure, cx_last_error() returns a message for the
 * calling thread that names the offending value, the limit and the place.
 */
#ifndef CX_COMMON_H
#define CX_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "cx/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @def CX_API
 * Marks a function exported from the shared library. libcx is built with
 * hidden visibility, so only declarations carrying this macro are visible.
 */
#ifndef CX_API
#if defined(_WIN32)
#define CX_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define CX_API __attribute__((visibility("default")))
#else
#define CX_API
#endif
#endif

/**
 * @def CX_DEPRECATED
 * Marks a deprecated declaration. Warnings are opt-in: define
 * `CX_WARN_DEPRECATED` before including libcx headers to see them.
 */
#if defined(CX_WARN_DEPRECATED) && defined(__GNUC__)
#define CX_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define CX_DEPRECATED(msg)
#endif

/**
 * Status codes returned by libcx functions. The values are fixed forever.
 * @since 0.1.0
 */
typedef enum cx_status {
    CX_OK = 0,          /**< Success. */
    CX_EINVAL = -1,     /**< A bad argument: NULL handle, wrong kind, bad option. */
    CX_ENOMEM = -2,     /**< An allocation failed; nothing was changed. */
    CX_ERANGE = -3,     /**< A value outside its scale, NaN or infinity. */
    CX_ENOTFOUND = -4,  /**< A named item (id, key, file) does not exist. */
    CX_EEXISTS = -5,    /**< An item with this name already exists. */
    CX_EIO = -6,        /**< Reading or writing a file failed. */
    CX_EFORMAT = -7,    /**< Malformed input: text, blob or file. */
    CX_EVERSION = -8,   /**< A struct, blob or plugin of a version this library does not know. */
    CX_EEMPTY = -9,     /**< No data to compute a result from. */
    CX_ESTATE = -10,    /**< Mismatched kinds or options in merge/compare, or a wrong state. */
    CX_EPLUGIN = -11    /**< A plugin could not be loaded or failed. */
} cx_status;

/**
 * Names a status code.
 *
 * @param[in] code a status returned by a libcx function
 * @return a static, library-owned string such as "CX_ERANGE: value out of
 *         range"; an "unknown status" string for codes libcx does not define
 * @since 0.1.0
 */
CX_API const char *cx_strerror(int code);

/**
 * Returns the calling thread's message for its last failed libcx call.
 *
 * The message names the value, the limit and the place, for example
 * "score 11 is outside the NPS scale 0..10". It is owned by the library and
 * stays valid until the next libcx call on the same thread. Do not use it to
 * detect failure: the return code does that. A thread that has not failed
 * yet gets an empty string.
 *
 * @return a NUL-terminated UTF-8 string, never NULL
 * @since 0.1.0
 */
CX_API const char *cx_last_error(void);

/**
 * Returns the status code of the calling thread's last failed libcx call,
 * or #CX_OK if none has failed yet.
 *
 * @return a status code
 * @since 0.1.0
 */
CX_API int cx_last_error_code(void);

/**
 * Returns the version of the library linked at run time, to compare with
 * #CX_VERSION_NUMBER from the headers compiled against.
 * @return major*10000 + minor*100 + patch
 * @since 0.1.0
 */
CX_API unsigned cx_version(void);

/**
 * Returns the version of the library linked at run time as a string.
 * @return a static string such as "0.1.0"
 * @since 0.1.0
 */
CX_API const char *cx_version_string(void);

/** Version of ::cx_allocator understood by this header. @since 0.1.0 */
#define CX_ALLOCATOR_VERSION 1

/**
 * Memory hooks: every allocation libcx makes goes through them.
 *
 * `realloc_fn` must behave like C's realloc (a NULL pointer allocates, the
 * old block is kept on failure); `free_fn` must accept NULL.
 * Initialise with #CX_ALLOCATOR_INIT or cx_allocator_init().
 * @since 0.1.0
 */
typedef struct cx_allocator {
    unsigned int version;                                  /**< #CX_ALLOCATOR_VERSION */
    void *(*malloc_fn)(size_t size, void *payload);        /**< Allocate `size` bytes. */
    void *(*realloc_fn)(void *ptr, size_t size, void *payload); /**< Resize a block. */
    void (*free_fn)(void *ptr, void *payload);             /**< Release a block (NULL-safe). */
    void *payload;                                         /**< Passed to every hook. */
} cx_allocator;

/** Static initialiser for ::cx_allocator (all hooks NULL). @since 0.1.0 */
#define CX_ALLOCATOR_INIT { CX_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL }

/**
 * Initialises a ::cx_allocator for callers without macros (FFI).
 *
 * @param[out] a the struct to fill with NULL hooks
 * @param[in] version the caller's #CX_ALLOCATOR_VERSION
 * @return #CX_OK; #CX_EINVAL if `a` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library knows
 * @since 0.1.0
 */
CX_API int cx_allocator_init(cx_allocator *a, unsigned int version);

/**
 * Routes every libcx allocation through the given hooks.
 *
 * Call once, before any other libcx call allocates; memory allocated with
 * one set of hooks must be released with the same set, so changing hooks
 * while handles are alive is an error of the host. Passing NULL restores the
 * C library's malloc, realloc and free.
 *
 * Thread safety: not thread-safe; this is the library's only global state.
 *
 * @param[in] a the hooks (copied), or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL if a hook is missing; #CX_EVERSION if
 *         `a->version` is unknown
 * @since 0.1.0
 */
CX_API int cx_set_allocator(const cx_allocator *a);

/**
 * A byte buffer handed from libcx to the caller (serialized blobs, JSON,
 * text). Release its contents with cx_buffer_dispose(), which uses the
 * allocator that produced them.
 * @since 0.1.0
 */
typedef struct cx_buffer {
    unsigned int version; /**< #CX_BUFFER_VERSION */
    char *data;           /**< The bytes; NUL-terminated when they are text. Owned by the buffer. */
    size_t size;          /**< Number of bytes in `data`, without the terminating NUL. */
    size_t capacity;      /**< Bytes allocated for `data`. */
} cx_buffer;

/** Version of ::cx_buffer understood by this header. @since 0.1.0 */
#define CX_BUFFER_VERSION 1

/** Static initialiser for an empty ::cx_buffer. @since 0.1.0 */
#define CX_BUFFER_INIT { CX_BUFFER_VERSION, NULL, 0, 0 }

/**
 * Releases the bytes of a buffer and resets it to empty. NULL-safe; a
 * buffer may be disposed more than once.
 *
 * @param[in,out] buf the buffer
 * @since 0.1.0
 */
CX_API void cx_buffer_dispose(cx_buffer *buf);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_COMMON_H */
