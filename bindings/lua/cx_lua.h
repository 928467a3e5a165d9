/*
 * Shared by the files of the Lua module `cx`: error raising and class
 * registration. Every exported Lua function gets the error metatable as
 * its first upvalue, so the module keeps no global state.
 */
#ifndef CX_LUA_H
#define CX_LUA_H

#include <lauxlib.h>
#include <lua.h>

#include "cx/cx.h"

#define CX_LUA_ERROR_MT lua_upvalueindex(1)

/* Raises the error value of a failed libcx call (message read at once). */
int cx_lua_raise(lua_State *L, int rc);

#define CX_LUA_CHECK(L, call) \
    do { \
        int cx_lua_rc_ = (call); \
        if (cx_lua_rc_ != CX_OK) \
            return cx_lua_raise((L), cx_lua_rc_); \
    } while (0)

/* Registers metatable `name` with `methods` as __index (each sharing the
 * error metatable at stack index -1), `gc` as __gc and __close, and
 * `tostring`; `len` may be NULL. Leaves the stack as it found it. */
void cx_lua_new_class(lua_State *L, const char *name, const luaL_Reg *methods, lua_CFunction gc,
                      lua_CFunction tostring, lua_CFunction len);

/* Sets t[field] = number on the table at the top of the stack. */
void cx_lua_set_number(lua_State *L, const char *field, double v);

/* Looks `name` up in a NULL-terminated list; 1 and *out on success. */
int cx_lua_lookup(const char *name, const char *const *names, const int *values, int *out);

/* Module parts: each adds its classes (error metatable at -2) and
 * functions (module table at -1, error metatable as upvalue). */
void cx_lua_open_text(lua_State *L);
void cx_lua_open_service(lua_State *L);
void cx_lua_open_store(lua_State *L);
void cx_lua_open_lifetime(lua_State *L);
void cx_lua_open_journey(lua_State *L);
void cx_lua_open_customer(lua_State *L);

#endif
