/*
 * options: getopt_long over logmedic's options.  See options.h; the same
 * options are described in --help (below), README.md and docs/logmedic.1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/options.h"
#include "ingest/reader.h"
#include "analyzers/diagnosis.h"

enum {
	OPT_FORMAT = 256,
	OPT_MAX_LINE,
	OPT_READ_SIZE,
	OPT_MAX_KEYS,
	OPT_MATCHES,
	OPT_COLOR,
	OPT_FAIL_ON,
	OPT_NO_REDACT,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "read-size", required_argument, NULL, OPT_READ_SIZE },
	{ "rules", required_argument, NULL, 'r' },
	{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },
	{ "output", required_argument, NULL, 'o' },
	{ "matches", no_argument, NULL, OPT_MATCHES },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "no-redact", no_argument, NULL, OPT_NO_REDACT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void lm_options_usage(FILE *out)
{
	fputs("Usage: logmedic [OPTION]... [FILE]...\n"
	      "       logmedic [--rules PATH]... rules list|show ID|lint|test\n"
	      "\n"
	      "Reads logs from the FILEs, merged in event-time order, or from standard\n"
	      "input when there is none or for '-', recognises known failures with rules,\n"
	      "and prints diagnoses: what is wrong, where, the evidence, probable causes,\n"
	      "remediation commands and how to verify the fix.\n"
	      "\n"
	      "Input:\n"
	      "      --format NAME     decode every line as NAME: cri, docker, json, kubectl,\n"
	      "                        logfmt or plain (default: detected per line)\n"
	      "      --max-line BYTES  cut longer lines at BYTES (default 1M; K, M suffixes)\n"
	      "      --read-size BYTES bytes per read (default 256K); tiny values are for tests\n"
	      "Rules:\n"
	      "  -r, --rules PATH      a rule file or a folder of *.yml, repeatable (default:\n"
	      "                        the installed pack and /etc/logmedic/rules.d)\n"
	      "      --max-keys N      group keys kept per rule (default 10000)\n"
	      "Output:\n"
	      "  -o, --output FORMAT   text (default) or json: one object per line\n"
	      "      --matches         instead of diagnoses, one JSON object per input line\n"
	      "                        that hit a rule\n"
	      "      --color WHEN      auto (default), always or never\n"
	      "      --no-redact       show secrets (tokens, passwords, keys) in evidence and\n"
	      "                        fields as the logs have them; masked by default\n"
	      "  -q, --quiet           no summary on standard error\n"
	      "      --fail-on SEV     exit 1 when a diagnosis of SEV or worse fired: info,\n"
	      "                        warning, error, critical (default) or never\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         the version\n"
	      "\n"
	      "Commands:\n"
	      "  rules list            one line per rule: id, severity, layer, title\n"
	      "  rules show ID         everything a rule says\n"
	      "  rules lint            rules that lack examples, steps or fields they use\n"
	      "  rules test            check every rule against its own examples\n"
	      "\n"
	      "Exit status: 0 nothing at or above --fail-on fired, 1 something did,\n"
	      "2 usage, configuration or input errors (a file that cannot be read).\n"
	      "See logmedic(1), docs/rules.md and docs/json.md.\n",
	      out);
}

/* A byte count with an optional K or M suffix. */
static int parse_size(const char *s, size_t min, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-' || v > (1ull << 31))
		return -1;
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	if (*end || v < min || v > (1ull << 31))
		return -1;
	*out = (size_t)v;
	return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("logmedic: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'logmedic --help'.\n", stderr);
	return 2;
}

static int parse_one(struct lm_options *o, int c, const char *arg)
{
	unsigned long n;
	char *end;
	switch (c) {
	case OPT_FORMAT:
		o->format = arg;
		return 0;
	case OPT_MAX_LINE:
		return parse_size(arg, 64, &o->max_line) ? usage_error("--max-line: bad size \"%s\" (at least 64 bytes, at most 2G)", arg) : 0;
	case OPT_READ_SIZE:
		return parse_size(arg, 1, &o->read_size) ? usage_error("--read-size: bad size \"%s\"", arg) : 0;
	case 'r':
		o->rules = lm_xrealloc(o->rules, (o->n_rules + 1) * sizeof(*o->rules));
		o->rules[o->n_rules++] = arg;
		return 0;
	case OPT_MAX_KEYS:
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (errno || *end || n < 1 || n > 100000000 || arg[0] == '-')
			return usage_error("--max-keys: bad number \"%s\"", arg);
		o->max_keys = (unsigned)n;
		return 0;
	case 'o':
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return usage_error("--output: unknown format \"%s\" (text or json)", arg);
		o->output = arg;
		return 0;
	case OPT_MATCHES:
		o->matches = true;
		return 0;
	case OPT_COLOR:
		if (!strcmp(arg, "auto"))
			o->color = LM_COLOR_AUTO;
		else if (!strcmp(arg, "always"))
			o->color = LM_COLOR_ALWAYS;
		else if (!strcmp(arg, "never"))
			o->color = LM_COLOR_NEVER;
		else
			return usage_error("--color: \"%s\" is not auto, always or never", arg);
		return 0;
	case OPT_NO_REDACT:
		o->no_redact = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case OPT_FAIL_ON:
		if (lm_severity_parse(arg, &o->fail_on) < 0)
			return usage_error("--fail-on: \"%s\" is not info, warning, error, critical or never", arg);
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case 'V':
		o->version = true;
		return 0;
	default:
		fputs("Try 'logmedic --help'.\n", stderr);
		return 2;
	}
}

int lm_options_parse(struct lm_options *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->max_line = LM_MAX_LINE_DEFAULT;
	o->read_size = LM_READ_SIZE_DEFAULT;
	o->max_keys = LM_KEYS_PER_RULE_DEFAULT;
	o->output = "text";
	o->fail_on = LM_SEV_CRITICAL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:o:qhV", long_options, NULL)) != -1) {
		int rc = parse_one(o, c, optarg);
		if (rc)
			return rc;
	}
	o->inputs = argv + optind;
	o->n_inputs = (unsigned)(argc - optind);
	return 0;
}

void lm_options_fini(struct lm_options *o)
{
	free(o->rules);
	o->rules = NULL;
}
