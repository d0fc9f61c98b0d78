#!/usr/bin/python3
"""The scipy side of the `drift` benchmark (bench/Keel.Benchmarks/DriftBenchmark.cs starts it).

    /usr/bin/python3 bench/scripts/drift_scipy.py <folder> <features> <repeats>

Loads reference_<i>.f64 and current_<i>.f64 (raw little-endian float64, written by the benchmark) with
numpy.fromfile and times, over all features, what Evidently runs for a numeric column:
  - normed Wasserstein: scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
  - Kolmogorov-Smirnov: scipy.stats.ks_2samp(ref, cur) (method='auto'; asymptotic at these sizes)
Best of <repeats> runs each, wall and processor time. Prints one JSON line: seconds and the per-feature values,
for the cross-check.
"""
import json
import os
import sys
import time

import numpy as np
import scipy
from scipy import stats


def main():
    folder, features, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    reference = [np.fromfile(os.path.join(folder, f"reference_{i}.f64"), dtype="<f8") for i in range(features)]
    current = [np.fromfile(os.path.join(folder, f"current_{i}.f64"), dtype="<f8") for i in range(features)]

    def wasserstein():
        return [stats.wasserstein_distance(r, c) / max(np.std(r), 0.001) for r, c in zip(reference, current)]

    def ks():
        return [stats.ks_2samp(r, c) for r, c in zip(reference, current)]

    def best(fn):
        # Wall and processor time, each the best over the runs.
        walls, cpus, result = [], [], None
        for _ in range(repeats):
            cpu_started, started = time.process_time(), time.perf_counter()
            result = fn()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu_started)
        return min(walls), min(cpus), result

    w_time, w_cpu, w = best(wasserstein)
    k_time, k_cpu, k = best(ks)
    print(json.dumps({
        "scipy": scipy.__version__, "numpy": np.__version__,
        "wasserstein_seconds": w_time, "ks_seconds": k_time, "wasserstein_cpu_seconds": w_cpu, "ks_cpu_seconds": k_cpu,
        "wasserstein_normed": [float(v) for v in w],
        "ks_statistic": [float(r.statistic) for r in k], "ks_pvalue": [float(r.pvalue) for r in k],
    }))


if __name__ == "__main__":
    main()
