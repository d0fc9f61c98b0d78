"""Splits the breast-cancer CSV into a stratified train/test pair (the `prepare` stage)."""
import argparse
import csv
import os
import random


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--test-size", type=float, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()

    with open(args.data, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    by_label: dict[str, list[list[str]]] = {}
    for row in body:
        by_label.setdefault(row[-1], []).append(row)

    rng = random.Random(args.seed)
    train, test = [], []
    for group in by_label.values():
        rng.shuffle(group)
        cut = round(len(group) * args.test_size)
        test.extend(group[:cut])
        train.extend(group[cut:])

    os.makedirs("data", exist_ok=True)
    for name, part in (("data/train.csv", train), ("data/test.csv", test)):
        with open(name, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(part)
    print(f"train {len(train)} rows, test {len(test)} rows")


if __name__ == "__main__":
    main()
