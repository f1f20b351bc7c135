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
#include "core/configfile.h"
#include "core/options.h"
#include "ingest/reader.h"
#include "ingest/timestamp.h"
#include "analyzers/diagnosis.h"

enum {
	OPT_FORMAT = 256,
	OPT_MAX_LINE,
	OPT_READ_SIZE,
	OPT_MAX_KEYS,
	OPT_MAX_EVIDENCE,
	OPT_MAX_IDLE,
	OPT_MATCHES,
	OPT_COLOR,
	OPT_FAIL_ON,
	OPT_NO_REDACT,
	OPT_FOLLOW,
	OPT_FROM_BEGINNING,
	OPT_STATE,
	OPT_STATE_INTERVAL,
	OPT_POLL_INTERVAL,
	OPT_ROTATE_WAIT,
	OPT_NO_INOTIFY,
	OPT_FLUSH_TIMEOUT,
	OPT_NO_MULTILINE,
	OPT_ML_MAX_LINES,
	OPT_ML_MAX_BYTES,
	OPT_KAFKA,
	OPT_TOPIC,
	OPT_GROUP,
	OPT_COMMIT_INTERVAL,
	OPT_OUTPUT_OPT,
	OPT_WEBHOOK_FORMAT,
	OPT_OUTPUT_QUEUE,
	OPT_METRICS,
};

static const struct option long_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "read-size", required_argument, NULL, OPT_READ_SIZE },
	{ "follow", required_argument, NULL, OPT_FOLLOW },
	{ "from-beginning", no_argument, NULL, OPT_FROM_BEGINNING },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "state-interval", required_argument, NULL, OPT_STATE_INTERVAL },
	{ "poll-interval", required_argument, NULL, OPT_POLL_INTERVAL },
	{ "rotate-wait", required_argument, NULL, OPT_ROTATE_WAIT },
	{ "no-inotify", no_argument, NULL, OPT_NO_INOTIFY },
	{ "flush-timeout", required_argument, NULL, OPT_FLUSH_TIMEOUT },
	{ "no-multiline", no_argument, NULL, OPT_NO_MULTILINE },
	{ "multiline-max-lines", required_argument, NULL, OPT_ML_MAX_LINES },
	{ "multiline-max-bytes", required_argument, NULL, OPT_ML_MAX_BYTES },
	{ "kafka", required_argument, NULL, OPT_KAFKA },
	{ "kafka-setting", required_argument, NULL, 'X' },
	{ "topic", required_argument, NULL, OPT_TOPIC },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "commit-interval", required_argument, NULL, OPT_COMMIT_INTERVAL },
	{ "config", required_argument, NULL, 'c' },
	{ "rules", required_argument, NULL, 'r' },
	{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },
	{ "max-evidence", required_argument, NULL, OPT_MAX_EVIDENCE },
	{ "max-idle", required_argument, NULL, OPT_MAX_IDLE },
	{ "output", required_argument, NULL, 'o' },
	{ "output-opt", required_argument, NULL, OPT_OUTPUT_OPT },
	{ "webhook-format", required_argument, NULL, OPT_WEBHOOK_FORMAT },
	{ "output-queue", required_argument, NULL, OPT_OUTPUT_QUEUE },
	{ "metrics", required_argument, NULL, OPT_METRICS },
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
	      "       logmedic [OPTION]... --follow PATH... [--state FILE]\n"
	      "       logmedic [OPTION]... --kafka BROKERS --topic T --group G [-X K=V]...\n"
	      "       logmedic [--rules PATH]... rules list|show ID|lint|test\n"
	      "\n"
	      "Reads logs from the FILEs, merged in event-time order, or from standard\n"
	      "input when there is none or for '-', or follows files or Kafka topics\n"
	      "live; recognises known failures with rules, and prints diagnoses: what is\n"
	      "wrong, where, the evidence, probable causes, remediation commands and how\n"
	      "to verify the fix.  SIGHUP reloads the rules of a live run.\n"
	      "\n"
	      "Input:\n"
	      "      --format NAME     decode every line as NAME: cri, docker, json, kubectl,\n"
	      "                        logfmt or plain (default: detected per line)\n"
	      "      --max-line BYTES  cut longer lines at BYTES (default 1M; K, M suffixes)\n"
	      "      --read-size BYTES bytes per read (default 256K); tiny values are for tests\n"
	      "      --no-multiline    do not join stack traces and continued lines into one\n"
	      "                        event\n"
	      "      --multiline-max-lines N, --multiline-max-bytes BYTES\n"
	      "                        bounds on one joined event (default 500 lines, 256K)\n"
	      "Live input (standard input from a pipe or terminal is live too):\n"
	      "      --follow PATH     follow files matching PATH (a glob; quote it) as they\n"
	      "                        grow, across rotation; repeatable\n"
	      "      --from-beginning  read files present at start from their beginning\n"
	      "                        (default: from their end; files appearing later are\n"
	      "                        read from their beginning)\n"
	      "      --state FILE      keep followed files' offsets in FILE, to resume there\n"
	      "      --state-interval DURATION  save the state this often (default 5s)\n"
	      "      --poll-interval DURATION   look for new and rotated files this often\n"
	      "                        without inotify (default 250ms; 2s with it)\n"
	      "      --no-inotify      poll only (for network file systems)\n"
	      "      --rotate-wait DURATION     keep reading a renamed file this long after\n"
	      "                        it goes quiet (default 5s)\n"
	      "      --flush-timeout DURATION   hand on a line without newline, or a stack\n"
	      "                        trace still expecting lines, after this (default 1s)\n"
	      "      --kafka BROKERS   consume Kafka (host:port,...) in a consumer group\n"
	      "      --topic T[,T...]  the topics (required with --kafka)\n"
	      "      --group G         the consumer group (required with --kafka)\n"
	      "  -X, --kafka-setting KEY=VALUE  a librdkafka setting (security.protocol,\n"
	      "                        sasl.*, ssl.*,\n"
	      "                        fetch sizes...); repeatable\n"
	      "      --commit-interval DURATION  commit Kafka offsets this often (default 5s)\n"
	      "Rules:\n"
	      "  -r, --rules PATH      a rule file or a folder of *.yml, repeatable (default:\n"
	      "                        the installed pack and /etc/logmedic/rules.d)\n"
	      "      --max-keys N      group keys kept per rule (default 10000)\n"
	      "      --max-evidence N  matched records kept per diagnosis: the first N/2\n"
	      "                        (rounded up) and the latest N/2 (default 6, max 100)\n"
	      "      --max-idle N      diagnoses kept once idle (resolved, or their window\n"
	      "                        passed); the oldest beyond are retired: counted,\n"
	      "                        not listed (default 1000; 0 or -o report: all)\n"
	      "Output:\n"
	      "  -o, --output FORMAT   text (default), json (one object per line) or report\n"
	      "                        (one HTML page at the end of the run)\n"
	      "  -o, --output NAME=TARGET  also send diagnoses to a network output (see\n"
	      "                        docs/outputs.md); repeatable\n"
	      "      --output-opt NAME.KEY=VALUE  a setting of output NAME; repeatable\n"
	      "      --webhook-format F  json (default) or slack, for webhook outputs\n"
	      "      --output-queue N  diagnoses queued per network output (default 10000;\n"
	      "                        the oldest is dropped, and counted, beyond)\n"
	      "      --metrics ADDR:PORT  serve Prometheus metrics at http://ADDR:PORT/metrics\n"
	      "      --matches         instead of diagnoses, one JSON object per input line\n"
	      "                        that hit a rule\n"
	      "      --color WHEN      auto (default), always or never\n"
	      "      --no-redact       show secrets (tokens, passwords, keys) in evidence and\n"
	      "                        fields as the logs have them; masked by default\n"
	      "  -q, --quiet           no summary on standard error\n"
	      "      --fail-on SEV     exit 1 when a diagnosis of SEV or worse fired: info,\n"
	      "                        warning, error, critical (default) or never\n"
	      "  -c, --config FILE     read settings from FILE (docs/config.md); the\n"
	      "                        command line overrides them\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         the version\n"
	      "\n"
	      "Commands:\n"
	      "  rules list            one line per rule: id, severity, layer, title\n"
	      "  rules show ID         everything a rule says\n"
	      "  rules lint            rules that lack examples, steps or fields they use,\n"
	      "                        and nested quantifiers that can backtrack badly\n"
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

/* A whole number from min to max. */
static int parse_count(const char *s, unsigned long min, unsigned long max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || n < min || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* A duration such as 250ms, 5s or 1m, between 1 ms and one day. */
static int parse_interval(const char *s, int64_t *out)
{
	lm_time_t t;
	if (lm_duration_parse(s, &t) < 0 || t < LM_NS_PER_MS || t > 86400 * LM_NS_PER_SEC)
		return -1;
	*out = t;
	return 0;
}

static const char **append(const char **list, unsigned *n, const char *arg)
{
	list = lm_xrealloc(list, (*n + 1) * sizeof(*list));
	list[(*n)++] = arg;
	return list;
}

/* While a value of the configuration file is applied: its position. */
static const char *config_where;

static int usage_error(const char *fmt, const char *arg)
{
	fputs("logmedic: ", stderr);
	if (config_where)
		fprintf(stderr, "%s: ", config_where);
	fprintf(stderr, fmt, arg);
	fputs(config_where ? "\n" : "\nTry 'logmedic --help'.\n", stderr);
	return 2;
}

static int parse_one(struct lm_options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_FORMAT:
		o->format = arg;
		return 0;
	case OPT_MAX_LINE:
		return parse_size(arg, 64, &o->max_line) ? usage_error("--max-line: bad size \"%s\" (at least 64 bytes, at most 2G)", arg) : 0;
	case OPT_READ_SIZE:
		return parse_size(arg, 1, &o->read_size) ? usage_error("--read-size: bad size \"%s\"", arg) : 0;
	case 'r':
		o->rules = append(o->rules, &o->n_rules, arg);
		return 0;
	case OPT_FOLLOW:
		o->follow = append(o->follow, &o->n_follow, arg);
		return 0;
	case OPT_FROM_BEGINNING:
		o->from_beginning = true;
		return 0;
	case OPT_STATE:
		o->state = arg;
		return 0;
	case OPT_STATE_INTERVAL:
		return parse_interval(arg, &o->state_interval) ? usage_error("--state-interval: bad duration \"%s\" (1ms to 1d, such as 500ms or 5s)", arg) : 0;
	case OPT_POLL_INTERVAL:
		return parse_interval(arg, &o->poll_interval) ? usage_error("--poll-interval: bad duration \"%s\" (1ms to 1d, such as 250ms)", arg) : 0;
	case OPT_ROTATE_WAIT:
		return parse_interval(arg, &o->rotate_wait) ? usage_error("--rotate-wait: bad duration \"%s\" (1ms to 1d, such as 5s)", arg) : 0;
	case OPT_FLUSH_TIMEOUT:
		return parse_interval(arg, &o->flush_timeout) ? usage_error("--flush-timeout: bad duration \"%s\" (1ms to 1d, such as 1s)", arg) : 0;
	case OPT_COMMIT_INTERVAL:
		return parse_interval(arg, &o->commit_interval) ? usage_error("--commit-interval: bad duration \"%s\" (1ms to 1d, such as 5s)", arg) : 0;
	case OPT_NO_INOTIFY:
		o->no_inotify = true;
		return 0;
	case OPT_NO_MULTILINE:
		o->no_multiline = true;
		return 0;
	case OPT_ML_MAX_LINES:
		return parse_count(arg, 1, 1000000, &o->ml_max_lines) ? usage_error("--multiline-max-lines: bad number \"%s\" (1 to 1000000)", arg) : 0;
	case OPT_ML_MAX_BYTES:
		return parse_size(arg, 64, &o->ml_max_bytes) ? usage_error("--multiline-max-bytes: bad size \"%s\" (at least 64 bytes, at most 2G)", arg) : 0;
	case OPT_KAFKA:
		o->kafka = arg;
		return 0;
	case OPT_TOPIC:
		o->topics = arg;
		return 0;
	case OPT_GROUP:
		o->group = arg;
		return 0;
	case 'X':
		if (!strchr(arg, '=') || arg[0] == '=')
			return usage_error("-X: \"%s\" is not KEY=VALUE", arg);
		o->kafka_conf = append(o->kafka_conf, &o->n_kafka_conf, arg);
		return 0;
	case OPT_MAX_KEYS:
		return parse_count(arg, 1, 100000000, &o->max_keys) ? usage_error("--max-keys: bad number \"%s\" (1 to 100000000)", arg) : 0;
	case OPT_MAX_EVIDENCE:
		return parse_count(arg, 1, LM_EVIDENCE_MAX, &o->max_evidence) ? usage_error("--max-evidence: bad number \"%s\" (1 to 100)", arg) : 0;
	case OPT_MAX_IDLE:
		return parse_count(arg, 0, 100000000, &o->max_idle) ? usage_error("--max-idle: bad number \"%s\" (0 to 100000000)", arg) : 0;
	case 'o':
		if (strchr(arg, '=')) {
			o->net_outputs = append(o->net_outputs, &o->n_net_outputs, arg);
			return 0;
		}
		if (strcmp(arg, "text") && strcmp(arg, "json") && strcmp(arg, "report"))
			return usage_error("--output: unknown format \"%s\" (text, json, report, or NAME=TARGET)",
					   arg);
		o->output = arg;
		return 0;
	case OPT_OUTPUT_OPT:
		if (!strchr(arg, '.') || !strchr(arg, '=') || strchr(arg, '.') > strchr(arg, '='))
			return usage_error("--output-opt: \"%s\" is not NAME.KEY=VALUE", arg);
		o->output_opts = append(o->output_opts, &o->n_output_opts, arg);
		return 0;
	case OPT_WEBHOOK_FORMAT:
		if (strcmp(arg, "json") && strcmp(arg, "slack"))
			return usage_error("--webhook-format: \"%s\" is not json or slack", arg);
		o->output_opts = append(o->output_opts, &o->n_output_opts,
					strcmp(arg, "slack") ? "webhook.format=json" : "webhook.format=slack");
		return 0;
	case OPT_METRICS:
		o->metrics = arg;
		return 0;
	case OPT_OUTPUT_QUEUE:
		return parse_count(arg, 1, 10000000, &o->output_queue) ? usage_error("--output-queue: bad number \"%s\" (1 to 10000000)", arg) : 0;
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
	case 'c':
		return 0; /* read before the other options (lm_options_parse) */
	default:
		fputs("Try 'logmedic --help'.\n", stderr);
		return 2;
	}
}

/* Live options that only make sense together. */
static int check_live(const struct lm_options *o)
{
	bool live = o->n_follow || o->kafka;
	bool command = o->n_inputs && strcmp(o->inputs[0], "rules") == 0;
	if (live && o->n_inputs && !command)
		return usage_error("%s: files to read once cannot be mixed with --follow or --kafka (follow them with --follow)", o->inputs[0]);
	if (o->kafka && (!o->topics || !o->group))
		return usage_error("--kafka %s: --topic and --group are required too", o->kafka);
	if (!o->kafka && (o->topics || o->group || o->n_kafka_conf))
		return usage_error("%s: only with --kafka", o->topics ? "--topic" : o->group ? "--group" : "-X");
	if (o->state && !o->n_follow)
		return usage_error("--state %s: only with --follow", o->state);
	if (o->matches && o->n_net_outputs)
		return usage_error("--output %s: --matches writes no diagnoses to send", o->net_outputs[0]);
	return 0;
}

int lm_options_apply(struct lm_options *o, const char *name, const char *value,
		     const char *where)
{
	const struct option *opt = NULL;
	for (const struct option *p = long_options; p->name && !opt; p++)
		if (strcmp(p->name, name) == 0)
			opt = p;
	if (!opt || opt->val == 'c' || opt->val == 'h' || opt->val == 'V')
		return usage_error("\"%s\" is not a setting of the configuration", name);
	if ((opt->has_arg == no_argument) != (value == NULL))
		return usage_error(value ? "%s takes no value (true or false)" : "%s needs a value",
				   name);
	config_where = where;
	int rc = parse_one(o, opt->val, value);
	config_where = NULL;
	return rc;
}

/* The file -c or --config names, before any other option is looked at, so
 * the command line overrides it.  NULL when there is none. */
static const char *config_path(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
		else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2])
			path = argv[i] + 2;
	}
	return path;
}

int lm_options_parse(struct lm_options *o, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->max_line = LM_MAX_LINE_DEFAULT;
	o->read_size = LM_READ_SIZE_DEFAULT;
	o->max_keys = LM_KEYS_PER_RULE_DEFAULT;
	o->max_evidence = LM_EVIDENCE_DEFAULT;
	o->max_idle = LM_IDLE_KEEP_DEFAULT;
	o->output = "text";
	o->fail_on = LM_SEV_CRITICAL;
	o->state_interval = 5 * LM_NS_PER_SEC;
	o->poll_interval = 250 * LM_NS_PER_MS;
	o->rotate_wait = 5 * LM_NS_PER_SEC;
	o->flush_timeout = LM_NS_PER_SEC;
	o->commit_interval = 5 * LM_NS_PER_SEC;
	const char *config = config_path(argc, argv);
	if (config && lm_config_load(o, config) != 0)
		return 2;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:o:qhVX:c:", long_options, NULL)) != -1) {
		int rc = parse_one(o, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc || !o->n_config_files) { /* files on the command line win */
		o->inputs = argv + optind;
		o->n_inputs = (unsigned)(argc - optind);
	} else {
		o->inputs = o->config_files;
		o->n_inputs = o->n_config_files;
	}
	return check_live(o);
}

void lm_options_fini(struct lm_options *o)
{
	free(o->rules);
	free(o->follow);
	free(o->kafka_conf);
	free(o->net_outputs);
	free(o->config_files);
	for (unsigned i = 0; i < o->n_owned; i++)
		free(o->owned[i]);
	free(o->owned);
	free(o->output_opts);
	o->net_outputs = NULL;
	o->output_opts = NULL;
	o->rules = NULL;
	o->follow = NULL;
	o->kafka_conf = NULL;
}
