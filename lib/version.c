/* Run-time version of the library. */
#include "core_internal.h"

unsigned cx_version(void)
{
    return CX_VERSION_NUMBER;
}

const char *cx_version_string(void)
{
    return CX_VERSION_STRING;
}
