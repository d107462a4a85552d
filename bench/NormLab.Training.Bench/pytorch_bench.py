"""The training bench's network (bench.normlab's BenchCnn, HandWrittenCnn.cs) in PyTorch, stepped on request.

Started by NormLab.Training.Bench with: THREADS IMAGES_FILE LABELS_FILE COUNT BATCH. The files hold COUNT MNIST images
(float32, 1x28x28 each, as NormLab's loader gives them) and their labels (int64). It prints "ready", then for each
line "STEPS EPOCH" runs STEPS training steps (the trainer's step: zero_grad, forward, cross-entropy, loss.item,
backward, Adam step, argmax accuracy) on batches of a seeded permutation and prints "WALL_SECONDS CPU_SECONDS".
"""
import sys
import time

import torch
from torch import nn


def main():
    threads, images_file, labels_file, count, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(int(threads))
    torch.manual_seed(1)
    images = torch.from_file(images_file, size=count * 784, dtype=torch.float32).view(count, 1, 28, 28)
    labels = torch.from_file(labels_file, size=count, dtype=torch.int64)

    def conv(cin, cout):
        return nn.Conv2d(cin, cout, 3, padding=1, bias=False)

    model = nn.Sequential(
        conv(1, 16), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2, 2),
        conv(16, 32), nn.BatchNorm2d(32), nn.ReLU(),
        conv(32, 32), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2, 2),
        conv(32, 32), nn.BatchNorm2d(32), nn.ReLU(),
        conv(32, 32), nn.BatchNorm2d(32), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    print("ready torch " + torch.__version__, flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        steps, epoch = int(parts[0]), int(parts[1])
        wall, cpu = time.perf_counter(), time.process_time()
        order = torch.randperm(count, generator=torch.Generator().manual_seed(1000 + epoch))
        for step in range(steps):
            index = order[(step * batch) % count:][:batch]
            x = images.index_select(0, index)
            y = labels.index_select(0, index)
            optimizer.zero_grad()
            logits = model(x)
            loss = nn.functional.cross_entropy(logits, y)
            loss.item()
            loss.backward()
            optimizer.step()
            (logits.argmax(1) == y).sum().item()
        print(f"{time.perf_counter() - wall} {time.process_time() - cpu}", flush=True)


if __name__ == "__main__":
    main()
