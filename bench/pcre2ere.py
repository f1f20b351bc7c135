#!/usr/bin/env python3
"""Convert the rule pack's PCRE2 patterns to their nearest POSIX ERE.

    python3 bench/pcre2ere.py RULES_DIR ERE_OUT RG_OUT

Reads every *.yml / *.yaml in RULES_DIR (PyYAML if present, else the
patterns printed by `logmedic rules show`, via $LOGMEDIC), writes one ERE per
line to ERE_OUT (for grep -E -f) and the same patterns to RG_OUT with bracket
expressions spelt for ripgrep's syntax (where '[', '&', '~' inside a class
must be escaped).  Prints a summary line on stderr.

Conversion: (?<n> and (?P<n> -> (, (?: and (?| -> (, \\d -> [0-9],
\\s -> [[:space:]], \\S -> [^[:space:]], \\w -> [[:alnum:]_], \\b -> nothing,
leading (?s) and (?J) dropped (one line never holds a newline; group names
are gone), lazy and possessive quantifiers made greedy (the same lines
match).  Dropped and counted: field patterns (they run on one field's
value, not on the line), lookarounds, (?i) and other inline flags, atomic
groups, back-references, \\n outside a class, other escapes ERE lacks.
"""

import glob
import os
import subprocess
import sys


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


def main():
    rules_dir, ere_out, rg_out = sys.argv[1:4]
    try:
        pats = patterns_yaml(rules_dir)
    except ImportError:
        pats = patterns_show(rules_dir)
    kept, dropped, field = 0, {}, 0
    with open(ere_out, "w", encoding="utf-8") as fe, open(rg_out, "w", encoding="utf-8") as fr:
        for rid, x in pats:
            if x is None:
                field += 1
                continue
            try:
                e, r = convert(x)
            except Unconvertible as ex:
                reason = str(ex).split(" ")[0]
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            fe.write(e + "\n")
            fr.write(r + "\n")
            kept += 1
    nd = sum(dropped.values())
    detail = ", ".join("%s: %d" % kv for kv in sorted(dropped.items(), key=lambda kv: -kv[1]))
    print("patterns: %d in the pack, %d converted to ERE, %d dropped (%s), %d field-only patterns left out"
          % (len(pats), kept, nd, detail or "none", field), file=sys.stderr)


if __name__ == "__main__":
    main()
