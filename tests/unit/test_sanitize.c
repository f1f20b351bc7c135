/*
 * test_sanitize: log text made safe to show.  lm_sanitize_terminal turns every
 * control character (C0 including tab and newline, DEL, C1 such as the
 * two-byte CSI C2 9B) and every byte of invalid UTF-8 (a stray FF, a lone
 * continuation byte, an overlong form, an encoded surrogate, a sequence cut
 * short) into a visible \xHH, and leaves valid UTF-8 (é, 中, emoji) as it is;
 * lm_sanitize_utf8 replaces each invalid byte with U+FFFD and leaves valid
 * text, control characters included, unchanged; lm_sanitize_html does what
 * the terminal one does and writes & < > " ' as character references, so
 * hostile markup (<script>, a quote ending an attribute) stays text.  Inputs
 * are copied into
 * exactly-sized heap buffers so a sanitizer build catches reads past n.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/sanitize.h"

#define FFFD "\xef\xbf\xbd"

/* Runs fn over the n bytes of in (no terminating NUL in the copy) and returns
 * the result as a NUL-terminated string; *len gets its length. */
static char *run(void (*fn)(struct lm_buf *, const char *, size_t), const char *in, size_t n,
		 size_t *len)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, in, n);
	struct lm_buf b;
	lm_buf_init(&b);
	fn(&b, p, n);
	free(p);
	*len = b.len;
	lm_buf_putc(&b, '\0');
	return b.data;
}

static void check(void (*fn)(struct lm_buf *, const char *, size_t), const char *in, size_t n,
		  const char *want)
{
	size_t len;
	char *out = run(fn, in, n, &len);
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
	free(out);
}

#define TERM(lit, want) check(lm_sanitize_terminal, lit, sizeof(lit) - 1, want)
#define UTF8(lit, want) check(lm_sanitize_utf8, lit, sizeof(lit) - 1, want)
#define HTML(lit, want) check(lm_sanitize_html, lit, sizeof(lit) - 1, want)

/* --- terminal --- */

static void test_terminal_plain(void **state)
{
	(void)state;
	TERM("", "");
	TERM("GET /index.html 200", "GET /index.html 200");
	TERM("back\\slash and \"quotes\" and 'x'", "back\\slash and \"quotes\" and 'x'");
	TERM("~!@#$%^&*()_+{}|:<>?", "~!@#$%^&*()_+{}|:<>?");
}

static void test_terminal_escape_sequences(void **state)
{
	(void)state;
	TERM("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	TERM("\x1b]0;owned\a", "\\x1b]0;owned\\x07");
	TERM("ding\a", "ding\\x07");
	TERM("a\rb", "a\\x0db");
	TERM("\b\b\bxyz", "\\x08\\x08\\x08xyz");
}

static void test_terminal_nul_del(void **state)
{
	(void)state;
	TERM("a\0b", "a\\x00b");
	TERM("\0", "\\x00");
	TERM("del\x7f", "del\\x7f");
}

static void test_terminal_tab_newline(void **state)
{
	(void)state;
	TERM("a\tb", "a\\x09b");
	TERM("line1\nline2\n", "line1\\x0aline2\\x0a");
}

static void test_terminal_c1(void **state)
{
	(void)state;
	/* U+009B (CSI) encoded in UTF-8: valid, but a control character. */
	TERM("\xc2\x9b" "31m", "\\xc2\\x9b31m");
	TERM("\xc2\x80", "\\xc2\\x80");
	TERM("\xc2\x9f", "\\xc2\\x9f");
	/* U+00A0, just past C1, is shown. */
	TERM("\xc2\xa0", "\xc2\xa0");
}

static void test_terminal_invalid(void **state)
{
	(void)state;
	TERM("a\xff" "b", "a\\xffb");
	TERM("\xfe", "\\xfe");
	TERM("lone \x80 byte", "lone \\x80 byte");
	/* Overlong '/' (C0 AF) and overlong NUL (C0 80). */
	TERM("\xc0\xaf", "\\xc0\\xaf");
	TERM("\xc0\x80", "\\xc0\\x80");
	/* Overlong three- and four-byte forms. */
	TERM("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	TERM("\xf0\x82\x82\xac", "\\xf0\\x82\\x82\\xac");
	/* A surrogate (U+D800) encoded directly. */
	TERM("\xed\xa0\x80", "\\xed\\xa0\\x80");
	/* Past U+10FFFF. */
	TERM("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	TERM("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	/* A three-byte sequence cut short, at the end and in the middle. */
	TERM("\xe2\x82", "\\xe2\\x82");
	TERM("x\xe2\x82", "x\\xe2\\x82");
	TERM("\xe2\x82" "A\xe2\x82\xac", "\\xe2\\x82A\xe2\x82\xac");
	/* A lead byte followed by another lead byte. */
	TERM("\xc3\xc3\xa9", "\\xc3\xc3\xa9");
}

static void test_terminal_valid_utf8(void **state)
{
	(void)state;
	TERM("caf\xc3\xa9", "caf\xc3\xa9");                  /* é */
	TERM("\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe6\x96\x87"); /* 中文 */
	TERM("\xf0\x9f\x94\xa5 fire", "\xf0\x9f\x94\xa5 fire");  /* U+1F525 */
	TERM("\xe2\x82\xac", "\xe2\x82\xac");                /* € */
	TERM("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");        /* U+10FFFF */
	TERM("\xed\x9f\xbf", "\xed\x9f\xbf");                /* U+D7FF */
	TERM("\xee\x80\x80", "\xee\x80\x80");                /* U+E000 */
	/* Mixed: valid kept, bad escaped, in place. */
	TERM("\xc3\xa9\x1b\xff\xe4\xb8\xad", "\xc3\xa9\\x1b\\xff\xe4\xb8\xad");
}

/* Appends: what was in the buffer stays. */
static void test_terminal_appends(void **state)
{
	(void)state;
	struct lm_buf b;
	lm_buf_init(&b);
	lm_buf_puts(&b, "pre:");
	lm_sanitize_terminal(&b, "\x1b!", 2);
	assert_string_equal(b.data, "pre:\\x1b!");
	assert_int_equal(b.len, 9);
	lm_buf_fini(&b);
}

/* --- UTF-8 --- */

static void test_utf8_valid_unchanged(void **state)
{
	(void)state;
	UTF8("", "");
	UTF8("plain ascii", "plain ascii");
	UTF8("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x94\xa5", "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x94\xa5");
	/* Control characters are valid UTF-8: the JSON encoder escapes them. */
	UTF8("\x1b[31m\t\n\x7f", "\x1b[31m\t\n\x7f");
	UTF8("\xc2\x9b", "\xc2\x9b");
	size_t len;
	char *out = run(lm_sanitize_utf8, "a\0b", 3, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "a\0b", 3);
	free(out);
}

static void test_utf8_invalid_replaced(void **state)
{
	(void)state;
	UTF8("a\xff" "b", "a" FFFD "b");
	UTF8("\x80", FFFD);
	UTF8("\xc0\xaf", FFFD FFFD);
	UTF8("\xed\xa0\x80", FFFD FFFD FFFD);
	UTF8("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	/* Each byte of a cut sequence is replaced; what follows is kept. */
	UTF8("\xe2\x82", FFFD FFFD);
	UTF8("\xe2\x82" "A", FFFD FFFD "A");
	UTF8("\xc3\xc3\xa9", FFFD "\xc3\xa9");
	/* U+FFFD itself is valid and stays. */
	UTF8(FFFD, FFFD);
}

static void test_terminal_format_characters(void **state)
{
	(void)state;
	struct lm_buf b;
	lm_buf_init(&b);
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI, U+200B ZWSP, U+FEFF BOM */
	const char in[] = "a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8b" "d\xef\xbb\xbf\xc3\xa9";
	lm_sanitize_terminal(&b, in, sizeof(in) - 1);
	assert_string_equal(b.data, "a\\u202eb\\u2066c\\u200bd\\ufeff\xc3\xa9");
	lm_buf_fini(&b);
}

/* --- HTML --- */

static void test_html_markup(void **state)
{
	(void)state;
	HTML("", "");
	HTML("plain text, caf\xc3\xa9", "plain text, caf\xc3\xa9");
	HTML("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	HTML("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	HTML("pod-'a' & b", "pod-&#39;a&#39; &amp; b");
	HTML("</style></pre></title>", "&lt;/style&gt;&lt;/pre&gt;&lt;/title&gt;");
	/* a reference in the log is shown as written, not decoded */
	HTML("&lt;b&gt; &#60;", "&amp;lt;b&amp;gt; &amp;#60;");
}

static void test_html_controls(void **state)
{
	(void)state;
	/* control characters, invalid bytes and format characters as on a terminal */
	HTML("\x1b]0;x\x07\x1b[2J<", "\\x1b]0;x\\x07\\x1b[2J&lt;");
	HTML("a\tb\r\nc", "a\\x09b\\x0d\\x0ac");
	HTML("\xc2\x9b\xff\"", "\\xc2\\x9b\\xff&quot;");
	HTML("a\xe2\x80\xae<", "a\\u202e&lt;");
	size_t len;
	char *out = run(lm_sanitize_html, "<\0>", 3, &len);
	assert_string_equal(out, "&lt;\\x00&gt;");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_format_characters),
		cmocka_unit_test(test_terminal_plain),
		cmocka_unit_test(test_terminal_escape_sequences),
		cmocka_unit_test(test_terminal_nul_del),
		cmocka_unit_test(test_terminal_tab_newline),
		cmocka_unit_test(test_terminal_c1),
		cmocka_unit_test(test_terminal_invalid),
		cmocka_unit_test(test_terminal_valid_utf8),
		cmocka_unit_test(test_terminal_appends),
		cmocka_unit_test(test_utf8_valid_unchanged),
		cmocka_unit_test(test_utf8_invalid_replaced),
		cmocka_unit_test(test_html_markup),
		cmocka_unit_test(test_html_controls),
	};
	return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
