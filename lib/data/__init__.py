"""The course data: loading and checking the three `.npz` files, simulating missing ones, bright
regions of frames."""
