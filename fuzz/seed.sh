#!/bin/sh
# seed.sh: the seed corpus of one fuzz target, built from the samples and the
# rule packs of the source tree (nothing large is kept in the repository).
#
#   fuzz/seed.sh SRCDIR TARGET OUTDIR
#
# Decoder targets get groups of up to 8 lines of their format from each
# sample log, and the rule examples of that format, one file each; fuzz_docker
# gets lines of every format as the text of its records (fuzz_docker.c);
# fuzz_timestamp gets line beginnings, epoch values and durations;
# fuzz_loader the rule packs whole and each rule alone; fuzz_template each
# remediation command with captured values, hostile ones among them.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 SRCDIR TARGET OUTDIR" >&2; exit 2; }
src=$1 target=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
export LC_ALL=C

# The rule examples written as single-quoted YAML strings, one per line.
examples() {
	sed -n "s/^ *- '\(.*\)'\$/\1/p" "$src"/rules/*.yml | sed "s/''/'/g"
}

# Lines (from the files named, or stdin) that match the extended regex $1,
# written by groups of up to 8 from each file, with prefix $2 on each line.
groups() {
	re=$1 prefix=$2
	shift 2
	awk -v re="$re" -v prefix="$prefix" -v out="$out" -v tag="$target" '
		FNR == 1 { n = 0; close(f); seeds++ }
		$0 ~ re && n < 8 {
			f = sprintf("%s/%s-%04d", out, tag, seeds)
			printf "%s%s\n", prefix, $0 > f
			n++
		}' "$@"
}

# Each line of stdin matching $1 as a seed of its own.
singles() {
	awk -v re="$1" -v out="$out" -v tag="$target-ex" '
		$0 ~ re { f = sprintf("%s/%s-%04d", out, tag, ++n); print > f; close(f) }'
}

samples=$(find "$src/samples" -name '*.log' | sort)
cri='^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[^ ]+ (stdout|stderr) [PF] '
# shellcheck disable=SC2086 # the sample paths have no spaces
case $target in
cri)
	groups "$cri" "" $samples
	# CRI pieces of a split line, with the line that ends them.
	i=0
	for f in $samples; do
		i=$((i + 1))
		grep -m 1 -A 3 -E ' (stdout|stderr) P ' "$f" >"$out/cri-split-$i" ||
			rm -f "$out/cri-split-$i"
	done
	examples | singles "$cri"
	;;
json)
	groups '^\{' "" $samples
	examples | singles '^\{'
	;;
docker)
	# Flags byte 1: a whole line on stdout; 6: the same on stderr with a
	# time; 4 then 1: a line split in two pieces.
	groups '.' "$(printf '\001')" $samples
	examples | awk -v out="$out" '{
		half = int(length($0) / 2)
		f = sprintf("%s/docker-ex-%04d", out, NR)
		printf "\006%s\n\004%s\n\001%s\n", $0, substr($0, 1, half), substr($0, half + 1) > f
		close(f) }'
	;;
logfmt)
	groups '[A-Za-z_.]+=[^ ]+ [A-Za-z_.]+=' "" $samples
	examples | singles '^[A-Za-z_.]+="?[^ ]+ [A-Za-z_.]+='
	;;
kubectl)
	# kubectl logs --prefix and --timestamps lines made from CRI lines.
	i=0
	for f in $samples; do
		i=$((i + 1))
		grep -m 8 -E "$cri" "$f" | awk '{
			ts = $1; msg = $0; sub(/^[^ ]+ [^ ]+ [PF] /, "", msg)
			if (NR % 2) print "[pod/library-app-7d9f8b6c4-x2k9p/library-app] " msg
			else print ts " " msg
		}' >"$out/kubectl-$i"
	done
	find "$out" -type f -empty -delete
	examples | singles '^\[pod/'
	;;
timestamp)
	for f in $samples; do
		awk 'NR == 1 || NR == 50 { print substr($0, 1, 96) }' "$f"
	done | sort -u | singles '.'
	examples | cut -c 1-96 | sort -u | singles '^[[0-9A-Z]'
	for v in 1741687201 1741687201.5 1741687201123 1741687201123456789 \
		500ms 1.5s 1h30m 2d 90s 250us; do
		printf '%s' "$v" >"$out/value-$v"
	done
	;;
loader)
	for f in "$src"/rules/*.yml; do
		cp "$f" "$out/pack-${f##*/}"
		awk -v out="$out" -v name="${f##*/}" '
			/^- id:/ { close(o); o = sprintf("%s/rule-%s-%03d", out, name, ++n) }
			o != "" { print > o }' "$f"
	done
	;;
template)
	sed -n 's/^ *run: //p' "$src"/rules/*.yml | sort -u | awk -v out="$out" '{
		f = sprintf("%s/template-%04d", out, NR)
		print > f
		print "pod=library-app-7d9f8b6c4-x2k9p\nnamespace=library-management-prod" > f
		print "host=db-0\nclient=10.244.1.17\nname=x$(reboot)\nquery=SELECT 1; rm -rf /" > f
		print "container=-rf\nfile=a b\tc" > f
		close(f) }'
	;;
*)
	echo "$0: no fuzz target $target" >&2
	exit 2
	;;
esac
