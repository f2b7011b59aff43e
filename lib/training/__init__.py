"""The training machinery shared by both parts: the loop with per-epoch validation and resume,
atomic checkpoints, the model cache keyed by everything a model depends on, trainings side by side,
device, precision and seeds."""
