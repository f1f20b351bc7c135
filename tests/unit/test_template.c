/*
 * test_template: shell quoting and remediation templates.  lm_shell_quote
 * leaves safe words alone, single-quotes anything a shell would interpret
 * (spaces, $(...), backticks, ; | & *, quotes) and uses $'...' with \xHH for
 * control characters; for every hostile value a real shell (/bin/sh, or bash
 * for $'...') is run on `printf %s QUOTED` and must print the original bytes
 * exactly.  lm_template_render fills {name} placeholders from field sets in
 * order, leaves <name> for missing values and any other brace untouched (JSON);
 * lm_template_each_placeholder lists the placeholder names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/event.h"
#include "rules/template.h"

/* --- helpers --- */

/* lm_shell_quote of n bytes, into a NUL-terminated string the caller frees. */
static char *quote_n(const char *s, size_t n)
{
	struct lm_buf b;
	lm_buf_init(&b);
	lm_shell_quote(&b, s, n);
	lm_buf_putc(&b, '\0');
	return b.data;
}

static char *quote(const char *s)
{
	return quote_n(s, strlen(s));
}

/* Runs `shell -c script` and returns its stdout (*len bytes); exit status 0. */
static char *run_shell(const char *shell, const char *script, size_t *len)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execl(shell, shell, "-c", script, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	struct lm_buf out;
	lm_buf_init(&out);
	char chunk[4096];
	ssize_t n;
	while ((n = read(fd[0], chunk, sizeof(chunk))) > 0)
		lm_buf_append(&out, chunk, (size_t)n);
	close(fd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	*len = out.len;
	lm_buf_putc(&out, '\0');
	return out.data;
}

/* The shell, given `printf %s QUOTED`, prints exactly the n bytes of s. */
static void assert_shell_roundtrip(const char *shell, const char *s, size_t n)
{
	char *q = quote_n(s, n);
	struct lm_buf script;
	lm_buf_init(&script);
	lm_buf_puts(&script, "printf %s ");
	lm_buf_puts(&script, q);
	size_t len;
	char *out = run_shell(shell, script.data, &len);
	if (len != n || memcmp(out, s, n) != 0)
		print_message("%s: quoted as [%s], shell printed [%s]\n", shell, q, out);
	assert_int_equal(len, n);
	assert_memory_equal(out, s, n);
	free(out);
	lm_buf_fini(&script);
	free(q);
}

static void set(struct lm_fields *fs, const char *k, const char *v)
{
	lm_fields_set(fs, k, strlen(k), v, strlen(v));
}

static char *render(const char *tmpl, const struct lm_fields *const *sets, unsigned n)
{
	struct lm_buf b;
	lm_buf_init(&b);
	lm_template_render(&b, tmpl, sets, n);
	lm_buf_putc(&b, '\0');
	return b.data;
}

#define assert_quote(in, want)                          \
	do {                                            \
		char *q_ = quote(in);                   \
		assert_string_equal(q_, want);          \
		free(q_);                               \
	} while (0)

/* --- lm_shell_quote --- */

static void test_quote_safe_words(void **state)
{
	(void)state;
	assert_quote("nginx", "nginx");
	assert_quote("library-app-7d9f8b6c4-x2k9p", "library-app-7d9f8b6c4-x2k9p");
	assert_quote("10.0.0.1:5432", "10.0.0.1:5432");
	assert_quote("/var/log/syslog", "/var/log/syslog");
	assert_quote("user@host,a=b%c+d_E", "user@host,a=b%c+d_E");
}

static void test_quote_empty(void **state)
{
	(void)state;
	assert_quote("", "''");
	size_t len;
	/* '' is one empty argument: printf sees "[%s]" and "". */
	char *out = run_shell("/bin/sh", "printf '[%s]' ''", &len);
	assert_string_equal(out, "[]");
	free(out);
}

static void test_quote_single(void **state)
{
	(void)state;
	assert_quote("hello world", "'hello world'");
	assert_quote("x$(reboot)", "'x$(reboot)'");
	assert_quote("`reboot`", "'`reboot`'");
	assert_quote("a;reboot", "'a;reboot'");
	assert_quote("a|reboot", "'a|reboot'");
	assert_quote("a&reboot", "'a&reboot'");
	assert_quote("*", "'*'");
	assert_quote("$HOME", "'$HOME'");
	assert_quote("~root", "'~root'");
	assert_quote("{a,b}", "'{a,b}'");
	assert_quote("a>b<c", "'a>b<c'");
	assert_quote("it's", "'it'\\''s'");
	assert_quote("'", "''\\'''");
	assert_quote("say \"hi\"", "'say \"hi\"'");
	assert_quote("back\\slash", "'back\\slash'");
	/* Bytes past ASCII are not control characters: single quotes keep them. */
	assert_quote("caf\xc3\xa9", "'caf\xc3\xa9'");
	assert_quote("\xff\xfe", "'\xff\xfe'");
}

static void test_quote_control(void **state)
{
	(void)state;
	assert_quote("a\nb", "$'a\\x0ab'");
	assert_quote("\x1b[31mred", "$'\\x1b[31mred'");
	assert_quote("tab\there", "$'tab\\x09here'");
	assert_quote("del\x7f", "$'del\\x7f'");
	assert_quote("bell\a", "$'bell\\x07'");
	assert_quote("\r", "$'\\x0d'");
	/* Inside $'...' a quote and a backslash are escaped with a backslash. */
	assert_quote("it's\n", "$'it\\'s\\x0a'");
	assert_quote("a\\b\n", "$'a\\\\b\\x0a'");
	/* Hex digits after an escape stay literal (\xHH takes two digits at most). */
	assert_quote("\x01" "ff", "$'\\x01ff'");
	/* NUL is a control character too (a shell cannot carry it in an argument). */
	char *q = quote_n("a\0b", 3);
	assert_string_equal(q, "$'a\\x00b'");
	free(q);
}

static const char *const hostile[] = {
	"hello world",
	"x$(reboot)",
	"`reboot`",
	"a;reboot",
	"a|reboot",
	"a&reboot",
	"*",
	"$HOME",
	"~root",
	"{a,b}",
	"a>b<c",
	"it's",
	"'",
	"''",
	"'\\''",
	"say \"hi\"",
	"back\\slash\\",
	"caf\xc3\xa9 \xe4\xb8\xad",
	"\xff\xfe",
	"-n",
	"%s%d",
	"  leading and trailing  ",
	"#comment",
	"a\"'`$\\!?[]()",
};

static void test_quote_sh_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		assert_shell_roundtrip("/bin/sh", hostile[i], strlen(hostile[i]));
		assert_shell_roundtrip("/bin/bash", hostile[i], strlen(hostile[i]));
	}
}

static const char *const controls[] = {
	"a\nb",
	"\n",
	"\x1b[31mred\x1b[0m",
	"\x1b]0;title\a",
	"tab\there",
	"del\x7f",
	"\r\n",
	"it's\n",
	"a\\b\n",
	("\x01" "ff"),
	"$(reboot)\n`id`",
	"\x1f\x02\x03 caf\xc3\xa9 \xff",
};

/* $'...' is bash (and POSIX 2024) syntax: dash does not have it. */
static void test_quote_bash_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		char *q = quote(controls[i]);
		assert_int_equal(strncmp(q, "$'", 2), 0);
		free(q);
		assert_shell_roundtrip("/bin/bash", controls[i], strlen(controls[i]));
	}
}

/* --- lm_template_render --- */

static void test_render_basic(void **state)
{
	(void)state;
	struct lm_fields f;
	lm_fields_init(&f);
	set(&f, "pod", "web-1");
	set(&f, "namespace", "prod");
	const struct lm_fields *sets[] = { &f };
	char *s = render("kubectl logs {pod} -n {namespace} --previous", sets, 1);
	assert_string_equal(s, "kubectl logs web-1 -n prod --previous");
	free(s);
	/* A template without placeholders is copied. */
	s = render("uptime", sets, 1);
	assert_string_equal(s, "uptime");
	free(s);
	s = render("", sets, 1);
	assert_string_equal(s, "");
	free(s);
	lm_fields_fini(&f);
}

static void test_render_missing(void **state)
{
	(void)state;
	struct lm_fields f;
	lm_fields_init(&f);
	set(&f, "namespace", "prod");
	const struct lm_fields *sets[] = { &f };
	char *s = render("kubectl logs {pod} -n {namespace}", sets, 1);
	assert_string_equal(s, "kubectl logs <pod> -n prod");
	free(s);
	/* No sets at all. */
	s = render("ping {host.name}", NULL, 0);
	assert_string_equal(s, "ping <host.name>");
	free(s);
	lm_fields_fini(&f);
}

static void test_render_hostile_values(void **state)
{
	(void)state;
	struct lm_fields f;
	lm_fields_init(&f);
	set(&f, "pod", "x$(reboot)");
	set(&f, "ns", "a b;c");
	set(&f, "empty", "");
	set(&f, "nl", "x\ny");
	const struct lm_fields *sets[] = { &f };
	char *s = render("kubectl delete pod {pod} -n {ns} {empty} {nl}", sets, 1);
	assert_string_equal(s, "kubectl delete pod 'x$(reboot)' -n 'a b;c' '' $'x\\x0ay'");
	free(s);
	/* The shell sees each value as one inert argument. */
	s = render("printf '[%s]' {pod} {ns} {empty}", sets, 1);
	size_t len;
	char *out = run_shell("/bin/sh", s, &len);
	assert_string_equal(out, "[x$(reboot)][a b;c][]");
	free(out);
	free(s);
	lm_fields_fini(&f);
}

static void test_render_json_braces(void **state)
{
	(void)state;
	struct lm_fields f;
	lm_fields_init(&f);
	set(&f, "deploy", "api");
	set(&f, "spec", "SHOULD-NOT-APPEAR");
	const struct lm_fields *sets[] = { &f };
	char *s = render("kubectl patch deployment {deploy} -p '{\"spec\":{}}'", sets, 1);
	assert_string_equal(s, "kubectl patch deployment api -p '{\"spec\":{}}'");
	free(s);
	s = render("echo {not a placeholder} {} {1x} {-x} { deploy} {deploy", sets, 1);
	assert_string_equal(s, "echo {not a placeholder} {} {1x} {-x} { deploy} {deploy");
	free(s);
	/* A brace right before a placeholder is literal, the placeholder is not. */
	s = render("{{deploy}}", sets, 1);
	assert_string_equal(s, "{api}");
	free(s);
	lm_fields_fini(&f);
}

static void test_render_adjacent_quotes(void **state)
{
	(void)state;
	struct lm_fields f;
	lm_fields_init(&f);
	set(&f, "pod", "a b");
	set(&f, "id", "42");
	const struct lm_fields *sets[] = { &f };
	char *s = render("printf %s 'prefix-'{pod}'-suffix' x{id}y", sets, 1);
	assert_string_equal(s, "printf %s 'prefix-''a b''-suffix' x42y");
	size_t len;
	char *out = run_shell("/bin/sh", s, &len);
	assert_string_equal(out, "prefix-a b-suffixx42y");
	free(out);
	free(s);
	lm_fields_fini(&f);
}

static void test_render_lookup_order(void **state)
{
	(void)state;
	struct lm_fields first, second;
	lm_fields_init(&first);
	lm_fields_init(&second);
	set(&first, "pod", "from-first");
	set(&second, "pod", "from-second");
	set(&second, "ns", "only-second");
	set(&second, "a.b", "dotted");
	const struct lm_fields *sets[] = { &first, &second };
	char *s = render("{pod} {ns} {a.b} {none}", sets, 2);
	assert_string_equal(s, "from-first only-second dotted <none>");
	free(s);
	const struct lm_fields *reversed[] = { &second, &first };
	s = render("{pod} {ns}", reversed, 2);
	assert_string_equal(s, "from-second only-second");
	free(s);
	/* A NULL set is skipped. */
	const struct lm_fields *holes[] = { NULL, &second };
	s = render("{pod}", holes, 2);
	assert_string_equal(s, "from-second");
	free(s);
	lm_fields_fini(&first);
	lm_fields_fini(&second);
}

/* --- lm_template_each_placeholder --- */

struct names {
	char v[8][32];
	unsigned n;
};

static void collect(void *arg, const char *name, size_t len)
{
	struct names *ns = arg;
	assert_true(ns->n < 8);
	assert_true(len < 32);
	memcpy(ns->v[ns->n], name, len);
	ns->v[ns->n][len] = '\0';
	ns->n++;
}

static void test_each_placeholder(void **state)
{
	(void)state;
	struct names ns = { .n = 0 };
	lm_template_each_placeholder(
		"kubectl logs {pod} -n {namespace} -p '{\"spec\":{}}' {not one} {x.y}{_z9}{pod}", collect,
		&ns);
	assert_int_equal(ns.n, 5);
	assert_string_equal(ns.v[0], "pod");
	assert_string_equal(ns.v[1], "namespace");
	assert_string_equal(ns.v[2], "x.y");
	assert_string_equal(ns.v[3], "_z9");
	assert_string_equal(ns.v[4], "pod");

	ns.n = 0;
	lm_template_each_placeholder("no placeholders {here or} {} {", collect, &ns);
	assert_int_equal(ns.n, 0);
}

/* A value that would be read as an option is not filled in; one that zsh
 * would expand (a leading '=') is quoted. */
static void test_render_option_like_values(void **state)
{
	(void)state;
	struct lm_fields f;
	lm_fields_init(&f);
	set(&f, "pod", "--all-namespaces");
	set(&f, "name", "=ls");
	const struct lm_fields *sets[] = { &f };
	char *s = render("kubectl delete pod {pod} && echo {name}", sets, 1);
	assert_string_equal(s, "kubectl delete pod <pod> && echo '=ls'");
	free(s);
	lm_fields_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_option_like_values),
		cmocka_unit_test(test_quote_safe_words),
		cmocka_unit_test(test_quote_empty),
		cmocka_unit_test(test_quote_single),
		cmocka_unit_test(test_quote_control),
		cmocka_unit_test(test_quote_sh_roundtrip),
		cmocka_unit_test(test_quote_bash_roundtrip),
		cmocka_unit_test(test_render_basic),
		cmocka_unit_test(test_render_missing),
		cmocka_unit_test(test_render_hostile_values),
		cmocka_unit_test(test_render_json_braces),
		cmocka_unit_test(test_render_adjacent_quotes),
		cmocka_unit_test(test_render_lookup_order),
		cmocka_unit_test(test_each_placeholder),
	};
	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
