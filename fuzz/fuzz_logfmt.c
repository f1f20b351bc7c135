/*
 * fuzz_logfmt: the logfmt decoder (key=value pairs, quoted values with
 * escapes).  The input is a stream of lines.
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lm_fuzz_decode_lines("logfmt", data, size);
}
