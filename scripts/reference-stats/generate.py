#!/usr/bin/python3
"""Writes the reference values Keel's monitoring statistics are tested against.

Run by hand with Debian's python3 (python3-scipy, python3-numpy, python3-sklearn):

    /usr/bin/python3 scripts/reference-stats/generate.py

It draws inputs from a fixed seed, computes scipy's / numpy's / scikit-learn's answers and writes both, input
arrays included, to tests/Keel.Core.Tests/Monitoring/Fixtures/*.json. Evidently is not installed here, so its
drift functions (get_binned_data, psi, kl_div, jensenshannon, chisquare and z stattests, wasserstein_distance_norm)
are restated below from its source, calling the same numpy/scipy functions it calls.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
import sklearn
from scipy import stats
from scipy.spatial import distance
from sklearn import metrics

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Keel.Core.Tests", "Monitoring", "Fixtures")
rng = np.random.default_rng(20240607)


def num(x):
    """JSON has no infinities: they are written as the strings "inf" / "-inf" (NaN as "nan")."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def arr(a):
    return [num(v) for v in np.asarray(a, dtype=float)]


def normal(n, loc=0.0, scale=1.0, decimals=4):
    # Rounded so the fixtures stay small; rounding also makes ties.
    return np.round(rng.normal(loc, scale, n), decimals)


# Large samples are written once, in pool.json, and cases refer to them as {"pool", "take", "scale", "shift"}:
# value * scale + shift, the same two IEEE operations in C# and numpy, so both sides see identical doubles.
POOL = {"A": normal(20000), "B": normal(20000)}


class Pooled:
    def __init__(self, name, take=None, scale=1.0, shift=0.0):
        self.spec = {"pool": name, "take": take or len(POOL[name]), "scale": scale, "shift": shift}
        self.values = POOL[name][: self.spec["take"]] * scale + shift


def values_of(x):
    return x.values if isinstance(x, Pooled) else np.asarray(x, dtype=float)


def spec_of(x):
    return x.spec if isinstance(x, Pooled) else arr(x)


# ---------------------------------------------------------------- Kolmogorov-Smirnov (scipy.stats.ks_2samp, auto)
def ks_cases():
    cases = []

    def add(name, a_in, b_in):
        a, b = values_of(a_in), values_of(b_in)
        r = stats.ks_2samp(a, b, alternative="two-sided", method="auto")
        mode = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
        cases.append({"name": name, "mode": mode, "a": spec_of(a_in), "b": spec_of(b_in), "statistic": num(r.statistic), "pvalue": num(r.pvalue)})

    add("tiny unequal sizes", [1.2, 3.4, 0.5], [2.2, 0.1, 5.0, 4.4])
    add("tiny equal sizes", [0.3, 1.1, 2.5, 0.9, 1.7], [1.4, 2.8, 3.3, 0.2, 2.9])
    add("single values", [1.0], [2.0])
    add("n500 vs n700 same distribution", normal(500), normal(700))
    add("n500 vs n700 shifted 0.25", normal(500), normal(700, 0.25))
    add("n1000 vs n1000 shifted 0.1", normal(1000), normal(1000, 0.1))
    add("n1000 vs n1000 shifted 0.5", normal(1000), normal(1000, 0.5))
    add("heavy ties integers 0-4", rng.integers(0, 5, 300), rng.integers(0, 5, 400))
    add("heavy ties shifted", rng.integers(0, 5, 300), rng.integers(1, 6, 400))
    add("constant equal", np.full(50, 3.0), np.full(60, 3.0))
    add("constant different", np.full(50, 1.0), np.full(60, 2.0))
    add("one-sided shift no overlap", normal(200), normal(300, 10))
    add("n10000 vs n9000 shifted 0.03", Pooled("A", 10000), Pooled("B", 9000, shift=0.03))
    add("n20000 same distribution (asymptotic)", Pooled("A"), Pooled("B"))
    add("n20000 shifted 0.04 (asymptotic, small p)", Pooled("A"), Pooled("B", shift=0.04))
    add("n20000 shifted 0.015 (asymptotic)", Pooled("A"), Pooled("B", shift=0.015))
    # Nearly identical ECDFs: D ~ 0.002 reaches the Durbin-matrix branch of kstwo.
    add("n20000 vs n15000 nearly identical", Pooled("A"), Pooled("A", 15000, scale=1.002))
    # n_eff = round(30 * 20000 / 20030) = 30: the small-n branches of kstwo (Durbin, Pomeranz, Smirnov, x >= 0.5).
    for shift in (0.0, 0.3, 0.6, 1.0, 1.6, 3.0):
        add(f"n30 vs n20000 shifted {shift}", normal(30, shift), Pooled("B"))
    add("n12 vs n20000 far apart", normal(12, 5.0), Pooled("B"))
    return cases


def kstwo_cases():
    """scipy.stats.kstwo.sf on a grid that reaches every branch of its algorithm choice."""
    cases = []
    for n in (1, 2, 5, 30, 140, 141, 1000, 10000, 90909, 2000000):
        xs = {0.3 / n, 0.7 / n, 1.5 / n, 3.0 / n, 0.5 / math.sqrt(n), 0.9 / math.sqrt(n), 1.3 / math.sqrt(n), 2.0 / math.sqrt(n),
              3.5 / math.sqrt(n), 0.01, 0.05, 0.2, 0.45, 0.6, 0.9, 1 - 0.5 / n}
        for x in sorted(v for v in xs if 0 < v < 1):
            cases.append({"n": n, "x": x, "sf": num(stats.kstwo.sf(x, n))})
    return cases


# ---------------------------------------------------------------- Evidently restated
def evidently_binned(reference, current, numeric, feel_zeroes):
    """get_binned_data: Sturges bins on reference + current when numeric with > 20 distinct reference values."""
    if numeric and len(np.unique(reference)) > 20:
        bins = np.histogram_bin_edges(np.concatenate([reference, current]), bins="sturges")
        ref = np.histogram(reference, bins)[0] / len(reference)
        cur = np.histogram(current, bins)[0] / len(current)
        edges = bins
    else:
        keys = sorted(set(reference.tolist()) | set(current.tolist()))
        ref = np.array([sum(1 for v in reference if v == k) / len(reference) for k in keys])
        cur = np.array([sum(1 for v in current if v == k) / len(current) for k in keys])
        edges = None
    if feel_zeroes:
        for p in (ref, cur):
            m = min(p[p != 0])
            np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return ref, cur, edges


def evidently_psi(reference, current, numeric):
    r, c, _ = evidently_binned(reference, current, numeric, True)
    return sum((r[i] - c[i]) * np.log(r[i] / c[i]) for i in range(len(r)))


def evidently_kl(reference, current, numeric):
    r, c, _ = evidently_binned(reference, current, numeric, True)
    return stats.entropy(r, c)


def evidently_js(reference, current, numeric):
    r, c, _ = evidently_binned(reference, current, numeric, False)
    return distance.jensenshannon(r, c, None)


def counts_by_key(reference, current):
    keys = sorted(set(reference) | set(current))
    return keys, [reference.count(k) for k in keys], [current.count(k) for k in keys]


def evidently_chi(reference, current):
    keys, ref, cur = counts_by_key(reference, current)
    k_norm = len(current) / len(reference)
    f_exp = [r * k_norm for r in ref]
    with np.errstate(divide="ignore"):
        res = stats.chisquare(cur, f_exp)
    return keys, ref, cur, f_exp, res


def evidently_z(reference, current):
    if len(set(reference)) == 1 and len(set(current)) == 1 and reference[0] == current[0]:
        return 0.0, 1.0
    first = sorted(set(reference) | set(current))[0]
    r = np.array([0 if x == first else 1 for x in reference])
    c = np.array([0 if x == first else 1 for x in current])
    n1, n2 = len(r), len(c)
    p1 = float(sum(r)) / n1
    p2 = float(sum(c)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return z, 2 * (1 - stats.norm.cdf(np.abs(z)))


# ---------------------------------------------------------------- chi-squared and Z
def categories(labels, weights, n):
    return list(rng.choice(labels, size=n, p=weights))


def chi_cases():
    cases = []

    def add(name, reference, current):
        keys, ref, cur, f_exp, res = evidently_chi(reference, current)
        cases.append({"name": name, "reference": reference, "current": current, "keys": keys, "observed": cur,
                      "expected": arr(f_exp), "statistic": num(res.statistic), "pvalue": num(res.pvalue)})

    add("four categories no drift", categories(["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1], 400), categories(["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1], 300))
    add("four categories drift", categories(["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1], 400), categories(["a", "b", "c", "d"], [0.25, 0.25, 0.25, 0.25], 300))
    add("category only in reference", categories(["x", "y", "z"], [0.5, 0.3, 0.2], 200), categories(["x", "y"], [0.6, 0.4], 150))
    add("category absent from reference", categories(["x", "y"], [0.6, 0.4], 200), categories(["x", "y", "new"], [0.5, 0.3, 0.2], 150))
    add("small counts", ["p", "q", "r", "p", "q", "p"], ["r", "r", "q", "p", "r"])
    return cases


def z_cases():
    cases = []

    def add(name, reference, current):
        z, p = evidently_z(reference, current)
        cases.append({"name": name, "reference": reference, "current": current, "statistic": num(z), "pvalue": num(p)})

    add("binary no drift", categories(["no", "yes"], [0.7, 0.3], 500), categories(["no", "yes"], [0.7, 0.3], 400))
    add("binary drift", categories(["no", "yes"], [0.7, 0.3], 500), categories(["no", "yes"], [0.5, 0.5], 400))
    add("same single category", ["a"] * 20, ["a"] * 30)
    add("single category each, different", ["a"] * 20, ["b"] * 30)
    add("reference single, current both", ["b"] * 40, ["a"] * 5 + ["b"] * 35)
    return cases


# ---------------------------------------------------------------- Wasserstein
def wasserstein_cases():
    cases = []

    def add(name, a_in, b_in):
        a, b = values_of(a_in), values_of(b_in)
        w = stats.wasserstein_distance(a, b)
        normed = w / max(np.std(a), 0.001)
        cases.append({"name": name, "a": spec_of(a_in), "b": spec_of(b_in), "distance": num(w), "std": num(np.std(a)), "normed": num(normed)})

    add("tiny", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0])
    add("tiny unequal", [3.4, 3.9, 7.5, 7.8], [4.5, 1.4])
    add("n500 vs n700 shifted 0.3", normal(500), normal(700, 0.3))
    add("ties", rng.integers(0, 5, 300), rng.integers(0, 7, 450))
    add("constant reference", np.full(100, 2.0), normal(80, 2.0))
    add("constant both equal", np.full(10, 1.5), np.full(7, 1.5))
    add("large scale values", normal(2000, 1e6, 1e5, 1), normal(1500, 1.01e6, 1e5, 1))
    add("n20000 vs n15000", Pooled("A"), Pooled("B", 15000, scale=1.1, shift=0.05))
    return cases


# ---------------------------------------------------------------- JS, PSI, KL on Evidently's binning
def binned_cases():
    cases = []

    def add(name, reference, current, numeric):
        specs = (spec_of(reference), spec_of(current)) if numeric else None
        if numeric:
            reference = values_of(reference)
            current = values_of(current)
        else:
            reference = np.asarray(reference, dtype=object)
            current = np.asarray(current, dtype=object)
        raw_ref, raw_cur, edges = evidently_binned(reference, current, numeric, False)
        case = {"name": name, "numeric": numeric,
                "reference": specs[0] if numeric else list(reference),
                "current": specs[1] if numeric else list(current),
                "edges": None if edges is None else arr(edges),
                "reference_shares": arr(raw_ref), "current_shares": arr(raw_cur),
                "jensenshannon": num(evidently_js(reference, current, numeric)),
                "psi": num(evidently_psi(reference, current, numeric)),
                "kl_div": num(evidently_kl(reference, current, numeric))}
        cases.append(case)

    add("numeric same distribution", Pooled("A", 3000), Pooled("B", 2000), True)
    add("numeric shifted", Pooled("A", 3000), Pooled("B", 2000, shift=0.5), True)
    # Two far-apart modes leave empty bins in the middle; the current window fills some of them.
    add("numeric empty bins", np.concatenate([normal(500, -10), normal(500, 10)]), np.concatenate([normal(300, -10), normal(200, 0), normal(300, 10)]), True)
    add("numeric 1024 rows (log2 exact)", normal(600), normal(424, 0.2), True)
    add("numeric few reference values", rng.integers(0, 8, 2000), rng.integers(0, 10, 1500), True)
    add("numeric constant union", np.full(30, 4.0), np.full(20, 4.0), True)
    add("categorical absent in current", categories(["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1], 1500), categories(["a", "b", "c"], [0.5, 0.3, 0.2], 1200), False)
    add("categorical absent in reference", categories(["a", "b"], [0.5, 0.5], 1500), categories(["a", "b", "c"], [0.4, 0.4, 0.2], 1200), False)
    add("categorical tiny share", ["a"] * 19990 + ["b"] * 2, ["a"] * 500 + ["c"] * 500, False)
    return cases


# ---------------------------------------------------------------- Quality (sklearn, numpy)
def quality_cases():
    classification = []

    def add_cls(name, actual, predicted, scores=None, positive="1"):
        case = {"name": name, "actual": actual, "predicted": predicted, "positive_label": positive, "scores": None if scores is None else arr(scores)}
        labels = sorted(set(actual) | set(predicted))
        binary = len(labels) == 1 or (len(labels) == 2 and positive in labels)
        avg = dict(average="binary", pos_label=positive) if binary else dict(average="macro")
        case["accuracy"] = num(metrics.accuracy_score(actual, predicted))
        case["precision"] = num(metrics.precision_score(actual, predicted, zero_division=0, **avg))
        case["recall"] = num(metrics.recall_score(actual, predicted, zero_division=0, **avg))
        case["f1"] = num(metrics.f1_score(actual, predicted, zero_division=0, **avg))
        if scores is not None:
            y = [1 if a == positive else 0 for a in actual]
            case["log_loss"] = num(metrics.log_loss(y, scores, labels=[0, 1]))
            case["roc_auc"] = num(metrics.roc_auc_score(y, scores)) if len(set(y)) == 2 else None
        classification.append(case)

    n = 400
    y = rng.integers(0, 2, n)
    s = np.clip(np.round(y * 0.3 + rng.uniform(0, 0.7, n), 2), 0, 1)  # rounded to two decimals: many tied scores
    s[:5] = [0.0, 1.0, 1e-20, 1 - 1e-17, 0.5]  # extremes exercise the clipping
    pred = (s >= 0.5).astype(int)
    add_cls("binary with tied scores", [str(v) for v in y], [str(v) for v in pred], s)
    add_cls("binary never predicts positive", ["1", "0", "1", "0"], ["0", "0", "0", "0"], [0.4, 0.2, 0.45, 0.1])
    add_cls("binary only negatives", ["0", "0", "0"], ["0", "1", "0"], [0.1, 0.7, 0.2])
    yy = list(rng.choice(["cat", "dog", "fish"], 300, p=[0.5, 0.3, 0.2]))
    pp = [v if rng.uniform() < 0.7 else str(rng.choice(["cat", "dog", "fish", "bird"])) for v in yy]
    add_cls("multiclass macro with a label never actual", yy, pp)

    regression = []

    def add_reg(name, actual, predicted):
        actual = np.asarray(actual, dtype=float)
        predicted = np.asarray(predicted, dtype=float)
        regression.append({"name": name, "actual": arr(actual), "predicted": arr(predicted),
                           "rmse": num(np.sqrt(metrics.mean_squared_error(actual, predicted))),
                           "mae": num(metrics.mean_absolute_error(actual, predicted)),
                           "r2": num(metrics.r2_score(actual, predicted))})

    a = rng.normal(50, 10, 1000)
    add_reg("noisy linear", a, a + rng.normal(0, 3, 1000))
    add_reg("constant actual, imperfect", np.full(10, 2.0), np.linspace(1, 3, 10))
    add_reg("constant actual, perfect", np.full(10, 2.0), np.full(10, 2.0))
    add_reg("worse than mean", [1.0, 2.0, 3.0], [3.0, 1.0, 2.5])
    return {"classification": classification, "regression": regression}


def write(name, payload):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generated_by": "scripts/reference-stats/generate.py", "scipy": scipy.__version__, "numpy": np.__version__,
                   "sklearn": sklearn.__version__, **payload}, f, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {os.path.getsize(path) // 1024} KiB", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    write("pool.json", {"arrays": {k: arr(v) for k, v in POOL.items()}})
    write("ks.json", {"cases": ks_cases(), "kstwo": kstwo_cases()})
    write("chisquare.json", {"cases": chi_cases()})
    write("ztest.json", {"cases": z_cases()})
    write("wasserstein.json", {"cases": wasserstein_cases()})
    write("binned.json", {"cases": binned_cases()})
    write("quality.json", quality_cases())


if __name__ == "__main__":
    main()
