"""check_export.py - reads aap-export's documents back as the committee's
tools would: the xlsx with openpyxl (not the library that wrote it), the
CSV with Python's csv module set as a French spreadsheet is (';', BOM).
Usage: check_export.py STREAM XLSX CSV [REVIEWS [CONSENSUS]]: the Notes
sheet holds every mark of REVIEWS and score of CONSENSUS (only its header
without them); prints what differs, status 1."""
import csv
import sys
from decimal import Decimal

import openpyxl

SHEETS = ["Classement", "Irrecevables", "Notes", "Budget", "Provenance"]
bad = []


def check(cond, what):
    if not cond:
        bad.append(what)


def stream_records(path):
    lines = [l for l in open(path, encoding="utf-8", newline="")
             .read().split("\n") if l and not l.startswith("#")]
    return list(csv.DictReader(lines))


def side_rows(path):
    if not path:
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def check_notes(ws, reviews, consensus):
    """The Notes sheet: marks, then consensus scores, numbers as numbers."""
    rows = list(ws.iter_rows(min_row=2))
    check(ws.freeze_panes == "A2", "Notes' header is not frozen")
    marks = [r for r in rows if r[2].value is not None]
    agreed = [r for r in rows if r[2].value is None]
    check(len(rows) == len(reviews) + len(consensus),
          "Notes has %d rows for %d marks and %d consensus scores"
          % (len(rows), len(reviews), len(consensus)))
    check(rows[:len(marks)] == marks, "Notes' marks do not come first")
    ids = [r[0].value for r in marks]
    check(ids == sorted(ids), "Notes' marks are not sorted by application")
    got = []
    for r in marks:
        check(r[0].data_type == "s", "Notes id %r is not text" % r[0].value)
        check(r[3].data_type == "n" and "[$-40C]" in r[3].number_format,
              "mark %r is not a number in the French format" % r[3].value)
        got.append((r[0].value, r[2].value, Decimal(str(r[3].value)), r[4].value or ""))
    want = [(m["application_id"].strip(), m["reviewer"].strip(),
             Decimal(m["mark"].strip()), m.get("comment", "")) for m in reviews]
    check(sorted(got) == sorted(want), "Notes' marks differ from the reviews file")
    got = [(r[0].value, Decimal(str(r[5].value)), r[6].value, r[7].value)
           for r in agreed if r[5].data_type == "n"]
    want = [(c["application_id"].strip(), Decimal(c["score"].strip()),
             c["author"].strip(), c["justification"]) for c in consensus]
    check(sorted(got) == sorted(want), "Notes' consensus scores differ from the file")


def main(stream, xlsx, csvpath, reviews=None, consensus=None):
    recs = stream_records(stream)
    wb = openpyxl.load_workbook(xlsx)
    check(wb.sheetnames == SHEETS, "sheets are %r" % wb.sheetnames)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                check(c.data_type != "f", "%s!%s holds a formula" % (ws.title, c.coordinate))
    check_notes(wb["Notes"], side_rows(reviews), side_rows(consensus))
    ws = wb["Classement"]
    check(ws.freeze_panes == "A2", "Classement's header is not frozen")
    check(ws.auto_filter.ref is not None, "Classement has no autofilter")
    head = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=False))
    check(len(rows) == len(recs), "Classement has %d rows for %d records" % (len(rows), len(recs)))
    col = {h: i for i, h in enumerate(head)}
    for r, rec in zip(rows, recs):
        idc = r[col["N° de dossier"]]
        check(idc.data_type == "s" and idc.value == rec["application_id"],
              "id %r is not the text %r" % (idc.value, rec["application_id"]))
        if "siret" in rec and "SIRET" in col:
            s = r[col["SIRET"]]
            check(s.data_type == "s" and s.value == rec["siret"],
                  "SIRET %r is not the text %r" % (s.value, rec["siret"]))
        if "award" in rec:
            a = r[col["Aide accordée"]]
            check(a.data_type == "n" and Decimal(str(a.value)) == Decimal(rec["award"]),
                  "award %r is not the number %s" % (a.value, rec["award"]))
        if "total" in rec and rec["total"]:
            t = r[col["Total"]]
            check(t.data_type == "n" and Decimal(str(t.value)) == Decimal(rec["total"]),
                  "total %r is not the number %s" % (t.value, rec["total"]))
        if "company_name" in rec:
            n = r[col["Demandeur"]]
            check(n.data_type == "s" and n.value == rec["company_name"],
                  "name %r is not the text %r" % (n.value, rec["company_name"]))
    with open(csvpath, encoding="utf-8-sig", newline="") as f:
        raw = f.read()
    check(open(csvpath, "rb").read(3) == b"\xef\xbb\xbf", "the CSV has no BOM")
    check("\r\n" in raw and "\n" not in raw.replace("\r\n", ""), "the CSV's lines do not end with CRLF")
    rows = list(csv.reader(raw.splitlines(), delimiter=";"))
    head = rows[0]
    check(len(rows) - 1 == len(recs), "the CSV has %d rows for %d records" % (len(rows) - 1, len(recs)))
    for r, rec in zip(rows[1:], recs):
        cell = dict(zip(head, r))
        check(cell["N° de dossier"].lstrip("\t") == rec["application_id"], "CSV id %r" % cell["N° de dossier"])
        name = cell.get("Demandeur", "")
        check(not name or name[0] not in "=+-@", "CSV name %r is not neutralised" % name)
        if rec.get("company_name", "")[:1] in ("=", "+", "-", "@"):
            check(name == "'" + rec["company_name"], "CSV name %r, not the name after a quote" % name)
        for h, v in cell.items():
            if v[:1] == "-":
                try:
                    Decimal(v.replace(",", "."))
                except Exception:
                    bad.append("CSV cell %s %r begins with '-' and is not a number" % (h, v))
        if "adjustment" in rec and rec["adjustment"]:
            v = cell["Ajustement"]
            check(Decimal(v.replace(",", ".")) == Decimal(rec["adjustment"]),
                  "CSV adjustment %r is not %s" % (v, rec["adjustment"]))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
