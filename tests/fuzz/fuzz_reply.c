/* fuzz_reply.c -- libFuzzer target for the reply parser (placeholder). */
#include "config.h"
#include <stddef.h>
#include <stdint.h>
#include "reply.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data; (void)size;
	return 0;
}
