/*
 * fuzz_timestamp: the timestamp parser (ingest/timestamp.h) on any bytes:
 * a time at the start of the input, a time found in a line, a JSON-style
 * time value, each also with the time found as the reference (as the next
 * record of a stream gets it), and the input as a duration.  What parses
 * must format, and parse back from its formatted form: a time to itself at
 * millisecond precision (every lm_time_t lies in years 1677 to 2262, so its
 * RFC 3339 form has four digits of year), a duration exactly.
 */
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/timestamp.h"

#define REF (INT64_C(1741687200) * LM_NS_PER_SEC) /* 2025-03-11T10:00:00Z */

static lm_time_t floor_ms(lm_time_t t)
{
	lm_time_t r = t % LM_NS_PER_MS;
	return t - (r < 0 ? r + LM_NS_PER_MS : r);
}

/* t formats, and its formatted form parses back to it. */
static void check_time(lm_time_t t)
{
	char out[64];
	lm_time_t back;
	lm_time_format(t, out, sizeof(out));
	if (t < INT64_MIN + LM_NS_PER_MS)
		return; /* its millisecond lies before the first time there is */
	size_t n = strlen(out);
	if (lm_time_parse_prefix(out, n, REF, &back) != n || back != floor_ms(t))
		abort();
}

static void check_duration(const char *s)
{
	char out[64];
	lm_time_t d, back;
	if (lm_duration_parse(s, &d) < 0)
		return;
	lm_duration_format(d, out, sizeof(out));
	if (lm_duration_parse(out, &back) < 0 || back != d)
		abort();
}

/* Parses s with ref, then again with the time found as the reference. */
static void parse_all(const char *s, size_t n, lm_time_t ref)
{
	lm_time_t t;
	size_t used = lm_time_parse_prefix(s, n, ref, &t);
	if (used > n)
		abort();
	if (used)
		check_time(t);
	if (lm_time_find(s, n, ref, &t))
		check_time(t);
	if (lm_time_parse_value(s, n, ref, &t))
		check_time(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly sized, without a NUL, so a read past the end is caught. */
	char *s = lm_xmalloc(size ? size : 1);
	memcpy(s, data, size);
	lm_time_t t;
	parse_all(s, size, REF);
	if (lm_time_find(s, size, REF, &t))
		parse_all(s, size, t);
	free(s);
	char *z = lm_xstrndup((const char *)data, size);
	check_duration(z);
	free(z);
	return 0;
}
