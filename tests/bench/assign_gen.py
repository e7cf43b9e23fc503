"""assign_gen.py - the data of aap-assign's benchmark, and the greedy
assignment it is measured against (docs/performance.md).

    assign_gen.py gen N R SEED DIR   N applications (a bare stream of the
                                     call tests/data/calls/assign), R
                                     reviewers, conflicts, in DIR
    assign_gen.py greedy DIR K       the greedy assignment's total affinity:
                                     each application in id order takes
                                     the K free reviewers of highest
                                     affinity (then lowest load, then id)
    assign_gen.py total FILE         the total affinity of assignments.csv
"""
import csv
import os
import random
import re
import sys

SECTORS = ["sector%02d" % i for i in range(12)]
WORDS = ["word%02d" % i for i in range(60)]


def gen(n, m, seed, d):
    rnd = random.Random(seed)
    sirens = ["%09d" % rnd.randint(100000000, 999999999) for _ in range(n // 4)]
    with open(os.path.join(d, "apps.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["application_id", "siret", "sector", "keywords", "admissible"])
        for i in range(n):
            kw = "|".join(rnd.sample(WORDS, rnd.randint(0, 4)))
            # Some sectors draw many more applications than others.
            sector = SECTORS[min(int(rnd.expovariate(0.3)), len(SECTORS) - 1)]
            w.writerow(["B-%06d" % i, rnd.choice(sirens) + "00012",
                        sector, kw, "yes"])
    with open(os.path.join(d, "reviewers.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["reviewer", "name", "organisation", "expertise", "max_load"])
        for j in range(m):
            items = rnd.sample(SECTORS, rnd.randint(1, 3)) + rnd.sample(WORDS, rnd.randint(2, 6))
            org = rnd.choice(sirens) if rnd.random() < 0.3 else ""
            w.writerow(["rev%04d" % j, "Reviewer %d" % j, org, "|".join(items),
                        # About 5 % more load in all than needed.
                        (rnd.randint(45, 60) * 3 * n + 50 * m - 1) // (50 * m)])
    with open(os.path.join(d, "conflicts.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["reviewer", "application_id"])
        pairs = {("rev%04d" % rnd.randrange(m), "B-%06d" % rnd.randrange(n))
                 for _ in range(n // 5)}
        for p in sorted(pairs):
            w.writerow(p)


def words(s):
    return re.findall(r"[a-z0-9]+", s.lower())


def greedy(d, k):
    with open(os.path.join(d, "apps.csv"), newline="") as f:
        apps = sorted((r for r in csv.DictReader(f) if r["admissible"] == "yes"),
                      key=lambda r: r["application_id"].encode())
    with open(os.path.join(d, "reviewers.csv"), newline="") as f:
        revs = sorted(csv.DictReader(f), key=lambda r: r["reviewer"].encode())
    with open(os.path.join(d, "conflicts.csv"), newline="") as f:
        bar = {(r["reviewer"], r["application_id"]) for r in csv.DictReader(f)}
    items = {}
    rv = []
    for r in revs:
        its = [" ".join(words(x)) for x in r["expertise"].split("|") if words(x)]
        rv.append((r["reviewer"], set(its), {items.setdefault(x, len(items)) for x in its},
                   r["organisation"].replace(" ", "")[:9], int(r["max_load"])))
    load = [0] * len(rv)
    total = 0
    for a in apps:
        aw = set(words(a["keywords"]))
        sector = " ".join(words(a["sector"]))
        matched = {i for x, i in items.items() if x != sector and set(x.split()) <= aw}
        best = []
        for j, (rid, its, ids, org, cap) in enumerate(rv):
            if load[j] >= cap or (rid, a["application_id"]) in bar or \
                    (org and org == a["siret"][:9]):
                continue
            s = sector in its
            kw = len(ids & matched) - (1 if s and items[sector] in matched else 0)
            best.append((-(1000 * s + kw), load[j], rid, j))
        best.sort()
        if len(best) < k:
            return None
        for aff, _, _, j in best[:k]:
            load[j] += 1
            total -= aff
    return total


def total(path):
    with open(path, newline="") as f:
        return sum(int(r["affinity"]) for r in csv.DictReader(f))


def main():
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "greedy":
        print(greedy(sys.argv[2], int(sys.argv[3])))
    else:
        print(total(sys.argv[2]))


main()
