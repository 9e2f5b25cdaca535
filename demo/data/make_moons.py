"""Writes moons.csv: two interleaving half circles with Gaussian noise, 1000 rows, deterministic (seed 7).

    python3 demo/data/make_moons.py        # rewrites demo/data/moons.csv byte for byte
"""

import math
import os
import random

ROWS = 1000
NOISE = 0.2
SEED = 7


def make(rows=ROWS, noise=NOISE, seed=SEED):
    rng = random.Random(seed)
    points = []
    for i in range(rows):
        label = i % 2
        t = math.pi * rng.random()
        if label == 0:  # upper moon
            x, y = math.cos(t), math.sin(t)
        else:  # lower moon, shifted right and down
            x, y = 1.0 - math.cos(t), 0.5 - math.sin(t)
        points.append((x + rng.gauss(0, noise), y + rng.gauss(0, noise), label))
    rng.shuffle(points)
    return points


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "moons.csv")
    with open(path, "w", newline="\n") as f:
        f.write("x1,x2,label\n")
        for x, y, label in make():
            f.write("%.5f,%.5f,%d\n" % (x, y, label))
    print("wrote", path)


if __name__ == "__main__":
    main()
