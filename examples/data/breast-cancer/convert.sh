#!/usr/bin/env bash
# Rebuilds breast_cancer.csv from the copy scikit-learn ships (Debian package python3-sklearn):
#   apt-get download python3-sklearn && dpkg-deb -x python3-sklearn_*.deb x
#   ./convert.sh x/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv > breast_cancer.csv
# The source's first line is "569,30,malignant,benign" and its last column is 0 = malignant, 1 = benign.
# The output has named columns and label = 1 for malignant (the positive class), 0 for benign.
set -euo pipefail
source_csv="${1:?usage: convert.sh path/to/sklearn/breast_cancer.csv}"
features=(radius texture perimeter area smoothness compactness concavity concave_points symmetry fractal_dimension)
header=()
for suffix in mean se worst; do
  for feature in "${features[@]}"; do header+=("${feature}_${suffix}"); done
done
(IFS=,; echo "${header[*]},label")
tail -n +2 "$source_csv" | tr -d '\r' | awk -F, 'BEGIN { OFS = "," } { $NF = ($NF == 0) ? 1 : 0; print }'
