"""Scores a trained model on the test split and writes metrics JSON (the `evaluate@C` stages); Keel logs every
numeric leaf of the file as a metric of the stage's run."""
import argparse
import json
import os
import pickle

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    with open(args.model, "rb") as f:
        model = pickle.load(f)
    data = np.loadtxt(args.data, delimiter=",", skiprows=1)
    features, labels = data[:, :-1], data[:, -1]
    scores = model.predict_proba(features)[:, 1]
    predictions = (scores >= 0.5).astype(float)
    metrics = {
        "test_accuracy": accuracy_score(labels, predictions),
        "test_f1": f1_score(labels, predictions),
        "test_auc": roc_auc_score(labels, scores),
        "test_log_loss": log_loss(labels, scores),
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(metrics, f, indent=2)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
