"""Trains a scaled logistic regression (the `train@C` stages). Keel runs each stage inside a tracked child run and
sets MLFLOW_RUN_ID, so an MLflow client (if installed) logs into that run; without one the script still works."""
import argparse
import os
import pickle

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--c", type=float, required=True)
    parser.add_argument("--max-iter", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    data = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
    features, labels = data[:, :-1], data[:, -1]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=args.c, max_iter=args.max_iter))
    model.fit(features, labels)

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "wb") as f:
        pickle.dump(model, f)
    print(f"trained C={args.c}: train accuracy {model.score(features, labels):.4f}")


if __name__ == "__main__":
    main()
