/* Test fixture: a shared object without the plugin entry point. */
#include <cx/plugin.h>

CX_PLUGIN_EXPORT int cx_plugin_entry_misspelled(void);

CX_PLUGIN_EXPORT int cx_plugin_entry_misspelled(void)
{
    return 0;
}
