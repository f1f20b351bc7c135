/*
 * sanitize: terminal-safe, HTML-safe and UTF-8-valid copies of log text.
 * See sanitize.h.
 */
#include "core/sanitize.h"

#include <stdbool.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if the byte there does
 * not start one.  Rejects overlong forms, surrogates and values past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, *cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, *cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, *cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* Control characters, and the invisible format characters that reorder or
 * hide text on a terminal (bidirectional overrides and isolates, marks). */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Appends the valid character at s (len bytes): as it is, or in HTML as a
 * character reference when it is one of & < > " ' (the apostrophe as
 * &#39;, which HTML 4 and XML read too). */
static void put_char(struct lm_buf *out, const char *s, size_t len, bool html)
{
	static const char *const refs[] = { ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
					    ['"'] = "&quot;", ['\''] = "&#39;" };
	unsigned char c = (unsigned char)s[0];
	if (html && c < sizeof(refs) / sizeof(refs[0]) && refs[c])
		lm_buf_puts(out, refs[c]);
	else
		lm_buf_append(out, s, len);
}

/* Control characters, invisible format characters and invalid bytes shown
 * as escapes; everything else as it is, or escaped for HTML. */
static void visible(struct lm_buf *out, const char *s, size_t n, bool html)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_len(u + i, n - i, &cp);
		if (len == 0 || (cp < 0x100 && is_control(cp))) {
			size_t bad = len ? len : 1;
			for (size_t k = 0; k < bad; k++)
				lm_buf_printf(out, "\\x%02x", u[i + k]);
			i += bad;
			continue;
		}
		if (is_control(cp)) { /* a format character: shown by its code point */
			lm_buf_printf(out, "\\u%04x", cp);
			i += len;
			continue;
		}
		put_char(out, s + i, len, html);
		i += len;
	}
}

void lm_sanitize_terminal(struct lm_buf *out, const char *s, size_t n)
{
	visible(out, s, n, false);
}

void lm_sanitize_html(struct lm_buf *out, const char *s, size_t n)
{
	visible(out, s, n, true);
}

void lm_sanitize_utf8(struct lm_buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_len(u + i, n - i, &cp);
		if (len == 0) {
			lm_buf_append(out, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		lm_buf_append(out, s + i, len);
		i += len;
	}
}

size_t lm_utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t cut = max;
	/* Back off continuation bytes (10xxxxxx), at most 3 of them. */
	while (cut > 0 && cut > max - 3 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}
