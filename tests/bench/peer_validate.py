#!/usr/bin/env python3
"""peer_validate.py - the benchmark's Python peer of aap-validate.

Checks the applications of a bare CSV stream (aap-ingest --plain) against
the rules of a call folder's rules.csv, the way a Python programmer would
write it: the csv module, every pattern and bound compiled once into a
closure, one pass.  Writes the records with their findings extended and an
"admissible" column; the findings are the same rules' but not always in
aap-validate's order or with its details.

usage: peer_validate.py --call DIR [FILE]
"""

import argparse
import csv
import datetime
import re
import sys
from decimal import Decimal, InvalidOperation

SUD_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
LA_POSTE_SIREN = "356000000"

TYPE_FORMS = {
    "integer": re.compile(r"-?(?:0|[1-9][0-9]*)"),
    "decimal": re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?"),
    "money": re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]{2}"),
    "rate": re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "datetime": re.compile(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
        r"(?:[+-][0-9]{2}:[0-9]{2})?"),
    "boolean": re.compile(r"yes|no"),
}


def read_table(path):
    """The rows of a call table as dicts, '#' comment lines left out."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f
                                   if not line.startswith("#")))


def luhn(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        d = ord(c) - 48
        total += SUD_LUHN_DOUBLE[d] if i % 2 else d
    return total % 10 == 0


def siret_ok(s):
    if len(s) != 14 or not s.isascii() or not s.isdigit():
        return False
    if luhn(s[:9]) and luhn(s):
        return True
    return s.startswith(LA_POSTE_SIREN) and sum(map(int, s)) % 5 == 0


CHECKSUMS = {
    "luhn": lambda s: s.isascii() and s.isdigit() and luhn(s),
    "siren": lambda s: len(s) == 9 and s.isascii() and s.isdigit() and luhn(s),
    "siret": siret_ok,
}


def dep_from_insee(s):
    if len(s) != 5:
        return None
    if s[0] == "2" and s[1] in "AB" and s[2:].isdigit():
        return s[:2]
    if not (s.isascii() and s.isdigit()) or s[:2] in ("00", "20"):
        return None
    return s[:3] if s[:2] in ("97", "98") else s[:2]


def dep_from_postcode(s):
    if len(s) != 5 or not (s.isascii() and s.isdigit()) or s[:2] == "00":
        return None
    if s[:2] == "20":
        return "2A" if s[2] < "2" else "2B"
    return s[:3] if s[:2] in ("97", "98") else s[:2]


def translate_pattern(p):
    """PCRE's \\p{L} and \\p{N} in a class, for Python's re: letters and
    digits are [^\\W_]."""
    def cls(m):
        body = m.group(1).replace(r"\p{L}", "").replace(r"\p{N}", "")
        return r"(?:[^\W_]|[" + body + "])" if body else r"[^\W_]"
    return re.sub(r"\[((?:[^\]\\]|\\.)*\\p\{[LN]\}(?:[^\]\\]|\\.)*)\]", cls, p)


def ordered(kind, s):
    """A value that compares as the field's type orders it."""
    if kind in ("integer", "decimal", "money", "rate"):
        return Decimal(s)
    if kind == "date":
        return datetime.date.fromisoformat(s)
    if kind == "datetime":
        v = datetime.datetime.fromisoformat(s)
        return v if v.tzinfo else v.replace(tzinfo=datetime.timezone.utc)
    raise ValueError(kind)


def normal(kind, s):
    """True when s is in the normal form of its field's type."""
    form = TYPE_FORMS.get(kind)
    if form is not None:
        if not form.fullmatch(s):
            return False
        if kind in ("date", "datetime"):
            try:
                ordered(kind, s)
            except ValueError:
                return False
        return True
    if kind == "list":
        items = s.split("|")
        return "" not in items and items == sorted(set(items))
    return True


class Rules:
    """The call's fields and rules, each rule compiled into a closure that
    takes a row and returns a finding (str) or None."""

    def __init__(self, call):
        fields = read_table(f"{call}/fields.csv")
        self.names = [f["field"] for f in fields]
        self.types = [f["type"] for f in fields]
        self.index = {n: i for i, n in enumerate(self.names)}
        self.checks = []  # (field index, severity, when, check)
        try:
            rules = read_table(f"{call}/rules.csv")
        except FileNotFoundError:
            rules = []
        for r in rules:
            self.checks.append(self.compile(r))

    def compile(self, r):
        i = self.index[r["field"]]
        other = self.index[r["other"]] if r.get("other") else None
        kind, value, name = r["rule"], r.get("value", ""), r["field"]
        sev = r.get("severity") or "error"
        when = None
        if r.get("when"):
            wf, wv = r["when"].split("=", 1)
            when = (self.index[wf], frozenset(wv.split("|")))
        ftype = self.types[i]

        if kind == "required":
            def check(row):
                return None if row[i] else f"missing:{name}"
        elif kind == "unique":
            seen = {}
            line = len(self.names) + 1  # source_line, after source_file

            def check(row):
                v = row[i]
                if v in seen:
                    return f"duplicate:{name}:{seen[v]}"
                seen[v] = row[line]
                return None
        elif kind == "pattern":
            rx = re.compile(translate_pattern(value))

            def check(row):
                return None if rx.fullmatch(row[i]) else f"no_match:{name}"
        elif kind == "checksum":
            fn = CHECKSUMS[value]

            def check(row):
                return None if fn(row[i]) else f"bad_checksum:{name}:{value}"
        elif kind == "allowed":
            allowed = frozenset(value.split("|"))
            is_list = ftype == "list"

            def check(row):
                items = row[i].split("|") if is_list else (row[i],)
                return None if allowed.issuperset(items) else \
                    f"not_allowed:{name}"
        elif kind in ("min", "max"):
            bound = ordered(ftype, value)
            low = kind == "min"
            code = "below_min" if low else "above_max"

            def check(row):
                v = ordered(ftype, row[i])
                return f"{code}:{name}" if (v < bound if low else v > bound) \
                    else None
        elif kind == "region":
            deps = frozenset(value.split("|"))
            oname = self.names[other] if other is not None else name

            def check(row):
                dep = dep_from_insee(row[i]) if row[i] else None
                where = name
                if dep is None and other is not None and row[other]:
                    dep, where = dep_from_postcode(row[other]), oname
                if dep is None:
                    return f"unknown_location:{name}"
                return None if dep in deps else \
                    f"outside_region:{where}:{dep}"
        elif kind == "max_share":
            rate = Decimal(value)

            def check(row):
                try:
                    part, whole = Decimal(row[i]), Decimal(row[other])
                except InvalidOperation:
                    return None
                return None if part <= rate * whole else \
                    f"share_above_max:{name}:{value}"
        elif kind in ("not_after", "not_above"):
            otype = self.types[other]
            oname = self.names[other]
            code = "after" if kind == "not_after" else "above"

            def check(row):
                a, b = ordered(ftype, row[i]), ordered(otype, row[other])
                return f"{code}:{name}:{oname}" if a > b else None
        else:
            raise ValueError(f"rules.csv: unknown rule {kind!r}")

        # "required" and "region" look at empty values themselves.
        needs_value = kind not in ("required", "region")
        return (i, other, sev, when, needs_value, check)

    def run(self, src, dst):
        reader = csv.reader(src)
        writer = csv.writer(dst, lineterminator="\n")
        header = next(reader)
        if header[:len(self.names)] != self.names:
            sys.exit("peer_validate: error: the stream's columns are not "
                     "the call's")
        writer.writerow(header + ["admissible"])
        fcol = header.index("findings")
        types = list(enumerate(self.types))
        checks = self.checks
        rejected = 0
        for row in reader:
            found = [x for x in row[fcol].split(";") if x]
            bad = {x.split(":")[2] for x in found
                   if x.startswith("error:") and x.count(":") >= 2}
            bad = {self.index[b] for b in bad if b in self.index}
            for k, kind in types:
                if row[k] and k not in bad and not normal(kind, row[k]):
                    bad.add(k)
                    found.append(f"error:bad_type:{self.names[k]}:{kind}")
            for i, other, sev, when, needs_value, check in checks:
                if when is not None:
                    wi, wv = when
                    if not row[wi] or wi in bad or row[wi] not in wv:
                        continue
                if needs_value and (not row[i] or i in bad or (
                        other is not None and (not row[other] or
                                               other in bad))):
                    continue
                item = check(row)
                if item is not None:
                    found.append(f"{sev}:{item}")
            admissible = not any(x.startswith("error:") for x in found)
            rejected += not admissible
            row[fcol] = ";".join(found)
            row.append("yes" if admissible else "no")
            writer.writerow(row)
        return rejected


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--call", required=True)
    ap.add_argument("file", nargs="?", default="-")
    args = ap.parse_args()
    rules = Rules(args.call)
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="",
               buffering=1 << 16, closefd=False)
    if args.file == "-":
        src = open(sys.stdin.fileno(), encoding="utf-8", newline="",
                   closefd=False)
    else:
        src = open(args.file, encoding="utf-8", newline="")
    with src:
        rejected = rules.run(src, out)
    out.flush()
    print(f"peer_validate: {rejected} applications not admissible",
          file=sys.stderr)


if __name__ == "__main__":
    main()
