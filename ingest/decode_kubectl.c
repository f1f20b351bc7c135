/*
 * decode_kubectl: what `kubectl logs` adds in front of a container's lines.
 *   --prefix      "[pod/NAME/CONTAINER] message"
 *   --timestamps  "2025-03-11T10:00:00.123456789Z message"
 * A timestamp is peeled only when the message behind it is itself structured
 * (JSON, a prefix, another timestamp); a plain line keeps its leading time as
 * part of its text and the plain decoder reads it there.
 */
#include "ingest/decode.h"

#include <string.h>

#include "ingest/timestamp.h"

/* "[pod/NAME/CONTAINER] ": returns the length of the prefix, 0 if none. */
static size_t prefix_len(const char *s, size_t n, struct lm_str *pod, struct lm_str *container)
{
	if (n < 8 || memcmp(s, "[pod/", 5) != 0)
		return 0;
	const char *close = memchr(s, ']', n < 512 ? n : 512);
	if (!close)
		return 0;
	const char *name = s + 5;
	const char *slash = memchr(name, '/', (size_t)(close - name));
	if (!slash || slash == name || slash + 1 >= close)
		return 0;
	*pod = (struct lm_str){ name, (size_t)(slash - name) };
	*container = (struct lm_str){ slash + 1, (size_t)(close - slash - 1) };
	size_t len = (size_t)(close - s) + 1;
	if (len < n && s[len] == ' ')
		len++;
	return len;
}

/* An RFC 3339 timestamp with 'T' and a space after it, before a structured message. */
static size_t timestamp_len(const char *s, size_t n, lm_time_t *t)
{
	if (n < 22 || s[0] < '0' || s[0] > '9' || s[10] != 'T')
		return 0;
	size_t used = lm_time_parse_prefix(s, n, 0, t);
	if (used == 0 || used + 1 >= n || s[used] != ' ')
		return 0;
	const char *rest = s + used + 1;
	size_t rn = n - used - 1;
	lm_time_t inner;
	if (rest[0] == '{' || (rn > 5 && memcmp(rest, "[pod/", 5) == 0) ||
	    lm_time_parse_prefix(rest, rn, *t, &inner) > 0)
		return used + 1;
	return 0;
}

static bool kubectl_detect(const char *s, size_t n)
{
	struct lm_str pod, container;
	lm_time_t t;
	return prefix_len(s, n, &pod, &container) > 0 || timestamp_len(s, n, &t) > 0;
}

static enum lm_decode_status kubectl_decode(struct lm_decode_ctx *ctx, unsigned depth,
					    const char *s, size_t n,
					    struct lm_decode_result *res)
{
	struct lm_str pod, container;
	lm_time_t t;
	size_t len = prefix_len(s, n, &pod, &container);
	if (len) {
		lm_fields_set(ctx->fields, "pod", 3, pod.p, pod.n);
		lm_fields_set(ctx->fields, "container", 9, container.p, container.n);
	} else if ((len = timestamp_len(s, n, &t)) > 0) {
		lm_decode_set_time(ctx, t);
	} else {
		return lm_decoder_plain.decode(ctx, depth, s, n, res);
	}
	res->inner = (struct lm_str){ s + len, n - len };
	return LM_DECODE_INNER;
}

const struct lm_decoder lm_decoder_kubectl = {
	.name = "kubectl",
	.detect = kubectl_detect,
	.decode = kubectl_decode,
};
