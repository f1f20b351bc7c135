/*
 * replay: main() for the fuzz targets built without libFuzzer.  Runs the
 * target once on each file named, as libFuzzer does with file arguments, so
 * a crash's input replays under any compiler and sanitizer.  Like libFuzzer
 * it hands over an exactly-sized copy of the input, so a read past its end
 * is caught.  Exits 1 when a file cannot be read, 2 when none is named.
 */
#include "fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	struct lm_buf b;
	lm_buf_init(&b);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		lm_buf_append(&b, chunk, got);
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		perror(path);
	} else {
		uint8_t *input = lm_xmalloc(b.len ? b.len : 1);
		memcpy(input, b.data ? b.data : "", b.len);
		LLVMFuzzerTestOneInput(input, b.len);
		free(input);
	}
	lm_buf_fini(&b);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	int status = 0;
	for (int i = 1; i < argc; i++)
		status |= run_file(argv[i]);
	return status;
}
