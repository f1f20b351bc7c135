# lib.sh: TAP helpers for logmedic's shell tests.  Sourced, not run.
# Needs LOGMEDIC (the binary) and SRCDIR (the source tree), which make check sets.
: "${LOGMEDIC:?run through make check}" "${SRCDIR:?run through make check}"
export LC_ALL=C
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do echo "# $line"; done
}
# check NAME CONDITION-COMMAND...: ok when the command succeeds.
check() {
	name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
done_testing() { echo "1..$TAP_N"; }
