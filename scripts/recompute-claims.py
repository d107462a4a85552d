#!/usr/bin/env python3
"""Recompute an ordering study's claim tests from its runs.csv, independently of NormLab, and compare with summary.json.

Usage: python3 scripts/recompute-claims.py docs/results/ordering-mnist/merged [more merged folders ...]

Each claim of the ordering article (docs/claims.md) is written here again from its definition, not from NormLab's code:
paired differences by seed, one-sided t-tests (scipy.stats), TOST for "almost the same", the interaction contrast for
the depth crossover, log step ratios for "converges more slowly", Holm's step-down correction within each claim (the
"for" and the "against" families each at alpha = 0.05), and the verdict rules. Every number of every test in
summary.json (estimate, 95% interval, p-values before and after Holm, verdict) and every claim's verdict is compared;
the script prints the largest difference and exits with 1 on any mismatch beyond 1e-9 (relative) or any verdict that
differs. Needs numpy and scipy (Debian: python3-scipy; run it with /usr/bin/python3).
"""
import csv
import json
import math
import os
import re
import sys

import numpy as np
from scipy import stats

ALPHA = 0.05
SLIGHT = 0.001        # "slightly worse/better": 0.1 pp
SAME = 0.002          # "almost the same": within +-0.2 pp
INTERACTION = 0.002   # the depth crossover's interaction: 0.2 pp
SLOWER = math.log(1.1)  # "converges more slowly": at least 10% more steps
ABOUT = 0.985         # "about 99%" less 0.5 pp for the test set's own error
FLOOR = 0.97          # "still above 97%"


def read_runs(folder):
    runs = {}
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        for row in csv.DictReader(f):
            runs[(row["network"], int(row["seed"]))] = row
    return runs


def one_sided(values, mu, greater):
    return float(stats.ttest_1samp(values, mu, alternative="greater" if greater else "less").pvalue)


def ci95(values):
    n = len(values)
    mean = float(np.mean(values))
    half = float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return mean, (mean - half, mean + half)


def holm(ps):
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        adjusted[i] = running
    return adjusted


class Claims:
    def __init__(self, folder, summary):
        self.folder = folder
        self.runs = read_runs(folder)
        self.seeds = sorted({s for (_, s) in self.runs})
        self.networks = {n for (n, _) in self.runs}
        self.data = summary["data"]
        # absolute claims are about full MNIST: not Fashion-MNIST or KMNIST, and at least 50,000 train images
        train = min(self.run_file(n, s)["trainExamples"] for (n, s) in self.runs)
        self.mnist = "fashion" not in self.data.lower() and "kmnist" not in self.data.lower() and train >= 50_000
        self.names = {}
        for n in self.networks:
            m = re.fullmatch(r"(ConvBnRelu|ConvReluBn|BnReluConv)(\d+)(\w+)", n)
            if m:
                self.names[(m.group(1), int(m.group(2)), m.group(3))] = n

    def run_file(self, network, seed):
        with open(os.path.join(self.folder, "runs", network, f"seed-{seed}.json")) as f:
            return json.load(f)

    def accuracy(self, network):
        return np.array([float(self.runs[(network, s)]["testAccuracy"]) for s in self.seeds])

    def steps(self, network, target):
        """Steps to the target by seed (a run that never reached it: one step past its end), and how many runs reached it."""
        column = f"stepsTo{target:g}"
        out, reached = [], 0
        for s in self.seeds:
            cell = self.runs[(network, s)].get(column, "")
            if cell not in ("", None) and float(cell) > 0:
                out.append(float(cell))
                reached += 1
            else:
                out.append(sum(e["steps"] for e in self.run_file(network, s)["epochs"]) + 1)
        return np.array(out), reached

    def slower(self, k, other, target):
        """O2c's log step ratio, compared only when more than half the runs of both networks reached the target."""
        (slow, a), (fast, b) = self.steps(f"ConvBnRelu{k}Relu", target), self.steps(f"{other}{k}Relu", target)
        if 2 * a <= len(self.seeds) or 2 * b <= len(self.seeds):
            return None
        return self.direction(f"log steps to {target * 100:g}%, ConvBnRelu{k}Relu / {other}{k}Relu", np.log(slow / fast), SLOWER, 1, "log")

    @staticmethod
    def direction(label, values, minimal, scale, unit):
        mean, (lo, hi) = ci95(values)
        return dict(label=label, kind="direction", unit=unit, estimate=mean * scale, ci95=[lo * scale, hi * scale],
                    minimalEffect=minimal * scale, pFor=one_sided(values, 0, True), pAgainst=one_sided(values, minimal, False),
                    otherWay=mean < 0)

    @staticmethod
    def equivalence(label, values, margin):
        mean, (lo, hi) = ci95(values)
        tost = max(one_sided(values, -margin, True), one_sided(values, margin, False))
        outside = min(1.0, 2 * min(one_sided(values, margin, True), one_sided(values, -margin, False)))
        return dict(label=label, kind="equivalence", unit="pp", estimate=mean * 100, ci95=[lo * 100, hi * 100],
                    minimalEffect=margin * 100, pFor=tost, pAgainst=outside, otherWay=False)

    @staticmethod
    def threshold(label, values, level):
        mean, (lo, hi) = ci95(values)
        return dict(label=label, kind="threshold", unit="pp", estimate=(mean - level) * 100,
                    ci95=[(lo - level) * 100, (hi - level) * 100], pFor=one_sided(values, level, True),
                    pAgainst=one_sided(values, level, False), otherWay=mean < level)

    def depths(self, activation="Relu"):
        return sorted({k for (_, k, a) in self.names if a == activation})

    def has(self, *names):
        return all(n in self.networks for n in names)

    def tests(self, convergence_target):
        d = self.depths()
        out = {}
        # O1a: BN>ReLU>Conv and Conv>ReLU>BN almost the same, at every depth
        out["O1a"] = [self.equivalence(f"BnReluConv{k}Relu − ConvReluBn{k}Relu, final test accuracy",
                                       self.accuracy(f"BnReluConv{k}Relu") - self.accuracy(f"ConvReluBn{k}Relu"), SAME)
                      for k in d if self.has(f"BnReluConv{k}Relu", f"ConvReluBn{k}Relu")]
        # O1b: both about 99% on MNIST
        out["O1b"] = [self.threshold(f"{o}{k}Relu, final test accuracy vs {ABOUT * 100:.1f}%", self.accuracy(f"{o}{k}Relu"), ABOUT)
                      for k in d for o in ("BnReluConv", "ConvReluBn") if self.has(f"{o}{k}Relu")] if self.mnist else None
        # O2a: Conv>BN>ReLU slightly worse than both
        out["O2a"] = [self.direction(f"{o}{k}Relu − ConvBnRelu{k}Relu, final test accuracy",
                                     self.accuracy(f"{o}{k}Relu") - self.accuracy(f"ConvBnRelu{k}Relu"), SLIGHT, 100, "pp")
                      for k in d for o in ("BnReluConv", "ConvReluBn") if self.has(f"{o}{k}Relu", f"ConvBnRelu{k}Relu")]
        # O2b: Conv>BN>ReLU still above 97% on MNIST
        out["O2b"] = [self.threshold(f"ConvBnRelu{k}Relu, final test accuracy vs {FLOOR * 100:.1f}%", self.accuracy(f"ConvBnRelu{k}Relu"), FLOOR)
                      for k in d if self.has(f"ConvBnRelu{k}Relu")] if self.mnist else None
        # O2c: Conv>BN>ReLU needs at least 10% more steps to the convergence target than each of the other two
        t = convergence_target
        out["O2c"] = [p for k in d for o in ("BnReluConv", "ConvReluBn") if self.has(f"{o}{k}Relu", f"ConvBnRelu{k}Relu")
                      for p in [self.slower(k, o, t)] if p is not None]
        # O3: Conv>ReLU>BN better at the shallow depth, BN>ReLU>Conv at the deep one: the interaction, then both simple effects
        if len(d) >= 2 and self.has(*(f"{o}{k}Relu" for o in ("BnReluConv", "ConvReluBn") for k in (d[0], d[-1]))):
            a, b = d[0], d[-1]
            shallow = self.accuracy(f"ConvReluBn{a}Relu") - self.accuracy(f"BnReluConv{a}Relu")
            deep = self.accuracy(f"ConvReluBn{b}Relu") - self.accuracy(f"BnReluConv{b}Relu")
            out["O3"] = [
                self.direction(f"interaction: (ConvReluBn{a}Relu − BnReluConv{a}Relu) − (ConvReluBn{b}Relu − BnReluConv{b}Relu)",
                               shallow - deep, INTERACTION, 100, "pp"),
                self.direction(f"ConvReluBn{a}Relu − BnReluConv{a}Relu, final test accuracy", shallow, SLIGHT, 100, "pp"),
                self.direction(f"BnReluConv{b}Relu − ConvReluBn{b}Relu, final test accuracy", -deep, SLIGHT, 100, "pp"),
            ]
        # O4: with LeakyReLU or ELU, Conv>act>BN better than each other ordering by at least 0.1 pp, "usually"
        out["O4"] = [self.direction(f"ConvReluBn{k}{a} − {o}{k}{a}, final test accuracy",
                                    self.accuracy(f"ConvReluBn{k}{a}") - self.accuracy(f"{o}{k}{a}"), SLIGHT, 100, "pp")
                     for a in ("Elu", "LeakyRelu") for k in self.depths(a) for o in ("ConvBnRelu", "BnReluConv")
                     if self.has(f"ConvReluBn{k}{a}", f"{o}{k}{a}")]
        return out


def verdicts(tests, usually=False):
    fors, againsts = holm([t["pFor"] for t in tests]), holm([t["pAgainst"] for t in tests])
    for t, f, a in zip(tests, fors, againsts):
        t["holmPFor"], t["holmPAgainst"] = f, a
        t["verdict"] = "notSupported" if a < ALPHA else "supported" if f < ALPHA else "inconclusive"
    against = sum(t["verdict"] == "notSupported" for t in tests)
    supported = sum(t["verdict"] == "supported" for t in tests)
    if usually:
        claim = "supported" if 2 * supported > len(tests) else "notSupported" if 2 * against >= len(tests) else "inconclusive"
    else:
        claim = "notSupported" if against else "supported" if supported == len(tests) else "inconclusive"
    other_way = claim == "notSupported" and any(t["verdict"] == "notSupported" and t["otherWay"] for t in tests)
    return claim, other_way


def compare(folder):
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    claims = Claims(folder, summary)
    o2c = next(c for c in summary["claims"] if c["id"] == "O2c")
    label = o2c["tests"][0]["label"] if o2c.get("tests") else "log steps to 98%"
    target = float(label.split("log steps to ")[1].split("%")[0]) / 100
    mine = claims.tests(target)
    worst, problems, checked = 0.0, [], 0
    for claim in summary["claims"]:
        cid = claim["id"]
        if cid not in mine or mine[cid] == []:
            if claim["verdict"] not in ("notTested", "notTestedAtThisScale"):
                problems.append(f"{cid}: {claim['verdict']}, recomputed: no test (O5 is not recomputed)")
            continue
        tests = mine[cid]
        if tests is None:
            if claim["verdict"] != "notTestedAtThisScale":
                problems.append(f"{cid}: {claim['verdict']}, recomputed: not tested at this scale")
            continue
        verdict, other_way = verdicts(tests, usually=cid == "O4")
        if verdict != claim["verdict"] or other_way != claim["pointsOtherWay"]:
            problems.append(f"{cid}: {claim['verdict']} (other way: {claim['pointsOtherWay']}), recomputed: {verdict} (other way: {other_way})")
        theirs = {t["label"]: t for t in claim.get("tests", [])}
        if sorted(theirs) != sorted(t["label"] for t in tests):
            problems.append(f"{cid}: tests {sorted(theirs)}, recomputed: {sorted(t['label'] for t in tests)}")
            continue
        for t in tests:
            other = theirs[t["label"]]
            if other["verdict"] != t["verdict"]:
                problems.append(f"{cid} {t['label']}: {other['verdict']}, recomputed: {t['verdict']}")
            for key in ("estimate", "pFor", "pAgainst", "holmPFor", "holmPAgainst", "minimalEffect"):
                if key not in other or key not in t:
                    continue
                a, b = float(other[key]), float(t[key])
                diff = abs(a - b) / max(1.0, abs(b))
                worst = max(worst, diff)
                checked += 1
                if diff > 1e-9:
                    problems.append(f"{cid} {t['label']}: {key} {a!r}, recomputed {b!r}")
            for a, b in zip(other["ci95"], t["ci95"]):
                diff = abs(a - b) / max(1.0, abs(b))
                worst = max(worst, diff)
                checked += 1
                if diff > 1e-9:
                    problems.append(f"{cid} {t['label']}: ci95 {other['ci95']}, recomputed {t['ci95']}")
    names = ", ".join(f"{c['id']} {c['verdict']}" for c in summary["claims"])
    print(f"{folder}: {len(claims.seeds)} seeds, {checked} numbers and every verdict recomputed; largest relative difference {worst:.1e}")
    print(f"  verdicts: {names}")
    for p in problems:
        print("  MISMATCH " + p)
    return not problems


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    ok = all([compare(folder) for folder in sys.argv[1:]])
    sys.exit(0 if ok else 1)
