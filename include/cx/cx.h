/**
 * @file cx.h
 * @brief Umbrella header: includes every public libcx header.
 *
 * @defgroup cx libcx
 * @{
 * libcx is an embeddable C library for customer-experience analytics. Link
 * with `pkg-config --cflags --libs libcx` and include this header, or only
 * the module headers you use. See README.md and docs/ for guides.
 * @}
 */
#ifndef CX_CX_H
#define CX_CX_H

#include "cx/common.h"
#include "cx/version.h"
#include "cx/metric.h"
#include "cx/group.h"
#include "cx/text.h"
#include "cx/timezone.h"
#include "cx/calendar.h"
#include "cx/service.h"
#include "cx/store.h"
#include "cx/lifetime.h"
#include "cx/touchpoint.h"
#include "cx/journey.h"
#include "cx/customer.h"
#include "cx/segment.h"
#include "cx/risk.h"
#include "cx/plugin.h"

#endif /* CX_CX_H */
