"""Part 2, predicting the next five frames: the handout's U-Net, Task 7's configurable predictors,
losses and physics-respecting augmentation, the ablation's rows and the workflow (clips as tensors,
training, scoring)."""
