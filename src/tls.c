/* tls.c -- placeholder; replaced by the real module. */
#include "config.h"
#include "tls.h"
