"""assign_check.py - random instances for aap-assign and an independent
check of what it writes: every rule of the assignment, and its optimality
against GLPK's glpsol solving the same problem as an integer program, one
tier of the objective after the other (docs/aap-assign.md).

    assign_check.py gen SEED DIR      writes DIR/apps.csv, reviewers.csv,
                                      conflicts.csv and k
    assign_check.py shuffle SEED DIR  reorders the rows of those files
    assign_check.py check DIR STATUS OUT
                                      checks aap-assign's status and output
"""
import csv
import os
import random
import re
import subprocess
import sys
import tempfile

SECTORS = ["alpha", "beta", "gamma"]
WORDS = ["ai", "sea", "health", "energy", "risk", "farm", "city"]


def gen(seed, d):
    rnd = random.Random(seed)
    n = rnd.randint(2, 8)
    m = rnd.randint(2, 6)
    k = rnd.randint(1, 3)
    sirens = ["%09d" % rnd.randint(100000000, 999999999) for _ in range(4)]
    with open(os.path.join(d, "apps.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["application_id", "siret", "sector", "keywords", "admissible"])
        for i in range(n):
            kw = "|".join(rnd.sample(WORDS, rnd.randint(0, 3)))
            w.writerow(["A-%02d" % i, rnd.choice(sirens) + "%05d" % rnd.randint(0, 99999),
                        rnd.choice(SECTORS), kw, rnd.choice(["yes"] * 5 + ["no"])])
    with open(os.path.join(d, "reviewers.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["reviewer", "name", "organisation", "expertise", "max_load"])
        for j in range(m):
            items = rnd.sample(SECTORS, rnd.randint(0, 2)) + rnd.sample(WORDS, rnd.randint(0, 3))
            org = rnd.choice(["", "", rnd.choice(sirens)])
            w.writerow(["r%d" % j, "Reviewer %d" % j, org, "|".join(items), rnd.randint(0, 5)])
    with open(os.path.join(d, "conflicts.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["reviewer", "application_id"])
        pairs = set()
        for _ in range(rnd.randint(0, n)):
            pairs.add(("r%d" % rnd.randrange(m), "A-%02d" % rnd.randrange(n)))
        for p in sorted(pairs):
            w.writerow(p)
    with open(os.path.join(d, "k"), "w") as f:
        f.write("%d\n" % k)


def shuffle(seed, d):
    rnd = random.Random(seed)
    for name in ("apps.csv", "reviewers.csv", "conflicts.csv"):
        p = os.path.join(d, name)
        with open(p, newline="") as f:
            rows = list(csv.reader(f))
        body = rows[1:]
        rnd.shuffle(body)
        cols = list(range(len(rows[0])))
        # application_id stays first in the stream.
        if name != "apps.csv":
            rnd.shuffle(cols)
        with open(p, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            for r in [rows[0]] + body:
                w.writerow([r[c] for c in cols])


def words(s):
    return re.findall(r"[a-z0-9]+", s.lower())


def load(d):
    with open(os.path.join(d, "apps.csv"), newline="") as f:
        apps = [r for r in csv.DictReader(f) if r["admissible"] == "yes"]
    with open(os.path.join(d, "reviewers.csv"), newline="") as f:
        revs = list(csv.DictReader(f))
    with open(os.path.join(d, "conflicts.csv"), newline="") as f:
        bar = {(r["reviewer"], r["application_id"]) for r in csv.DictReader(f)}
    k = int(open(os.path.join(d, "k")).read())
    aff = {}
    for a in apps:
        aw = set(words(a["keywords"]))
        for r in revs:
            if (r["reviewer"], a["application_id"]) in bar:
                continue
            if r["organisation"] and r["organisation"][:9] == a["siret"][:9]:
                continue
            s = kw = 0
            for item in [x for x in r["expertise"].split("|") if words(x)]:
                if " ".join(words(item)) == " ".join(words(a["sector"])):
                    s = 1
                elif set(words(item)) <= aw:
                    kw += 1
            aff[(a["application_id"], r["reviewer"])] = (s, kw)
    return apps, revs, aff, k


def glpsol(lp):
    """Solves the CPLEX LP text: the objective's value, or None when the
    problem has no integer solution."""
    with tempfile.TemporaryDirectory() as t:
        p = os.path.join(t, "p.lp")
        o = os.path.join(t, "p.out")
        with open(p, "w") as f:
            f.write(lp)
        subprocess.run(["glpsol", "--lp", p, "-o", o], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = open(o).read() if os.path.exists(o) else ""
    if "INTEGER OPTIMAL" not in text:
        return None
    m = re.search(r"Objective:\s+obj = (-?[0-9.e+]+)", text)
    return round(float(m.group(1)))


def program(apps, revs, aff, k, sense, objective, bounds):
    """The assignment as an integer program in CPLEX LP format: x_a_r
    for each pair allowed, y_r_j for the j-th application of reviewer r."""
    x = {p: "x_%d_%d" % (i, j) for i, a in enumerate(apps)
         for j, r in enumerate(revs) if (p := (a["application_id"], r["reviewer"])) in aff}
    y = {(r["reviewer"], j): "y_%d_%d" % (i, j) for i, r in enumerate(revs)
         for j in range(1, min(int(r["max_load"]), len(apps)) + 1)}
    terms = {"sector": [(aff[p][0], v) for p, v in x.items()],
             "keywords": [(aff[p][1], v) for p, v in x.items()],
             "squares": [(2 * j - 1, v) for (r, j), v in y.items()]}

    def expr(t):
        s = " + ".join("%d %s" % (c, v) for c, v in t if c != 0)
        return s or "0 " + (next(iter(x.values())) if x else "dummy")

    out = ["Maximize" if sense == "max" else "Minimize", " obj: " + expr(terms[objective]),
           "Subject To"]
    for a in apps:
        vs = [v for (ai, r), v in x.items() if ai == a["application_id"]]
        out.append(" cover_%s: %s = %d" % (a["application_id"].replace("-", "_"),
                                           " + ".join(vs) if vs else "0 dummy", k))
    for i, r in enumerate(revs):
        vs = [v for (ai, ri), v in x.items() if ri == r["reviewer"]]
        ys = [v for (ri, j), v in y.items() if ri == r["reviewer"]]
        if vs or ys:
            out.append(" load_%d: %s%s = 0" % (i, " + ".join(vs) if vs else "0 dummy",
                                                "".join(" - " + v for v in ys)))
    for name, (op, val) in bounds.items():
        out.append(" tier_%s: %s %s %d" % (name, expr(terms[name]), op, val))
    out.append("Bounds")
    out.append(" dummy = 0")
    out.append("Binary")
    out.extend(" " + v for v in list(x.values()) + list(y.values()))
    out.append("End")
    return "\n".join(out) + "\n"


def check(d, status, outfile):
    apps, revs, aff, k = load(d)
    out = open(outfile, newline="").read()
    sector = program(apps, revs, aff, k, "max", "sector", {})
    best_s = glpsol(sector)
    if best_s is None:
        if status != 1 or out != "":
            return "glpsol finds no assignment, aap-assign gave status %d and %d bytes" % (status, len(out))
        return None
    if status != 0:
        return "glpsol finds an assignment, aap-assign gave status %d" % status
    rows = list(csv.DictReader(out.splitlines()))
    cap = {r["reviewer"]: int(r["max_load"]) for r in revs}
    load_ = {r["reviewer"]: 0 for r in revs}
    got = {a["application_id"]: [] for a in apps}
    s = kw = 0
    for row in rows:
        p = (row["application_id"], row["reviewer"])
        if p[0] not in got:
            return "%s is assigned but not admissible" % p[0]
        if p not in aff:
            return "%s is assigned to %s in spite of a conflict" % (p[1], p[0])
        if int(row["affinity"]) != 1000 * aff[p][0] + aff[p][1]:
            return "affinity of %s: %s, expected %d" % (p, row["affinity"], 1000 * aff[p][0] + aff[p][1])
        got[p[0]].append(p[1])
        load_[p[1]] += 1
        s += aff[p][0]
        kw += aff[p][1]
    for a, rs in got.items():
        if len(rs) != k or len(set(rs)) != k:
            return "%s has reviewers %s, %d distinct needed" % (a, rs, k)
    for r, n in load_.items():
        if n > cap[r]:
            return "%s has %d applications, its maximum is %d" % (r, n, cap[r])
    sq = sum(n * n for n in load_.values())
    best_k = glpsol(program(apps, revs, aff, k, "max", "keywords", {"sector": (">=", best_s)}))
    best_q = glpsol(program(apps, revs, aff, k, "min", "squares",
                            {"sector": (">=", best_s), "keywords": (">=", best_k)}))
    if (s, kw, sq) != (best_s, best_k, best_q):
        return "sector, keywords, sum of squares: %s, glpsol's optimum %s" % (
            (s, kw, sq), (best_s, best_k, best_q))
    return None


def main():
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "shuffle":
        shuffle(int(sys.argv[2]), sys.argv[3])
    else:
        why = check(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        if why:
            print(why)
            sys.exit(1)


main()
