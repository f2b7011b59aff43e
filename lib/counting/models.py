"""Part 1: the ball-counting CNN of the handout's Table 2."""

from torch import nn

from lib.settings import BALL_COUNTS


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
        nn.Linear(64, len(BALL_COUNTS)),
    )


def counting_cnn(batch_norm: bool = False, global_pool: bool = False) -> nn.Sequential:
    """Table 2's CNN with two optional changes (both off: the same layers as `baseline_cnn`).

    - `batch_norm`: a BatchNorm2d between every convolution and its ReLU.
    - `global_pool`: the head averages each of the 16 feature maps over the 8 x 8 positions
      instead of flattening them, so the read-out sums local evidence and ignores where it is:
      FC 16 -> 64 -> 3 instead of FC 1024 -> 64 -> 3.
    """

    def convolution(inputs: int, outputs: int) -> list[nn.Module]:
        layers = [nn.Conv2d(inputs, outputs, kernel_size=3, stride=1, padding=1)]
        return layers + ([nn.BatchNorm2d(outputs)] if batch_norm else []) + [nn.ReLU()]

    # Layers are created in forward order, so a seed gives `baseline_cnn`'s initial weights.
    body = [
        *convolution(1, 16),
        *convolution(16, 32),
        nn.MaxPool2d(kernel_size=2, stride=2),
        *convolution(32, 32),
        *convolution(32, 16),
        nn.MaxPool2d(kernel_size=2, stride=2),
    ]
    head = (
        [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 64)]
        if global_pool
        else [nn.Flatten(), nn.Linear(16 * 8 * 8, 64)]
    )
    return nn.Sequential(*body, *head, nn.ReLU(), nn.Linear(64, len(BALL_COUNTS)))
