/*
 * fuzz_kubectl: the kubectl decoder (`kubectl logs --prefix` and
 * `--timestamps`).  The input is a stream of lines; inner lines go on to the
 * decoders they look like.
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lm_fuzz_decode_lines("kubectl", data, size);
}
