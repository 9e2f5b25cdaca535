"""Trains a small neural network (one tanh hidden layer) on the two-moons data set, with the standard library only.

    python3 train.py --lr 0.5 --epochs 40 --hidden 32 --seed 0
    python3 -m runlog run train.py --epochs 10        # tracked without any code (the editor does this for you)

Prints one line per epoch (`epoch 3 loss=0.2100 acc=0.9300 val_loss=... val_acc=...`). When the runlog client is
importable it also logs params, per-epoch metrics, the data set and the trained model (model.json) to the run;
without it the script runs just the same.
"""

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time

try:
    import runlog
except ImportError:  # the demo also runs without Runlog
    runlog = None

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "moons.csv")


def load(path):
    rows = []
    with open(path) as f:
        next(f)  # header
        for line in f:
            x1, x2, label = line.strip().split(",")
            rows.append(((float(x1), float(x2)), int(label)))
    return rows


class MLP:
    """2 inputs -> `hidden` tanh units -> 1 sigmoid output, trained with mini-batch SGD on log loss."""

    def __init__(self, hidden, rng):
        scale = 1.0 / math.sqrt(2)
        self.w1 = [[rng.gauss(0, scale), rng.gauss(0, scale)] for _ in range(hidden)]
        self.b1 = [0.0] * hidden
        self.w2 = [rng.gauss(0, 1.0 / math.sqrt(hidden)) for _ in range(hidden)]
        self.b2 = 0.0

    def forward(self, x):
        x1, x2 = x
        h = [math.tanh(w[0] * x1 + w[1] * x2 + b) for w, b in zip(self.w1, self.b1)]
        z = sum(wo * hi for wo, hi in zip(self.w2, h)) + self.b2
        p = 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0
        return h, p

    def step(self, batch, lr):
        """One SGD step on a batch; returns the batch's summed log loss."""
        hidden = len(self.b1)
        g_w1 = [[0.0, 0.0] for _ in range(hidden)]
        g_b1 = [0.0] * hidden
        g_w2 = [0.0] * hidden
        g_b2 = 0.0
        loss = 0.0
        for x, y in batch:
            h, p = self.forward(x)
            loss += log_loss(p, y)
            dz = p - y  # d loss / d z for sigmoid + log loss
            g_b2 += dz
            for j in range(hidden):
                g_w2[j] += dz * h[j]
                dh = dz * self.w2[j] * (1.0 - h[j] * h[j])
                g_w1[j][0] += dh * x[0]
                g_w1[j][1] += dh * x[1]
                g_b1[j] += dh
        k = lr / len(batch)
        for j in range(hidden):
            self.w1[j][0] -= k * g_w1[j][0]
            self.w1[j][1] -= k * g_w1[j][1]
            self.b1[j] -= k * g_b1[j]
            self.w2[j] -= k * g_w2[j]
        self.b2 -= k * g_b2
        return loss

    def evaluate(self, rows):
        loss = correct = 0
        for x, y in rows:
            _, p = self.forward(x)
            loss += log_loss(p, y)
            correct += (p >= 0.5) == (y == 1)
        return loss / len(rows), correct / len(rows)

    def to_json(self):
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}


def log_loss(p, y):
    p = min(max(p, 1e-12), 1 - 1e-12)
    return -math.log(p) if y == 1 else -math.log(1.0 - p)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Two-moons MLP, standard library only.")
    parser.add_argument("--lr", type=float, default=0.5, help="learning rate")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--hidden", type=int, default=32, help="hidden units")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--out", default="", help="folder for model.json (default: a temporary folder)")
    parser.add_argument("--pause", type=float, default=0.12,
                        help="seconds to wait after each epoch (default 0.12)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    rows = load(DATA)
    rng.shuffle(rows)
    split = int(len(rows) * 0.8)
    train, val = rows[:split], rows[split:]
    model = MLP(args.hidden, rng)

    if runlog is not None:
        runlog.log_params({"lr": args.lr, "epochs": args.epochs, "hidden": args.hidden, "seed": args.seed,
                           "batch_size": args.batch_size})
        runlog.log_dataset(DATA, name="moons")

    started = time.time()
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(train)
        total = 0.0
        for i in range(0, len(train), args.batch_size):
            total += model.step(train[i:i + args.batch_size], args.lr)
        loss = total / len(train)
        _, acc = model.evaluate(train)
        val_loss, val_acc = model.evaluate(val)
        if runlog is not None:  # log first, then print: the printed values are not logged a second time
            runlog.log_metrics({"loss": loss, "acc": acc, "val_loss": val_loss, "val_acc": val_acc}, step=epoch)
        print("epoch %d loss=%.4f acc=%.4f val_loss=%.4f val_acc=%.4f" % (epoch, loss, acc, val_loss, val_acc),
              flush=True)
        # The computation above takes a few tens of milliseconds per epoch; this short pause only makes the run slow
        # enough (~6 s for 40 epochs) to watch its charts grow live in the editor. --pause 0 trains at full speed.
        time.sleep(args.pause)

    out = args.out or tempfile.mkdtemp(prefix="moons-")
    os.makedirs(out, exist_ok=True)
    model_path = os.path.join(out, "model.json")
    with open(model_path, "w") as f:
        json.dump(dict(model.to_json(), hidden=args.hidden, val_acc=val_acc), f)
    print("trained in %.1f s, final val_acc=%.4f, model saved to %s" % (time.time() - started, val_acc, model_path))
    if runlog is not None:
        runlog.log_artifact(model_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
