/*
 * fuzz_loader: the rule loader (rules/loader.h) on any YAML text, as a rule
 * file: parse and check, tie rules to the rules they name, compile the
 * patterns of a set that loaded.  Problems are reported on stderr (run the
 * fuzzer with -close_fd_mask=2 to keep them out of its output).
 */
#include "fuzz/fuzz.h"

#include "rules/loader.h"
#include "rules/matcher.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	int problems = lm_rules_load_string(&rs, "fuzz.yml", (const char *)data, size);
	if (problems == 0)
		problems = lm_rules_link(&rs);
	if (problems == 0)
		lm_matcher_free(lm_matcher_new(&rs));
	lm_ruleset_fini(&rs);
	return 0;
}
