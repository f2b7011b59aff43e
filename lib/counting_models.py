"""Part 1: the ball-counting CNN of the handout's Table 2."""

from torch import nn

NUM_CLASSES = 3  # one, two or three balls


def baseline_cnn() -> nn.Sequential:
    """Table 2's CNN: (B, 1, 32, 32) greyscale frames -> (B, 3) logits."""
    # 3x3 convolutions with padding 1 keep the spatial size; only the pools halve it.
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 32, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(32, 32, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.Conv2d(32, 16, kernel_size=3, stride=1, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 8 * 8, 64),
        nn.ReLU(),
        nn.Linear(64, NUM_CLASSES),
    )
