"""Part 1: count-preserving augmentations of ball images, for `lib.training.loop.fit`'s `augment`
hook.

Every augmentation here changes how the balls look, never how many there are:

- `rescale_balls` finds the balls of an image and scales each one about its own centre by its
  own random factor, so one image can hold balls of different sizes. Balls stay inside the frame
  and apart from each other, as in the simulator. It warps the pixels that are there (bilinear
  resampling) and assumes nothing about how a ball is drawn, so it also works on the real files.
- `random_dihedral` applies one of the 8 flips and quarter turns of the square to each image,
  numbered as `lib.data.symmetries.dihedral` numbers them (the book's one convention).

`count_preserving` combines them and is what a chapter passes as the `augment` of
`lib.counting.workflow.counter_run` (through `functools.partial`, so that the cache key records the
settings). Every random draw comes from the generator it is given, so a run is deterministic and
resumable.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage
from torch import Tensor

from lib.data.symmetries import N_DIHEDRAL, dihedral

# Settings are default arguments rather than module constants: the model cache keys a function
# by its source, so a changed default retrains what depends on it.


def count_preserving(
    inputs: Tensor,
    targets: Tensor,
    generator: torch.Generator,
    *,
    scale_range: tuple[float, float] | None = None,
    rendered_share: float = 0.0,
    flips: bool = False,
) -> tuple[Tensor, Tensor]:
    """Per-ball rescaling (if `scale_range` is given) of each image but a random
    `rendered_share` of them, then a random flip or quarter turn (if `flips`); the targets
    (counts) are returned unchanged.

    Rescaling resamples the pixels, so a network that sees only rescaled images never sees a
    ball as the renderer draws it; the images left as they are keep that look in every batch."""
    if scale_range is not None:
        # Drawn for every image, so the draws of the rescaling do not depend on the share.
        rendered = torch.rand(len(inputs), generator=generator) < rendered_share
        rescaled = rescale_balls(inputs, generator, scale_range)
        inputs = torch.where(rendered[:, None, None, None], inputs, rescaled)
    if flips:
        inputs = random_dihedral(inputs, generator)
    return inputs, targets


def ball_radius_px(images: Tensor) -> float:
    """The median radius (pixels, by `find_balls`) of the balls of images (N, 1, H, W)."""
    radii = np.concatenate([find_balls(image)[2] for image in images[:, 0].numpy()])
    if radii.size == 0:
        raise ValueError("no balls in the images")
    return float(np.median(radii))


def training_scale_range(images: Tensor, min_radius: float) -> tuple[float, float]:
    """The size augmentation's range of factors, from training images (N, 1, H, W) alone: from
    the factor that shrinks their median ball (`ball_radius_px`) to `min_radius` pixels, to its
    reciprocal, symmetric on the log scale the factors are drawn on. Rounded to two decimals, so
    that the models' cache keys do not depend on the last bits of a median."""
    low = round(min_radius / ball_radius_px(images), 2)
    if not 0 < low < 1:
        raise ValueError(f"training balls no larger than {min_radius} px cannot shrink to it")
    return low, round(1 / low, 2)


def random_dihedral(images: Tensor, generator: torch.Generator) -> Tensor:
    """Each image (…, H, W) with H == W turned by a random multiple of 90° and flipped or not."""
    choices = torch.randint(0, N_DIHEDRAL, (len(images),), generator=generator)
    return torch.stack([dihedral(image, int(c)) for image, c in zip(images, choices, strict=True)])


def find_balls(
    image: np.ndarray, body_level: float = 0.5, rim_level: float = math.exp(-1.0)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balls of one image (H, W): the owner map (H, W) giving every pixel the index 0..n-1 of
    the nearest ball, and each ball's centre (n, 2) (row, column, in pixel units; pixel k spans
    [k, k + 1)) and radius (n,) in pixels.

    A ball's body is a connected region brighter than `body_level` (high enough to split balls
    whose soft rims touch); its radius is the distance from the centre to the far edge of its
    farthest pixel brighter than `rim_level` (the simulator's ball profile falls to 1/e at its
    radius). Balls whose bodies merge count as one ball, whose radius then encloses both."""
    bodies, n = ndimage.label(image > body_level)
    if n == 0:
        return np.zeros(image.shape, dtype=int), np.zeros((0, 2)), np.zeros(0)
    # Every pixel, rim and background included, goes to the nearest body.
    _, nearest = ndimage.distance_transform_edt(bodies == 0, return_indices=True)
    owner = bodies[nearest[0], nearest[1]] - 1
    index = np.arange(n)
    centres = np.asarray(ndimage.center_of_mass(image, owner, index)).reshape(n, 2) + 0.5
    rows, cols = np.nonzero(image > rim_level)
    reach = (
        np.hypot(
            rows + 0.5 - centres[owner[rows, cols], 0], cols + 0.5 - centres[owner[rows, cols], 1]
        )
        + 0.5
    )
    return owner, centres, ndimage.maximum(reach, owner[rows, cols], index).reshape(n)


def rescale_balls(
    images: Tensor,
    generator: torch.Generator,
    scale_range: tuple[float, float],
    max_draws: int = 20,
) -> Tensor:
    """Images (B, 1, H, W) whose balls are each scaled by a factor drawn log-uniformly from
    `scale_range`, about their own centres; intensities are summed and clipped at 1 like the
    simulator's. An image whose draws keep putting a ball across the frame's edge or onto
    another ball in `max_draws` tries is left as it is."""
    low, high = math.log(scale_range[0]), math.log(scale_range[1])
    result = images.clone()
    for i, image in enumerate(images[:, 0]):
        owner, centres, radii = find_balls(image.numpy())
        n = len(radii)
        if n == 0:
            continue
        # Draw for every try up front: the generator advances the same way whatever is accepted.
        scales = torch.exp(
            low + (high - low) * torch.rand(max_draws, n, generator=generator, dtype=torch.float64)
        ).numpy()
        accepted = next((s for s in scales if fits(centres, radii * s, image.shape[-1])), None)
        if accepted is None:
            continue
        layers = torch.stack([image * torch.from_numpy(owner == k) for k in range(n)])
        result[i, 0] = _scale_about(layers, centres, accepted).sum(dim=0).clamp(max=1.0)
    return result


def room_to_rescale(images: Tensor, factor: float) -> Tensor:
    """Per image (N, 1, H, W): whether its balls, each scaled by `factor` about its centre,
    stay inside the frame and apart (what `rescale_balls` requires of a draw)."""
    return torch.tensor(
        [fits(*find_balls(image)[1:], image.shape[-1], factor) for image in images[:, 0].numpy()],
        dtype=torch.bool,
    )


def fits(centres: np.ndarray, radii: np.ndarray, size: int, factor: float = 1.0) -> bool:
    """Every ball (radii scaled by `factor`) inside the frame and no two balls overlapping, the
    simulator's rules."""
    radii = radii * factor
    inside = ((centres - radii[:, None] >= 0) & (centres + radii[:, None] <= size)).all()
    distances = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
    apart = distances >= radii[:, None] + radii[None]
    np.fill_diagonal(apart, True)
    return bool(inside and apart.all())


def _scale_about(layers: Tensor, centres: np.ndarray, scales: np.ndarray) -> Tensor:
    """Layer k (n, H, W) magnified by scales[k] about centres[k] (bilinear resampling)."""
    n, height, width = layers.shape
    rows = torch.arange(height, dtype=torch.float64) + 0.5  # pixel centres
    cols = torch.arange(width, dtype=torch.float64) + 0.5
    centre = torch.from_numpy(centres)[:, :, None, None]
    scale = torch.from_numpy(scales)[:, None, None]
    # An output pixel p shows the input at c + (p - c) / s; grid_sample wants x (columns) first,
    # in [-1, 1] across the whole frame (align_corners=False).
    source_rows = centre[:, 0] + (rows[None, :, None] - centre[:, 0]) / scale
    source_cols = centre[:, 1] + (cols[None, None, :] - centre[:, 1]) / scale
    grid = torch.stack(
        [
            source_cols.expand(n, height, width) / width * 2 - 1,
            source_rows.expand(n, height, width) / height * 2 - 1,
        ],
        dim=-1,
    )
    return F.grid_sample(
        layers[:, None],
        grid.to(layers.dtype),
        mode="bilinear",
        padding_mode="zeros",
        align_corners=False,
    )[:, 0]
