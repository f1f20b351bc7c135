/*
 * main: logmedic's entry point.  Parses the command line and hands over to
 * the analysis run or to the `rules` commands; the only place that exits.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "core/options.h"
#include "core/run.h"
#include "core/signals.h"
#include "rules/cli.h"

int main(int argc, char **argv)
{
	struct lm_options o;
	int status = lm_options_parse(&o, argc, argv);
	if (status) {
		lm_options_fini(&o);
		return status;
	}
	if (o.help) {
		lm_options_usage(stdout);
	} else if (o.version) {
		printf("logmedic %s\n", PACKAGE_VERSION);
	} else if (o.n_inputs && strcmp(o.inputs[0], "rules") == 0) {
		status = lm_rules_cli(&o, o.n_inputs - 1, o.inputs + 1);
	} else {
		lm_signals_install();
		status = lm_run(&o);
	}
	if (fflush(stdout) != 0 && status == 0)
		status = 2;
	lm_options_fini(&o);
	return status;
}
