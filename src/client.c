/* client.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "client.h"
