/* script.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "script.h"
