#!/usr/bin/env python3
"""Convert the rule pack's PCRE2 patterns to their nearest POSIX ERE.

    python3 bench/pcre2ere.py RULES_DIR ERE_OUT RG_OUT [--sec CONF] [--mtail PROG]

Reads every *.yml / *.yaml in RULES_DIR (PyYAML if present, else the
patterns printed by `logmedic rules show`, via $LOGMEDIC), writes one ERE per
line to ERE_OUT (for grep -E -f) and the same patterns to RG_OUT with bracket
expressions spelt for ripgrep's syntax (where '[', '&', '~' inside a class
must be escaped).  Prints a summary line on stderr.

--sec CONF writes a SEC configuration, one Single rule with action none per
pattern, from the pack's own patterns (Perl reads PCRE2 syntax; a leading
(?J) is removed, as Perl allows duplicate group names without it); patterns
`perl` cannot compile are dropped and counted.  --mtail PROG writes an mtail
program, one counter lines_matched and a `/re/ { lines_matched++; stop }`
block per pattern, from the ripgrep form (which RE2 reads: a backslash
before any punctuation is the character itself) with '/' escaped; patterns
`mtail --compile_only` rejects are dropped and counted.  SEC stops at the
first rule that matches and `stop` ends the mtail program for the line, so
both count lines that match any pattern, like grep -c.  Each prints its own
summary line on stderr.

Conversion: (?<n> and (?P<n> -> (, (?: and (?| -> (, \\d -> [0-9],
\\s -> [[:space:]], \\S -> [^[:space:]], \\w -> [[:alnum:]_], \\b -> nothing,
leading (?s) and (?J) dropped (one line never holds a newline; group names
are gone), lazy and possessive quantifiers made greedy (the same lines
match).  Dropped and counted: field patterns (they run on one field's
value, not on the line), lookarounds, (?i) and other inline flags, atomic
groups, back-references, \\n outside a class, other escapes ERE lacks.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile


class Unconvertible(Exception):
    pass


CLASS_ESC = {"d": ("0-9",), "s": ("[:space:]",), "w": ("[:alnum:]_",)}
NEG_ESC_OUT = {"D": "[^0-9]", "S": "[^[:space:]]", "W": "[^[:alnum:]_]"}
POS_ESC_OUT = {"d": "[0-9]", "s": "[[:space:]]", "w": "[[:alnum:]_]"}


def convert_class(p, i):
    """p[i] == '['. Return (ere, rg, next_index)."""
    i += 1
    neg = False
    if i < len(p) and p[i] == "^":
        neg = True
        i += 1
    items = []          # list of (kind, text): 'lit' single char, 'range', 'cls'
    first = True
    while True:
        if i >= len(p):
            raise Unconvertible("unterminated class")
        c = p[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if c == "[" and p.startswith("[:", i):
            j = p.find(":]", i + 2)
            if j < 0:
                raise Unconvertible("bad POSIX class")
            items.append(("cls", p[i:j + 2]))
            i = j + 2
            continue
        if c == "\\":
            if i + 1 >= len(p):
                raise Unconvertible("trailing backslash")
            e = p[i + 1]
            i += 2
            if e in CLASS_ESC:
                items.append(("cls", CLASS_ESC[e][0]))
            elif e in "DSWhHvV":
                raise Unconvertible("negated escape inside class")
            elif e == "n" or e == "r":
                items.append(("nl", ""))
            elif e == "t":
                items.append(("lit", "\t"))
            elif e == "x" or e == "p" or e == "P" or e.isalnum():
                raise Unconvertible("escape \\%s in class" % e)
            else:
                items.append(("lit", e))
            continue
        # range?
        if i + 2 < len(p) and p[i + 1] == "-" and p[i + 2] != "]":
            hi = p[i + 2]
            if hi == "\\":
                raise Unconvertible("escaped range end")
            items.append(("range", c + "-" + hi))
            i += 3
            continue
        items.append(("lit", c))
        i += 1
    real = [it for it in items if it[0] != "nl"]
    if not real:
        if neg:          # [^\n]: any character of a line
            return ".", ".", i
        raise Unconvertible("class of newlines only")
    # ERE: ']' first, '-' last, '^' not first; backslash is literal in ERE
    lits = [t for k, t in real if k == "lit"]
    rest = [t for k, t in real if k != "lit"]
    close = "]" in lits
    dash = "-" in lits
    caret = "^" in lits
    others = [t for t in lits if t not in "]-^"]
    body_ere = ("]" if close else "") + "".join(rest) + "".join(others) + ("^" if caret else "") + ("-" if dash else "")
    if body_ere == "^":   # a class holding only '^'
        ere = "\\^" if not neg else "[^^]"
        rg = "\\^" if not neg else "[^\\^]"
        return ere, rg, i
    ere = "[" + ("^" if neg else "") + body_ere + "]"
    # ripgrep: escape the characters its class syntax treats specially
    def rgesc(t):
        return "".join("\\" + ch if ch in "[]\\&~-^" else ch for ch in t)
    body_rg = "".join(rest) + "".join(rgesc(t) for t in lits)
    rg = "[" + ("^" if neg else "") + body_rg + "]"
    return ere, rg, i


def convert(p):
    ere, rg = [], []
    i = 0
    # leading inline flags that do not change what one line matches
    while True:
        if p.startswith("(?s)", i) or p.startswith("(?J)", i):
            i += 4
            continue
        if p.startswith("^(?s)", i):
            p = p[:i] + "^" + p[i + 5:]
            continue
        break
    n = len(p)
    prev_quant = False
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n:
                raise Unconvertible("trailing backslash")
            e = p[i + 1]
            i += 2
            prev_quant = False
            if e in POS_ESC_OUT:
                ere.append(POS_ESC_OUT[e]); rg.append(POS_ESC_OUT[e])
            elif e in NEG_ESC_OUT:
                ere.append(NEG_ESC_OUT[e]); rg.append(NEG_ESC_OUT[e])
            elif e in "bB":
                pass
            elif e == "t":
                ere.append("\t"); rg.append("\t")
            elif e.isalnum():
                raise Unconvertible("escape \\%s" % e)
            elif e in ".[]()*+?{}|^$\\":
                ere.append("\\" + e); rg.append("\\" + e)
            else:               # \- \/ \' \" \: ...: the character itself
                ere.append(e); rg.append(e)
            continue
        if c == "[":
            a, b, i = convert_class(p, i)
            ere.append(a); rg.append(b)
            prev_quant = False
            continue
        if c == "(":
            if p.startswith("(?", i):
                if p.startswith("(?:", i) or p.startswith("(?|", i):
                    i += 3
                elif p.startswith("(?s:", i):
                    i += 4
                elif p.startswith("(?<", i) and i + 3 < n and p[i + 3] not in "=!":
                    j = p.find(">", i)
                    i = j + 1
                elif p.startswith("(?P<", i):
                    j = p.find(">", i)
                    i = j + 1
                elif p.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
                    raise Unconvertible("lookaround")
                elif p.startswith("(?>", i):
                    raise Unconvertible("atomic-group")
                else:
                    raise Unconvertible("inline-flag")
            else:
                i += 1
            ere.append("("); rg.append("(")
            prev_quant = False
            continue
        if c in "*+?":
            if prev_quant:      # lazy (?) or possessive (+) modifier: greedy
                prev_quant = False
                i += 1
                continue
            ere.append(c); rg.append(c)
            prev_quant = True
            i += 1
            continue
        if c == "{":
            j = p.find("}", i)
            body = p[i + 1:j] if j > 0 else ""
            if j > 0 and body and all(ch.isdigit() or ch == "," for ch in body) and body[0] != ",":
                ere.append(p[i:j + 1]); rg.append(p[i:j + 1])
                i = j + 1
                prev_quant = True
                continue
            ere.append("\\{"); rg.append("\\{")
            i += 1
            prev_quant = False
            continue
        if c == "}":
            ere.append("\\}"); rg.append("\\}")
            i += 1
            prev_quant = False
            continue
        ere.append(c); rg.append(c)
        prev_quant = False
        i += 1
    e, r = "".join(ere), "".join(rg)
    if not e or e in ("^", "$", "^$"):
        raise Unconvertible("empty after conversion")
    return e, r


def patterns_yaml(rules_dir):
    import yaml
    out = []
    files = sorted(glob.glob(os.path.join(rules_dir, "*.yml")) + glob.glob(os.path.join(rules_dir, "*.yaml")))
    for f in files:
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or []
        for rule in doc:
            m = rule.get("match", {})
            rx = m.get("regex")
            rx = rx if isinstance(rx, list) else [rx]
            for x in rx:
                if isinstance(x, dict) or m.get("field"):
                    out.append((rule["id"], None))   # a field pattern
                else:
                    out.append((rule["id"], x))
    return out


def patterns_show(rules_dir):
    lm = os.environ.get("LOGMEDIC", "./logmedic")
    ids = subprocess.run([lm, "--rules", rules_dir, "rules", "list"], capture_output=True, text=True, check=True).stdout.split("\n")
    out = []
    for line in ids:
        if not line.strip():
            continue
        rid = line.split()[0]
        show = subprocess.run([lm, "--rules", rules_dir, "rules", "show", rid], capture_output=True, text=True, check=True).stdout
        inmatch = False
        for l in show.split("\n"):
            if l.startswith("match:"):
                inmatch = True
                continue
            if inmatch and l and not l.startswith(" "):
                break
            if inmatch and l.startswith("  regex: "):
                out.append((rid, l[len("  regex: "):]))
            elif inmatch and "field" in l and "regex" in l:
                out.append((rid, None))
    return out


def count_reasons(dropped):
    return ", ".join("%s: %d" % kv for kv in sorted(dropped.items(), key=lambda kv: -kv[1])) or "none"


PERL_CHECK = r'''chomp; if (eval { qr/$_/ }) { print "ok\n" } else { my ($e) = $@ =~ /^(.*?)(?: in regex|;| at -e)/; print "$e\n" }'''


def sec_pattern(x):
    """x as a SEC pattern= value.  SEC strips blanks at both ends of a value
    and joins a line that ends in a backslash to the next: an empty group
    guards either end."""
    if x[:1].isspace():
        x = "(?:)" + x
    if x[-1:].isspace() or x.endswith("\\"):
        x += "(?:)"
    return x


def write_sec(pats, conf):
    """Write the SEC configuration for the patterns perl compiles."""
    cand = [x[4:] if x.startswith("(?J)") else x for x in pats]
    verdicts = subprocess.run(["perl", "-ne", PERL_CHECK], input="".join(x + "\n" for x in cand),
                              capture_output=True, text=True, check=True).stdout.split("\n")
    kept, dropped = 0, {}
    with open(conf, "w", encoding="utf-8") as f:
        for x, v in zip(cand, verdicts):
            if v != "ok":
                dropped[v] = dropped.get(v, 0) + 1
                continue
            f.write("type=Single\nptype=RegExp\npattern=%s\ndesc=match\naction=none\n\n" % sec_pattern(x))
            kept += 1
    print("SEC (Perl regexps): %d line patterns, %d kept (%d with a leading (?J) removed), %d dropped (%s)"
          % (len(pats), kept, sum(x.startswith("(?J)") for x in pats), sum(dropped.values()), count_reasons(dropped)),
          file=sys.stderr)


def mtail_block(rx):
    return "/%s/ {\n  lines_matched++\n  stop\n}\n" % rx.replace("/", "\\/")


def write_mtail(pats, prog):
    """Write the mtail program for the RE2 patterns mtail compiles.  mtail
    stops at the first program that fails, so each pattern gets a program of
    its own and the failing one is removed until the rest compile."""
    dropped = {}
    with tempfile.TemporaryDirectory() as d:
        names = {}
        for n, rx in enumerate(pats):
            names["p%04d.mtail" % n] = rx
            with open(os.path.join(d, "p%04d.mtail" % n), "w", encoding="utf-8") as f:
                f.write("counter lines_matched\n" + mtail_block(rx))
        while True:
            r = subprocess.run(["mtail", "--compile_only", "--logtostderr", "--progs", d], capture_output=True, text=True)
            if r.returncode == 0:
                break
            bad = re.search(r"compile failed for (p[0-9]+\.mtail)", r.stderr)
            if not bad:
                sys.exit("pcre2ere.py: mtail --compile_only failed:\n" + r.stderr)
            why = re.search(r"error parsing regexp: ([^:`]+)", r.stderr)
            reason = why.group(1).strip() if why else "other"
            dropped[reason] = dropped.get(reason, 0) + 1
            os.remove(os.path.join(d, bad.group(1)))
            del names[bad.group(1)]
    with open(prog, "w", encoding="utf-8") as f:
        f.write("counter lines_matched\n")
        for name in sorted(names):
            f.write(mtail_block(names[name]))
    print("mtail (RE2, ripgrep form): %d patterns, %d kept, %d dropped (%s)"
          % (len(pats), len(names), sum(dropped.values()), count_reasons(dropped)), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description="Convert the rule pack's PCRE2 patterns for grep -E, ripgrep, SEC and mtail.")
    ap.add_argument("rules_dir")
    ap.add_argument("ere_out")
    ap.add_argument("rg_out")
    ap.add_argument("--sec", metavar="CONF", help="also write a SEC configuration")
    ap.add_argument("--mtail", metavar="PROG", help="also write an mtail program")
    args = ap.parse_args()
    try:
        pats = patterns_yaml(args.rules_dir)
    except ImportError:
        pats = patterns_show(args.rules_dir)
    line_pats = [x for _, x in pats if x is not None]
    rg_forms, dropped = [], {}
    with open(args.ere_out, "w", encoding="utf-8") as fe, open(args.rg_out, "w", encoding="utf-8") as fr:
        for x in line_pats:
            try:
                e, r = convert(x)
            except Unconvertible as ex:
                reason = str(ex).split(" ")[0]
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            fe.write(e + "\n")
            fr.write(r + "\n")
            rg_forms.append(r)
    print("patterns: %d in the pack, %d converted to ERE, %d dropped (%s), %d field-only patterns left out"
          % (len(pats), len(rg_forms), sum(dropped.values()), count_reasons(dropped), len(pats) - len(line_pats)),
          file=sys.stderr)
    if args.sec:
        write_sec(line_pats, args.sec)
    if args.mtail:
        write_mtail(rg_forms, args.mtail)


if __name__ == "__main__":
    main()
