"""Part 1, counting the balls in an image: the handout's CNN, count-preserving augmentation, the
workflow (tensors, training over seeds, test evaluation) and the diagnosis of what a counter keys
on."""
