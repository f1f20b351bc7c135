/*
 * decode_cri: the CRI log format that containerd and CRI-O write under
 * /var/log/containers: "<RFC3339Nano> <stdout|stderr> <P|F> <message>".
 * P (partial) pieces are joined until the F piece that ends the line.  Also
 * reads the pod, namespace and container from the file names kubelet uses.
 */
#include "ingest/decode.h"

#include <string.h>

#include "ingest/timestamp.h"

struct cri_line {
	lm_time_t time;
	struct lm_str stream;
	bool partial;
	struct lm_str msg;
};

static bool starts_with(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && memcmp(s, lit, l) == 0;
}

static bool parse(const char *s, size_t n, struct cri_line *out)
{
	if (n < 20 || s[0] < '0' || s[0] > '9')
		return false;
	size_t used = lm_time_parse_prefix(s, n, 0, &out->time);
	/* The CRI time is always full RFC 3339 with a 'T'. */
	if (used < 20 || used >= n || s[10] != 'T' || s[used] != ' ')
		return false;
	const char *p = s + used + 1;
	size_t rest = n - used - 1;
	if (starts_with(p, rest, "stdout "))
		out->stream = (struct lm_str){ p, 6 };
	else if (starts_with(p, rest, "stderr "))
		out->stream = (struct lm_str){ p, 6 };
	else
		return false;
	p += 7;
	rest -= 7;
	/* The tag: P or F, alone or with more ':'-separated flags after it. */
	if (rest < 1 || (p[0] != 'P' && p[0] != 'F') || (rest > 1 && p[1] != ' ' && p[1] != ':'))
		return false;
	out->partial = p[0] == 'P';
	size_t i = 1;
	while (i < rest && p[i] != ' ')
		i++;
	if (i < rest)
		i++; /* the space before the message */
	out->msg = (struct lm_str){ p + i, rest - i };
	return true;
}

static bool cri_detect(const char *s, size_t n)
{
	struct cri_line l;
	return parse(s, n, &l);
}

static enum lm_decode_status cri_decode(struct lm_decode_ctx *ctx, unsigned depth,
					const char *s, size_t n,
					struct lm_decode_result *res)
{
	struct cri_line l;
	if (!parse(s, n, &l))
		return lm_decoder_plain.decode(ctx, depth, s, n, res);
	lm_decode_set_time(ctx, l.time);
	lm_fields_set(ctx->fields, "stream", 6, l.stream.p, l.stream.n);
	int stream = lm_decode_stream(l.stream.p, l.stream.n);
	if (lm_decode_partial(ctx, &lm_decoder_cri, stream, depth, l.msg.p, l.msg.n, !l.partial,
			      &res->inner))
		return LM_DECODE_INNER;
	if (l.partial)
		return LM_DECODE_PARTIAL;
	res->inner = l.msg;
	return LM_DECODE_INNER;
}

const struct lm_decoder lm_decoder_cri = {
	.name = "cri",
	.detect = cri_detect,
	.decode = cri_decode,
};

static void add(struct lm_fields *fs, const char *key, const char *p, size_t n)
{
	if (n)
		lm_fields_set(fs, key, strlen(key), p, n);
}

/* /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log */
static bool containers_path(const char *base, struct lm_fields *fs)
{
	size_t len = strlen(base);
	if (len < 5 || strcmp(base + len - 4, ".log") != 0)
		return false;
	const char *u1 = memchr(base, '_', len);
	const char *u2 = u1 ? memchr(u1 + 1, '_', (size_t)(base + len - u1 - 1)) : NULL;
	if (!u2)
		return false;
	const char *end = base + len - 4;
	const char *dash = end;
	while (dash > u2 && *dash != '-')
		dash--;
	/* The container id is 64 hex digits after the last '-'. */
	if (dash == u2 || end - dash - 1 != 64)
		return false;
	add(fs, "pod", base, (size_t)(u1 - base));
	add(fs, "namespace", u1 + 1, (size_t)(u2 - u1 - 1));
	add(fs, "container", u2 + 1, (size_t)(dash - u2 - 1));
	return true;
}

/* /var/log/pods/NAMESPACE_POD_UID/CONTAINER/N.log */
static bool pods_path(const char *path, struct lm_fields *fs)
{
	const char *p = strstr(path, "/pods/");
	if (!p)
		return false;
	p += 6;
	const char *slash = strchr(p, '/');
	const char *u1 = memchr(p, '_', slash ? (size_t)(slash - p) : 0);
	const char *u2 = u1 ? memchr(u1 + 1, '_', (size_t)(slash - u1 - 1)) : NULL;
	const char *slash2 = slash ? strchr(slash + 1, '/') : NULL;
	if (!u2 || !slash2)
		return false;
	add(fs, "namespace", p, (size_t)(u1 - p));
	add(fs, "pod", u1 + 1, (size_t)(u2 - u1 - 1));
	add(fs, "container", slash + 1, (size_t)(slash2 - slash - 1));
	return true;
}

bool lm_decode_k8s_path(const char *path, struct lm_fields *fields)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return containers_path(base, fields) || pods_path(path, fields);
}
