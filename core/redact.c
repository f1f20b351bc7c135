/*
 * redact: a hand-rolled one-pass scanner that masks secrets.  See redact.h.
 *
 * At each position a few recognisers look for the start of a secret (a key
 * word and its separator, "Bearer ", "eyJ", "://", "AKIA"/"ASIA"); the first
 * that finds one gives the span of its value, which is replaced.  Each
 * recogniser only looks ahead over bytes that cannot start another attempt of
 * the same kind, so the whole scan stays linear.
 */
#include "core/redact.h"

#include <stdint.h>
#include <pthread.h>
#include <string.h>

#include "core/sanitize.h"

/* A secret value found at some position: [start, end) is masked. */
struct span {
	size_t start, end;
};

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_b64url(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* Bytes of an OAuth bearer token (RFC 6750 b64token). */
static bool is_token_char(unsigned char c)
{
	return is_alnum(c) || (c && strchr("-._~+/=", c));
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Where an unquoted value ends. */
static bool is_value_end(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr(",;&\"'}])<>\\", c) != NULL;
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Whether s[i..n) starts with lit (lower case), ignoring ASCII case.  Called
 * at every byte of every line kept as evidence: the first byte decides most. */
static bool ci_at(const char *s, size_t n, size_t i, const char *lit)
{
	if (i >= n || lower((unsigned char)s[i]) != (unsigned char)lit[0])
		return false;
	size_t len = strlen(lit);
	if (n - i < len)
		return false;
	for (size_t k = 0; k < len; k++)
		if (lower((unsigned char)s[i + k]) != (unsigned char)lit[k])
			return false;
	return true;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && is_blank((unsigned char)s[i]))
		i++;
	return i;
}

/* Whether s[0..n) reads as a word rather than a credential: letters only
 * (a trailing . ! or ? aside), fewer than 20 of them, those after the first
 * all lower-case or all upper-case ("expired", "Denied", "EXPIRED").  A
 * token or key has digits, symbols, mixed case or length. */
static bool is_word(const char *s, size_t n)
{
	while (n && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?'))
		n--;
	if (n == 0 || n >= 20)
		return false;
	bool lo = false, up = false;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (!is_alpha(c))
			return false;
		if (k)
			lo |= c >= 'a', up |= c < 'a';
	}
	return !(lo && up);
}

/* Key words whose value is a secret (matched as the end of a key).  token
 * and authorization also name things in prose ("Token: expired",
 * "Authorization: denied"): their unquoted values are masked only when they
 * are not words, except after = . */
enum key_kind { KEY_SECRET, KEY_TOKEN, KEY_AUTH };

static const struct {
	const char *word;
	enum key_kind kind;
} secret_keys[] = {
	{ "secret_access_key", KEY_SECRET }, { "secretaccesskey", KEY_SECRET },
	{ "authorization", KEY_AUTH },       { "credentials", KEY_SECRET },
	{ "passphrase", KEY_SECRET },        { "private_key", KEY_SECRET },
	{ "secret_key", KEY_SECRET },        { "password", KEY_SECRET },
	{ "api_key", KEY_SECRET },           { "api-key", KEY_SECRET },
	{ "apikey", KEY_SECRET },            { "passwd", KEY_SECRET },
	{ "secret", KEY_SECRET },            { "token", KEY_TOKEN },
	{ "pwd", KEY_SECRET },
};

#define N_SECRET_KEYS (sizeof(secret_keys) / sizeof(secret_keys[0]))

/* The key word at s[i], if any: its length, and its kind. */
static size_t key_at(const char *s, size_t n, size_t i, enum key_kind *kind)
{
	for (size_t k = 0; k < N_SECRET_KEYS; k++)
		if (ci_at(s, n, i, secret_keys[k].word)) {
			*kind = secret_keys[k].kind;
			return strlen(secret_keys[k].word);
		}
	return 0;
}

/* Where the value after the key ending at j starts: after = or : (or =>,
 * as in Ruby and Perl hashes), blanks around it; after blanks alone for an
 * option (--password VALUE, the key at i).  0 when there is none; *sep is
 * the separator (' ' for an option). */
static size_t separator_end(const char *s, size_t n, size_t i, size_t j, char *sep)
{
	size_t k = skip_blanks(s, n, j);
	if (k < n && (s[k] == '=' || s[k] == ':')) {
		*sep = s[k];
		k++;
		if (*sep == '=' && k < n && s[k] == '>')
			k++;
		return skip_blanks(s, n, k);
	}
	bool option = i >= 2 && s[i - 1] == '-' && s[i - 2] == '-';
	*sep = ' ';
	return option && k > j && k < n ? k : 0;
}

/* An optional quote, escaped or not ("\""): its length, the quote in *q. */
static size_t quote_at(const char *s, size_t n, size_t i, char *q, bool *escaped)
{
	*escaped = i + 1 < n && s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\'');
	size_t at = i + (*escaped ? 1 : 0);
	if (at < n && (s[at] == '"' || s[at] == '\'')) {
		*q = s[at];
		return at + 1 - i;
	}
	*escaped = false;
	return 0;
}

/* The end of a quoted value starting at i: the closing quote (or the
 * backslash that escapes it when the quotes themselves were escaped). */
static size_t quoted_end(const char *s, size_t n, size_t i, char q, bool escaped)
{
	for (; i < n; i++) {
		if (escaped && s[i] == '\\' && i + 1 < n && s[i + 1] == q)
			return i;
		if (!escaped && s[i] == '\\') {
			i++;
			continue;
		}
		if (!escaped && s[i] == q)
			return i;
	}
	return n;
}

static size_t unquoted_end(const char *s, size_t n, size_t i)
{
	while (i < n && !is_value_end((unsigned char)s[i]))
		i++;
	return i;
}

/* Authentication schemes kept in front of the credential they introduce. */
static bool known_scheme(const char *s, size_t n, size_t i, size_t len)
{
	static const char *const schemes[] = { "bearer", "basic", "token", "digest",
					       "negotiate", "ntlm", "apikey" };
	for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++)
		if (strlen(schemes[k]) == len && ci_at(s, n, i, schemes[k]))
			return true;
	return false;
}

/* If the value [a, end) starts with a scheme word and blanks before more
 * bytes, the credential's start after them; else a. */
static size_t after_scheme(const char *s, size_t a, size_t end, bool any_word)
{
	size_t w = a;
	while (w < end && (is_alnum((unsigned char)s[w]) || s[w] == '-'))
		w++;
	if (w == a || w >= end || !is_blank((unsigned char)s[w]))
		return a;
	if (!any_word && !known_scheme(s, end, a, w - a))
		return a;
	size_t c = skip_blanks(s, end, w);
	return c < end && !is_value_end((unsigned char)s[c]) ? c : a;
}

/* key[quote] [=:] [quote]value: password=x, "token":"x", Authorization: Bearer x,
 * password => x, --password x */
static bool key_value_at(const char *s, size_t n, size_t i, struct span *sp)
{
	enum key_kind kind;
	bool escaped;
	char q, sep;
	size_t len = key_at(s, n, i, &kind);
	if (!len)
		return false;
	size_t j = i + len;
	j += quote_at(s, n, j, &q, &escaped);
	if (!(j = separator_end(s, n, i, j, &sep)))
		return false;
	size_t ql = quote_at(s, n, j, &q, &escaped);
	size_t a = j + ql, end;
	if (ql) {
		end = quoted_end(s, n, a, q, escaped);
		a = after_scheme(s, a, end, kind == KEY_AUTH);
	} else {
		end = unquoted_end(s, n, a);
		if (end < n && is_blank((unsigned char)s[end])) {
			/* "Bearer xyz": the scheme stays, the credential after it goes */
			size_t c = after_scheme(s, a, n, kind == KEY_AUTH);
			if (c != a)
				a = c, end = unquoted_end(s, n, c);
		}
		if (kind != KEY_SECRET && sep != '=' && is_word(s + a, end - a))
			return false;
	}
	if (end <= a)
		return false;
	sp->start = a, sp->end = end;
	return true;
}

/* A bare "Bearer <token>" of at least 8 token bytes, not a word. */
static bool bearer_at(const char *s, size_t n, size_t i, struct span *sp)
{
	if ((i > 0 && is_alnum((unsigned char)s[i - 1])) || !ci_at(s, n, i, "bearer"))
		return false;
	size_t a = i + 6;
	if (a >= n || !is_blank((unsigned char)s[a]))
		return false;
	a = skip_blanks(s, n, a);
	size_t end = a;
	while (end < n && is_token_char((unsigned char)s[end]))
		end++;
	if (end - a < 8 || is_word(s + a, end - a))
		return false;
	sp->start = a, sp->end = end;
	return true;
}

static size_t b64url_run(const char *s, size_t n, size_t i)
{
	while (i < n && is_b64url((unsigned char)s[i]))
		i++;
	return i;
}

/* A JWT: eyJ... . ... . [...] -- three base64url segments. */
static bool jwt_at(const char *s, size_t n, size_t i, struct span *sp)
{
	if (i > 0 && (is_b64url((unsigned char)s[i - 1]) || s[i - 1] == '.'))
		return false;
	if (n - i < 3 || memcmp(s + i, "eyJ", 3) != 0)
		return false;
	size_t j = b64url_run(s, n, i + 3);
	if (j >= n || s[j] != '.')
		return false;
	size_t k = b64url_run(s, n, j + 1);
	if (k == j + 1 || k >= n || s[k] != '.')
		return false;
	sp->start = i, sp->end = b64url_run(s, n, k + 1);
	return true;
}

/* Bytes that end a URL's authority. */
static bool ends_authority(unsigned char c)
{
	return c <= ' ' || c == 0x7f || strchr("/?#\"'<>\\", c) != NULL;
}

/* scheme://user:password@host: the password, up to the last @ of the authority. */
static bool url_at(const char *s, size_t n, size_t i, struct span *sp)
{
	if (n - i < 3 || memcmp(s + i, "://", 3) != 0)
		return false;
	size_t j = i + 3;
	while (j < n && s[j] != ':' && s[j] != '@' && !ends_authority((unsigned char)s[j]))
		j++;
	if (j >= n || s[j] != ':')
		return false;
	size_t a = j + 1, at = 0;
	for (j = a; j < n && !ends_authority((unsigned char)s[j]); j++)
		if (s[j] == '@')
			at = j;
	if (at <= a)
		return false;
	sp->start = a, sp->end = at;
	return true;
}

/* An AWS access key id: AKIA or ASIA and 16 upper-case letters or digits. */
static bool aws_key_at(const char *s, size_t n, size_t i, struct span *sp)
{
	if ((i > 0 && is_alnum((unsigned char)s[i - 1])) || n - i < 20)
		return false;
	if (memcmp(s + i, "AKIA", 4) != 0 && memcmp(s + i, "ASIA", 4) != 0)
		return false;
	for (size_t k = i + 4; k < i + 20; k++)
		if (!((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9')))
			return false;
	if (i + 20 < n && is_alnum((unsigned char)s[i + 20]))
		return false;
	sp->start = i + 4, sp->end = i + 20;
	return true;
}

static bool secret_at(const char *s, size_t n, size_t i, struct span *sp)
{
	return key_value_at(s, n, i, sp) || bearer_at(s, n, i, sp) || jwt_at(s, n, i, sp) ||
	       url_at(s, n, i, sp) || aws_key_at(s, n, i, sp);
}

/* The bytes a secret can start at: the first letters (either case) of the
 * key words and of "bearer", "eyJ", "AKIA" and "ASIA", and the ":" of
 * "://".  Most bytes of a line are none of them, and are passed over.
 * Built once, from the key words themselves. */
static bool starts[256];
static pthread_once_t starts_once = PTHREAD_ONCE_INIT;

static void build_starts(void)
{
	static const char *const others[] = { "bearer", "eyJ", "AKIA", "ASIA", "://" };
	for (size_t k = 0; k < N_SECRET_KEYS; k++)
		starts[(unsigned char)secret_keys[k].word[0]] = true;
	for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++)
		starts[(unsigned char)others[k][0]] = true;
	for (unsigned c = 'a'; c <= 'z'; c++)
		starts[c] = starts[c - 32] = starts[c] || starts[c - 32];
}

void lm_redact(struct lm_buf *out, const char *s, size_t n)
{
	pthread_once(&starts_once, build_starts);
	size_t done = 0, i = 0;
	while (i < n) {
		struct span sp;
		if (!starts[(unsigned char)s[i]] || !secret_at(s, n, i, &sp)) {
			i++;
			continue;
		}
		lm_buf_append(out, s + done, sp.start - done);
		lm_buf_append(out, LM_REDACTED, sizeof(LM_REDACTED) - 1);
		done = i = sp.end;
	}
	lm_buf_append(out, s + done, n - done);
}

/* Whether lit occurs in k (n bytes), ignoring ASCII case. */
static bool ci_contains(const char *k, size_t n, const char *lit)
{
	size_t len = strlen(lit);
	for (size_t i = 0; i + len <= n; i++)
		if (ci_at(k, n, i, lit))
			return true;
	return false;
}

bool lm_redact_is_secret_name(const char *k, size_t n)
{
	static const char *const words[] = { "password", "passwd", "passphrase", "secret",
					     "token", "api_key", "apikey", "api-key",
					     "private_key", "credential", "authorization" };
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
		if (ci_contains(k, n, words[w]))
			return true;
	return n >= 3 && ci_at(k, n, n - 3, "pwd");
}

/* Values of secret-named fields shorter than this are not looked for
 * elsewhere ("true", "null", a count would mask too much). */
#define KNOWN_MIN 6

/* The fields of fs whose value is a secret worth looking for in the others. */
static uint64_t known_secrets(const struct lm_fields *fs)
{
	uint64_t known = 0;
	for (unsigned i = 0; i < fs->count && i < 64; i++) {
		struct lm_str k = lm_fields_key(fs, i), v = lm_fields_val(fs, i);
		if (v.n >= KNOWN_MIN && lm_redact_is_secret_name(k.p, k.n))
			known |= UINT64_C(1) << i;
	}
	return known;
}

/* The length of a known secret value at s, or 0. */
static size_t known_at(const struct lm_fields *fs, uint64_t known, const char *s, size_t n)
{
	for (unsigned i = 0; i < 64 && known >> i; i++) {
		if (!(known >> i & 1))
			continue;
		struct lm_str v = lm_fields_val(fs, i);
		if (v.n <= n && memcmp(s, v.p, v.n) == 0)
			return v.n;
	}
	return 0;
}

/* Appends s with every known secret value replaced; out must have room for
 * the result already (s may point into out). */
static void mask_known(struct lm_buf *out, const char *s, size_t n, const struct lm_fields *fs,
		       uint64_t known)
{
	size_t done = 0;
	for (size_t i = 0; i < n;) {
		size_t len = known_at(fs, known, s + i, n - i);
		if (!len) {
			i++;
			continue;
		}
		lm_buf_append(out, s + done, i - done);
		lm_buf_append(out, LM_REDACTED, sizeof(LM_REDACTED) - 1);
		done = i = i + len;
	}
	lm_buf_append(out, s + done, n - done);
}

/* One value masked into scratch: its start there. */
static size_t mask_value(struct lm_buf *scratch, struct lm_str k, struct lm_str v,
			 const struct lm_fields *fs, uint64_t known)
{
	lm_buf_reset(scratch);
	lm_buf_reserve(scratch, sizeof(LM_REDACTED));
	if (v.n && lm_redact_is_secret_name(k.p, k.n)) {
		lm_buf_append(scratch, LM_REDACTED, sizeof(LM_REDACTED) - 1);
		return 0;
	}
	lm_redact(scratch, v.p, v.n);
	if (!known)
		return 0;
	/* A JSON or logfmt record's secret also reaches captures of its text
	 * (values without their keys): mask it wherever it shows.  Each
	 * replaced value is at least KNOWN_MIN bytes, so the result is under
	 * 3 times as long and fits without moving the buffer. */
	size_t m = scratch->len;
	lm_buf_reserve(scratch, 3 * m + 1);
	mask_known(scratch, scratch->data, m, fs, known);
	return m;
}

void lm_redact_fields(struct lm_fields *dst, const struct lm_fields *src,
		      const struct lm_fields *context, size_t max, struct lm_buf *scratch)
{
	if (!context)
		context = src;
	lm_fields_reset(dst);
	uint64_t known = known_secrets(context);
	for (unsigned i = 0; i < src->count; i++) {
		struct lm_str k = lm_fields_key(src, i);
		size_t at = mask_value(scratch, k, lm_fields_val(src, i), context, known);
		const char *v = scratch->data + at;
		lm_fields_add(dst, k.p, k.n, v, lm_utf8_cut(v, scratch->len - at, max));
	}
}
