"""Part 1's training recipes: the settings' plain values (lib/settings.py) as training
configurations."""

from __future__ import annotations

from lib.settings import HANDOUT_PART1_TRAINING, ROBUST_PART1_TRAINING
from lib.training.loop import TrainConfig

HANDOUT_PART1 = TrainConfig(**HANDOUT_PART1_TRAINING)  # Task 2
ROBUST_PART1 = TrainConfig(**ROBUST_PART1_TRAINING)  # Task 4's longer training
