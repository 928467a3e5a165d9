/* Status names and the per-thread error message. */
#include <stdio.h>
#include <string.h>

#include "core_internal.h"

#define CX__ERROR_MAX 512

/* Per-thread state: libcx's only state besides the allocator hooks. */
static _Thread_local char last_message[CX__ERROR_MAX];
static _Thread_local int last_code;

const char *cx_strerror(int code)
{
    switch (code) {
    case CX_OK: return "CX_OK: success";
    case CX_EINVAL: return "CX_EINVAL: invalid argument";
    case CX_ENOMEM: return "CX_ENOMEM: out of memory";
    case CX_ERANGE: return "CX_ERANGE: value out of range";
    case CX_ENOTFOUND: return "CX_ENOTFOUND: not found";
    case CX_EEXISTS: return "CX_EEXISTS: already exists";
    case CX_EIO: return "CX_EIO: input/output error";
    case CX_EFORMAT: return "CX_EFORMAT: malformed input";
    case CX_EVERSION: return "CX_EVERSION: unsupported version";
    case CX_EEMPTY: return "CX_EEMPTY: no data";
    case CX_ESTATE: return "CX_ESTATE: mismatched state";
    case CX_EPLUGIN: return "CX_EPLUGIN: plugin error";
    default: return "unknown libcx status";
    }
}

const char *cx_last_error(void)
{
    return last_message;
}

int cx_last_error_code(void)
{
    return last_code;
}

int cx__verror(int code, const char *fmt, va_list ap)
{
    /* Format into a scratch buffer first: callers may pass the current
     * message (cx_last_error()) as an argument to wrap it. */
    char message[CX__ERROR_MAX];
    int n = vsnprintf(message, sizeof message, fmt, ap);
    if (n < 0)
        snprintf(message, sizeof message, "%s", cx_strerror(code));
    memcpy(last_message, message, sizeof message);
    last_code = code;
    return code;
}

int cx__error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cx__verror(code, fmt, ap);
    va_end(ap);
    return code;
}

int cx__nomem(const char *what)
{
    return cx__error(CX_ENOMEM, "out of memory while %s", what);
}

int cx__check_version(unsigned int version, unsigned int current, const char *what)
{
    if (version == 0)
        return cx__error(CX_EINVAL, "%s: version is 0; initialise the struct with its _INIT macro or _init function", what);
    if (version > current)
        return cx__error(CX_EVERSION, "%s: version %u is newer than this library supports (%u); link a newer libcx",
                         what, version, current);
    return CX_OK;
}
