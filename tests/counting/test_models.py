import torch
from torch import nn

from lib.counting.models import baseline_cnn
from lib.report.model_summary import count_parameters

BATCH = 2

# Table 2 row by row: the layers the row stands for, and its output shape without the batch
# dimension.
TABLE_2 = [
    ((nn.Conv2d, nn.ReLU), (16, 32, 32)),
    ((nn.Conv2d, nn.ReLU), (32, 32, 32)),
    ((nn.MaxPool2d,), (32, 16, 16)),
    ((nn.Conv2d, nn.ReLU), (32, 16, 16)),
    ((nn.Conv2d, nn.ReLU), (16, 16, 16)),
    ((nn.MaxPool2d,), (16, 8, 8)),
    ((nn.Flatten,), (1024,)),
    ((nn.Linear, nn.ReLU), (64,)),
    ((nn.Linear,), (3,)),
]


def test_every_layer_follows_table_2_in_type_and_output_shape():
    layers = iter(baseline_cnn())
    x = torch.rand(BATCH, 1, 32, 32)
    for layer_types, row_shape in TABLE_2:
        for layer_type in layer_types:
            layer = next(layers)
            assert isinstance(layer, layer_type)
            x = layer(x)
            assert x.shape == (BATCH, *row_shape)
    assert next(layers, None) is None, (
        "the model ends in logits, with no layer after Table 2's last"
    )


def test_convolutions_are_3x3_stride_1_and_pools_2x2_stride_2():
    for layer in baseline_cnn():
        if isinstance(layer, nn.Conv2d):
            assert (layer.kernel_size, layer.stride) == ((3, 3), (1, 1))
        if isinstance(layer, nn.MaxPool2d):
            assert (layer.kernel_size, layer.stride) == (2, 2)


def test_parameter_count_matches_the_layer_sizes():
    # weights + biases: 3x3 convolutions, then the two fully connected layers
    convolutions = (1 * 16 * 9 + 16) + (16 * 32 * 9 + 32) + (32 * 32 * 9 + 32) + (32 * 16 * 9 + 16)
    fully_connected = (1024 * 64 + 64) + (64 * 3 + 3)
    assert count_parameters(baseline_cnn()) == convolutions + fully_connected == 84_467


def test_counting_cnn_without_options_has_table_2s_layers_and_weights():
    from lib.counting.models import counting_cnn

    torch.manual_seed(0)
    reference = baseline_cnn()
    torch.manual_seed(0)
    variant = counting_cnn()
    assert [type(layer) for layer in variant] == [type(layer) for layer in reference]
    x = torch.rand(BATCH, 1, 32, 32)
    torch.testing.assert_close(variant(x), reference(x), rtol=0, atol=0)


def test_counting_cnn_batch_norm_follows_every_convolution():
    from lib.counting.models import counting_cnn

    layers = list(counting_cnn(batch_norm=True))
    convolutions = [i for i, layer in enumerate(layers) if isinstance(layer, nn.Conv2d)]
    assert len(convolutions) == 4
    for i in convolutions:
        assert isinstance(layers[i + 1], nn.BatchNorm2d) and isinstance(layers[i + 2], nn.ReLU)
    assert counting_cnn(batch_norm=True)(torch.rand(BATCH, 1, 32, 32)).shape == (BATCH, 3)


def test_counting_cnn_global_pool_reads_out_the_same_whatever_the_feature_positions():
    from lib.counting.models import counting_cnn

    torch.manual_seed(0)
    model = counting_cnn(global_pool=True).eval()
    body, head = model[:10], model[10:]  # body: up to the second pooling, (B, 16, 8, 8)
    features = body(torch.rand(BATCH, 1, 32, 32))
    assert features.shape == (BATCH, 16, 8, 8)
    shuffled = features.flatten(2)[:, :, torch.randperm(64)].view_as(features)
    torch.testing.assert_close(head(shuffled), head(features))
    # 16 pooled features -> 64 -> 3 instead of 1024 -> 64 -> 3
    convolutions = (1 * 16 * 9 + 16) + (16 * 32 * 9 + 32) + (32 * 32 * 9 + 32) + (32 * 16 * 9 + 16)
    assert count_parameters(model) == convolutions + (16 * 64 + 64) + (64 * 3 + 3)


def test_the_flattening_head_does_depend_on_feature_positions():
    torch.manual_seed(0)
    model = baseline_cnn().eval()
    body, head = model[:10], model[10:]
    features = body(torch.rand(BATCH, 1, 32, 32)) + 0.1
    shuffled = features.flatten(2)[:, :, torch.randperm(64)].view_as(features)
    assert not torch.allclose(head(shuffled), head(features))
