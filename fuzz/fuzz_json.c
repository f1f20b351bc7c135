/*
 * fuzz_json: the JSON decoder on raw records (Docker json-file, Filebeat,
 * Fluent Bit and Vector envelopes, application logs; malformed JSON is read
 * as plain text).  The input is a stream of lines; inner lines go on to the
 * decoders they look like.
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lm_fuzz_decode_lines("json", data, size);
}
