/* Helpers shared by the Lua module's files (see cx_lua.h). */
#include "cx_lua.h"

#include <string.h>

static const char *status_name(int rc)
{
    static const char *const names[] = { "OK", "EINVAL", "ENOMEM", "ERANGE", "ENOTFOUND", "EEXISTS", "EIO",
                                         "EFORMAT", "EVERSION", "EEMPTY", "ESTATE", "EPLUGIN" };
    return rc <= 0 && rc >= -11 ? names[-rc] : "EUNKNOWN";
}

int cx_lua_raise(lua_State *L, int rc)
{
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, rc);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, status_name(rc));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, cx_last_error());
    lua_setfield(L, -2, "message");
    lua_pushvalue(L, CX_LUA_ERROR_MT);
    lua_setmetatable(L, -2);
    return lua_error(L);
}

void cx_lua_new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc,
                      lua_CFunction tostring, lua_CFunction len)
{
    luaL_newmetatable(L, name);
    lua_newtable(L);
    lua_pushvalue(L, -3); /* error metatable */
    luaL_setfuncs(L, methods, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, tostring);
    lua_setfield(L, -2, "__tostring");
    if (len != NULL) {
        lua_pushvalue(L, -2);
        lua_pushcclosure(L, len, 1);
        lua_setfield(L, -2, "__len");
    }
    lua_pop(L, 1);
}

void cx_lua_set_number(lua_State *L, const char *field, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, field);
}

int cx_lua_lookup(const char *name, const char *const *names, const int *values, int *out)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = values[i];
            return 1;
        }
    return 0;
}
