/*
 * decode_logfmt: key=value records as Go's logfmt, logrus and Heroku write
 * them: `time=2025-03-11T10:00:00Z level=error msg="dial tcp: i/o timeout"`.
 * Values may be double-quoted with backslash escapes.  Every pair becomes a
 * field; the rule text is the message followed by the other values, as for
 * JSON.  A line is logfmt only when it starts with a pair and at least two
 * thirds of its words are pairs, so prose with one "a=b" in it stays plain.
 */
#include "ingest/decode.h"

#include <string.h>

#include "ingest/timestamp.h"

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-' || c == '@';
}

struct pair {
	struct lm_str key, val;
	bool quoted;
};

/* Scan one "key=value" or bare word at s[*i]; false at end of line. */
static bool next_token(const char *s, size_t n, size_t *i, struct pair *pr, bool *is_pair)
{
	while (*i < n && s[*i] == ' ')
		(*i)++;
	if (*i >= n)
		return false;
	size_t k = *i;
	while (*i < n && key_char(s[*i]))
		(*i)++;
	*is_pair = *i > k && *i < n && s[*i] == '=';
	pr->key = (struct lm_str){ s + k, *i - k };
	pr->quoted = false;
	if (!*is_pair) {
		while (*i < n && s[*i] != ' ')
			(*i)++;
		return true;
	}
	(*i)++;
	if (*i < n && s[*i] == '"') {
		size_t v = ++(*i);
		while (*i < n && s[*i] != '"')
			*i += (s[*i] == '\\' && *i + 1 < n) ? 2 : 1;
		pr->val = (struct lm_str){ s + v, (*i < n ? *i : n) - v };
		pr->quoted = true;
		if (*i < n)
			(*i)++;
	} else {
		size_t v = *i;
		while (*i < n && s[*i] != ' ')
			(*i)++;
		pr->val = (struct lm_str){ s + v, *i - v };
	}
	return true;
}

static bool logfmt_detect(const char *s, size_t n)
{
	size_t i = 0, pairs = 0, words = 0;
	struct pair pr;
	bool is_pair;
	while (next_token(s, n, &i, &pr, &is_pair)) {
		if (words == 0 && !is_pair)
			return false;
		words++;
		pairs += is_pair;
		if (words == 16)
			break;
	}
	return pairs >= 2 && pairs * 3 >= words * 2;
}

static void unescape(struct lm_buf *b, struct lm_str v)
{
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];
		if (c == '\\' && i + 1 < v.n) {
			c = v.p[++i];
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
		}
		lm_buf_putc(b, c);
	}
}

static bool is_msg_key(struct lm_str k)
{
	return lm_str_eq(k, "msg") || lm_str_eq(k, "message");
}

static enum lm_decode_status logfmt_decode(struct lm_decode_ctx *ctx, unsigned depth,
					   const char *s, size_t n,
					   struct lm_decode_result *res)
{
	struct lm_fields *fs = ctx->fields;
	struct lm_buf *vals = &ctx->scratch[depth];
	uint64_t is_string = 0;
	int msg = -1;
	unsigned pairs = 0;
	size_t i = 0;
	struct pair pr;
	bool is_pair;

	lm_buf_reset(vals);
	while (next_token(s, n, &i, &pr, &is_pair)) {
		if (!is_pair)
			continue;
		pairs++;
		unsigned before = fs->count;
		struct lm_str seen;
		if (lm_fields_get(fs, pr.key.p, pr.key.n, &seen))
			continue; /* the first value stays: a pair cannot replace its wrapper's pod */
		if (pr.quoted) {
			/* Unescaping never lengthens a value: with room made first, vals
			 * neither moves nor is left unallocated by an empty value. */
			lm_buf_reserve(vals, pr.val.n);
			size_t off = vals->len;
			unescape(vals, pr.val);
			lm_fields_add(fs, pr.key.p, pr.key.n, vals->data + off, vals->len - off);
		} else {
			lm_fields_add(fs, pr.key.p, pr.key.n, pr.val.p, pr.val.n);
		}
		if (fs->count == before || fs->count > 64)
			continue; /* refused: the event is full */
		unsigned idx = fs->count - 1;
		struct lm_str v = lm_fields_val(fs, idx);
		lm_time_t t;
		if (lm_decode_is_time_key(pr.key) && lm_time_parse_value(v.p, v.n, ctx->ref, &t)) {
			lm_decode_set_time(ctx, t);
		} else if (lm_decode_is_level_key(pr.key)) {
			if (!lm_str_eq(pr.key, "level") && !lm_fields_get(fs, "level", 5, &seen))
				lm_fields_add(fs, "level", 5, v.p, v.n);
		} else if (msg < 0 && is_msg_key(pr.key)) {
			msg = (int)idx;
		} else {
			is_string |= UINT64_C(1) << idx;
		}
	}
	/* Not logfmt at all (only with --format logfmt): keep the line as text. */
	if (pairs == 0)
		return lm_decoder_plain.decode(ctx, depth, s, n, res);
	if (fs->dropped)
		ctx->crowded++;
	res->line = (struct lm_str){ s, n };
	struct lm_str message = { "", 0 };
	if (msg >= 0)
		message = lm_fields_val(fs, (unsigned)msg);
	res->text = lm_decode_structured_text(ctx, message, is_string);
	return LM_DECODE_DONE;
}

const struct lm_decoder lm_decoder_logfmt = {
	.name = "logfmt",
	.detect = logfmt_detect,
	.decode = logfmt_decode,
};
