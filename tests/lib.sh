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
# wait_for SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds.
wait_for() {
	limit=$(($1 * 20)); shift
	i=0
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.05
	done
}
has() { grep -q -- "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# scrape PORT: logmedic's metrics page into $TMP/m; value NAME: a sample's value.
scrape() { curl -sf "http://127.0.0.1:$1/metrics" >"$TMP/m" 2>/dev/null; }
value() { sed -n "s/^$1 //p" "$TMP/m"; }
