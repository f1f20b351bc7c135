#!/bin/sh
# logmedic benchmark: throughput and peak RSS against grep -E and ripgrep on
# one generated corpus, SEC and mtail against logmedic on its first lines
# (they are too slow for the whole corpus), then a rule-count sweep.
# See bench/README.md.
#
#   bench/run.sh [--lines N] [--runs R] [--no-grep] [--slow-lines M]
#
# Environment: LOGMEDIC (default ./logmedic), RULES (default rules).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"

lines=1000000
runs=3
do_grep=1
slow_lines=20000
while [ $# -gt 0 ]; do
    case $1 in
        --lines) lines=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --no-grep) do_grep=0; shift ;;
        --slow-lines) slow_lines=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

LOGMEDIC=${LOGMEDIC:-./logmedic}
RULES=${RULES:-rules}
out=bench/out
mkdir -p "$out"
corpus=$out/corpus-$lines.log
head_corpus=$out/corpus-$lines-head-$slow_lines.log

need_pkg() {  # need_pkg COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    [ -x "/usr/bin/$1" ] && return 0
    echo "installing $2 ..." >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -o DPkg::Lock::Timeout=600 "$2" >/dev/null 2>&1 || true
    else
        sudo apt-get install -y -o DPkg::Lock::Timeout=600 "$2" >/dev/null 2>&1 || true
    fi
    command -v "$1" >/dev/null 2>&1
}
[ -x /usr/bin/time ] || need_pkg time time || { echo "run.sh: /usr/bin/time is needed (package time)" >&2; exit 2; }
have_rg=1
need_pkg rg ripgrep || have_rg=0
have_sec=1
need_pkg sec sec || have_sec=0
have_mtail=1
need_pkg mtail mtail || have_mtail=0

echo "== machine"
echo "date:   $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "cpu:    $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel: $(uname -sr)"
echo "tools:  $("$LOGMEDIC" --version 2>&1 | sed -n 1p); $(grep --version | head -n 1)$( [ $have_rg = 1 ] && printf '; %s' "$(rg --version 2>/dev/null | sed -n 1p)")$( [ $have_sec = 1 ] && printf '; %s' "$(sec --version 2>/dev/null | sed -n 1p)")$( [ $have_mtail = 1 ] && printf '; %s' "$(mtail --version 2>/dev/null | sed -n 's/ git revision.*//p')")"

if [ ! -s "$corpus" ]; then
    echo "generating $corpus ($lines lines) ..." >&2
    python3 bench/gen-corpus.py --lines "$lines" --seed 1 -o "$corpus.tmp"
    mv "$corpus.tmp" "$corpus"
fi
bytes=$(wc -c < "$corpus")
nlines=$(wc -l < "$corpus")
hits=$("$LOGMEDIC" --rules "$RULES" -q --matches "$corpus" | wc -l)
echo "corpus: $corpus, $nlines lines, $(awk -v b="$bytes" 'BEGIN {printf "%.1f MB", b / 1e6}'), $hits lines hit a rule ($(awk -v h="$hits" -v n="$nlines" 'BEGIN {printf "%.2f", 100 * h / n}') %)"

# ERE and ripgrep forms of the pack's patterns, SEC and mtail configurations
set --
[ $have_sec = 1 ] && set -- "$@" --sec "$out/sec.conf"
if [ $have_mtail = 1 ]; then
    mkdir -p "$out/mtail"
    set -- "$@" --mtail "$out/mtail/bench.mtail"
fi
python3 bench/pcre2ere.py "$RULES" "$out/patterns.ere" "$out/patterns.rg" "$@" 2>"$out/patterns.txt"
cat "$out/patterns.txt"

# measure NAME CMD...: runs CMD $runs times, prints
# NAME, the median wall time and the median peak RSS; appends to $out/results
: > "$out/results"
measure() {
    name=$1; shift
    : > "$out/times"
    i=0
    while [ $i -lt "$runs" ]; do
        t0=$(date +%s%N)
        # stdout to a file, not /dev/null: GNU grep stops at the first match
        # when its output is /dev/null, which would not measure the scan
        /usr/bin/time -v -o "$out/time.v" "$@" > "$out/stdout" 2>"$out/stderr" || true
        t1=$(date +%s%N)
        rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out/time.v")
        echo "$(( (t1 - t0) / 1000 )) $rss" >> "$out/times"
        i=$((i + 1))
    done
    # median of the wall times and of the RSS values
    med_us=$(cut -d' ' -f1 "$out/times" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    med_rss=$(cut -d' ' -f2 "$out/times" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    echo "$name $med_us $med_rss" >> "$out/results"
}

report() {  # report BASELINE_NAME COLUMN_TITLE BYTES LINES
    awk -v base="$1" -v title="$2" -v bytes="$3" -v lines="$4" '
        { name[NR] = $1; us[NR] = $2; rss[NR] = $3; if ($1 == base) b = $2 }
        END {
            printf "%-26s %9s %9s %12s %12s %11s\n", "tool", "time s", "MB/s", "lines/s", title, "peak RSS"
            for (i = 1; i <= NR; i++) {
                s = us[i] / 1e6
                printf "%-26s %9.3f %9.1f %12.0f %12s %7.1f MiB\n", name[i], s, bytes / 1e6 / s, lines / s,
                       b ? sprintf("%.2fx", b / us[i]) : "-", rss[i] / 1024
            }
        }' "$out/results"
}

echo
echo "== throughput ($runs runs each, median; grep with LC_ALL=C)"
measure "logmedic-json" "$LOGMEDIC" --rules "$RULES" -q -o json "$corpus"
measure "logmedic--matches" "$LOGMEDIC" --rules "$RULES" -q --matches "$corpus"
if [ $do_grep = 1 ]; then
    measure "grep-c-E-f" env LC_ALL=C grep -c -E -f "$out/patterns.ere" "$corpus"
    echo "grep -c -E count: $(LC_ALL=C grep -c -E -f "$out/patterns.ere" "$corpus")"
else
    echo "grep skipped (--no-grep)"
fi
if [ $have_rg = 1 ]; then
    measure "rg-c-f" rg -c -f "$out/patterns.rg" "$corpus"
    echo "rg -c count:      $(rg -c -f "$out/patterns.rg" "$corpus")"
else
    echo "ripgrep skipped: it could not be installed"
fi
report grep-c-E-f "vs grep" "$bytes" "$nlines"
if [ $do_grep = 1 ]; then
    awk '$1 == "logmedic-json" { l = $2 } $1 == "grep-c-E-f" { g = $2 }
         END { printf "target, logmedic -o json at least half the throughput of grep -c -E: %s (%.2fx grep)\n", (g / l >= 0.5 ? "met" : "missed"), g / l }' "$out/results"
fi

# SEC and mtail read the first $slow_lines lines only, beside logmedic on them
if [ $have_sec = 1 ] || [ $have_mtail = 1 ]; then
    [ -s "$head_corpus" ] || head -n "$slow_lines" "$corpus" > "$head_corpus"
    head_bytes=$(wc -c < "$head_corpus")
    head_lines=$(wc -l < "$head_corpus")
    echo
    echo "== SEC and mtail, measured on the prefix $head_corpus only ($head_lines lines, $(awk -v b="$head_bytes" 'BEGIN {printf "%.1f MB", b / 1e6}'); $runs runs each, median)"
    : > "$out/results"
    measure "logmedic-json" "$LOGMEDIC" --rules "$RULES" -q -o json "$head_corpus"
    echo "logmedic hits:    $("$LOGMEDIC" --rules "$RULES" -q --matches "$head_corpus" | wc -l) lines hit a rule"
    if [ $have_sec = 1 ]; then
        # read the file once and exit (--notail), in the foreground, no log
        measure "sec-notail" sec --conf="$out/sec.conf" --input="$head_corpus" --notail --nodetach
        # the timed rules do nothing (action none); these write a line per match
        sed 's/^action=none$/action=write - match/' "$out/sec.conf" > "$out/sec-count.conf"
        echo "sec count:        $(sec --conf="$out/sec-count.conf" --input="$head_corpus" --notail --nodetach | wc -l)"
    else
        echo "SEC skipped: it could not be installed"
    fi
    if [ $have_mtail = 1 ]; then
        # --logtostderr: mtail's log goes to $out/stderr, not to files in /tmp
        measure "mtail-one_shot" mtail --one_shot --one_shot_format prometheus --logtostderr --logs "$head_corpus" --progs "$out/mtail"
        echo "mtail count:      $(awk '/^lines_matched/ {print $2}' "$out/stdout")"
    else
        echo "mtail skipped: it could not be installed"
    fi
    report logmedic-json "vs logmedic" "$head_bytes" "$head_lines"
else
    echo
    echo "SEC and mtail skipped: neither could be installed"
fi

# rule-count sweep: rules that never match, with impossible literals
gen_rules() {  # gen_rules COUNT FILE
    awk -v n="$1" 'BEGIN {
        for (i = 1; i <= n; i++) {
            printf "- id: bench.never-%d\n", i
            printf "  title: Benchmark rule %d that never matches\n", i
            printf "  severity: warning\n  layer: backend\n"
            printf "  match:\n    regex: '\''zz-never-%d-qq (?<value>\\d+) (?:ms|s)'\''\n", i
        }
    }' > "$2"
}
base_rules=$("$LOGMEDIC" --rules "$RULES" rules list | wc -l)
gen_rules $((base_rules * 9)) "$out/rules-extra-10x.yml"
gen_rules $((base_rules * 99)) "$out/rules-extra-100x.yml"

echo
echo "== rule-count sweep (logmedic -o json, $runs runs each, median)"
: > "$out/results"
measure "pack-${base_rules}-rules" "$LOGMEDIC" --rules "$RULES" -q -o json "$corpus"
measure "10x-$((base_rules * 10))-rules" "$LOGMEDIC" --rules "$RULES" --rules "$out/rules-extra-10x.yml" -q -o json "$corpus"
measure "100x-$((base_rules * 100))-rules" "$LOGMEDIC" --rules "$RULES" --rules "$out/rules-extra-100x.yml" -q -o json "$corpus"
awk -v bytes="$bytes" '
    NR == 1 { b = $2 }
    { s = $2 / 1e6; printf "%-26s %9.3f s %9.1f MB/s %6.0f %% of base %7.1f MiB\n", $1, s, bytes / 1e6 / s, 100 * b / $2, $3 / 1024 }
' "$out/results"
