/*
 * fuzz_cri: the CRI decoder (containerd and CRI-O log files: time, stream,
 * P or F flag, partial lines joined per stream).  The input is a stream of
 * lines; inner lines go on to the decoders they look like.
 */
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return lm_fuzz_decode_lines("cri", data, size);
}
