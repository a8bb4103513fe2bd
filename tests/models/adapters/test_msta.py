import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mvadapt.models.adapters import MSTA, MSTABlock, scale_grad
from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()
ARCH = Config.fromfile(
    'configs/_base_/models/tiny-clip.py').tiny_clip_arch.to_dict()


def build(**adapter):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch=ARCH, max_words=16, frozen=True),
        adapter=dict(type='MSTA', m=32, **adapter)))


def test_vit_b16_m256_all_blocks_is_8_7_million():
    model = MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch='ViT-B-16', pretrained=None, frozen=True),
        adapter=dict(type='MSTA', m=256)))
    counts = model.count_parameters()
    assert counts['trainable'] == 8_712_192  # the paper's 8.7 M
    per_block = model.adapter.blocks['0']
    assert sum(p.numel() for p in per_block.video_temporal.parameters()) \
        == 3072  # depthwise conv over frames, as inferred from the logs


def test_shapes_and_which_parameters_train():
    model = build(start_layer=2)
    assert model.adapter.layers == [2, 3]
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    assert names and all(n.startswith('adapter.') for n in names)
    imgs = torch.randn(2, 4, 3, 32, 32)
    text = torch.randint(1, 1000, (3, 16))
    v, t = model.encode_video(imgs), model.encode_text(text)
    assert v.shape == (2, 128) and t.shape == (3, 128)
    (v.sum() + t.sum()).backward()
    block = model.adapter.blocks['2']
    for p in (block.shared_layer.weight, block.video_down.weight,
              block.text_down.weight, block.video_temporal.weight,
              block.text_up.weight):
        assert p.grad is not None and p.grad.abs().sum() > 0


def test_temporal_branch_sees_frame_order():
    model = build()
    imgs = torch.randn(1, 4, 3, 32, 32)
    with torch.no_grad():
        fwd, rev = model.encode_video(imgs), model.encode_video(imgs.flip(1))
    assert not torch.allclose(fwd, rev, atol=1e-5)


def test_block_math_spatial_plus_temporal():
    block = MSTABlock(video_dim=8, text_dim=6, m=4)
    a = torch.randn(2 * 3, 5, 8)  # B=2, T=3, L=5
    out = block.forward_video(a, num_frames=3)
    h = F.relu(block.shared_layer(F.relu(block.video_down(a))))
    seq = h.view(2, 3, 5, 4).permute(0, 2, 3, 1).reshape(10, 4, 3)
    conv = F.conv1d(seq, block.video_temporal.weight,
                    block.video_temporal.bias, padding=1, groups=4)
    expected = block.video_up(h) + conv.view(2, 5, 8, 3).permute(
        0, 3, 1, 2).reshape(6, 5, 8)
    torch.testing.assert_close(out, expected)


def test_gradient_scaling_rule():
    x = torch.ones(3, requires_grad=True)
    (scale_grad(x, 0.25) * 2).sum().backward()
    torch.testing.assert_close(x.grad, torch.full((3, ), 0.5))
    # Adapter weights train at unit scale, the backbone gets lambda-scaled
    # gradients through the adapter path.
    lam = 0.005
    scaled = build(scale=lam, grad_scaling=True)
    plain = build(scale=lam, grad_scaling=False)
    imgs = torch.randn(1, 4, 3, 32, 32)
    inputs = []
    for model in (scaled, plain):
        x = imgs.clone().requires_grad_()
        model.encode_video(x).sum().backward()
        inputs.append(x)
    g_scaled = scaled.adapter.blocks['3'].video_up.weight.grad
    g_plain = plain.adapter.blocks['3'].video_up.weight.grad
    torch.testing.assert_close(g_scaled, g_plain / lam, rtol=1e-4,
                               atol=1e-8)
    # The input-side lambda cancels the output-side 1/lambda: the backbone
    # (the frames, and through them every earlier block's adapter) gets
    # exactly the gradients of the unscaled rule, lambda * A'(a).
    torch.testing.assert_close(inputs[0].grad, inputs[1].grad, rtol=1e-4,
                               atol=1e-6)
    for key in ('0', '1', '2'):
        for name in ('video_up', 'video_down', 'video_temporal'):
            g_scaled = getattr(scaled.adapter.blocks[key], name).weight.grad
            g_plain = getattr(plain.adapter.blocks[key], name).weight.grad
            torch.testing.assert_close(g_scaled, g_plain / lam, rtol=1e-4,
                                       atol=1e-5, msg=f'{key}.{name}')
    with torch.no_grad():  # identical forward pass
        torch.testing.assert_close(scaled.encode_video(imgs),
                                   plain.encode_video(imgs))


def test_m_not_dividing_the_vision_width():
    """m = 512 (a paper ablation) with ViT-B's width 768: the temporal
    convolution has gcd(512, 768) = 256 groups of 2 input channels."""
    block = MSTABlock(video_dim=768, text_dim=512, m=512)
    assert block.video_temporal.groups == 256
    assert block.video_temporal.weight.shape == (768, 2, 3)
    a = torch.randn(2 * 3, 5, 768)  # B=2, T=3, L=5
    with torch.no_grad():
        out = block.forward_video(a, num_frames=3)
        assert out.shape == (6, 5, 768)
        assert block.forward_text(torch.randn(2, 7, 512)).shape == (2, 7, 512)
        h = F.relu(block.shared_layer(F.relu(block.video_down(a))))
        seq = h.view(2, 3, 5, 512).permute(0, 2, 3, 1).reshape(10, 512, 3)
        conv = F.conv1d(seq, block.video_temporal.weight,
                        block.video_temporal.bias, padding=1, groups=256)
        expected = block.video_up(h) + conv.view(2, 5, 768, 3).permute(
            0, 3, 1, 2).reshape(6, 5, 768)
    torch.testing.assert_close(out, expected)
    # m dividing the width keeps the depthwise convolution (m groups)
    assert MSTABlock(video_dim=768, text_dim=0, m=128).video_temporal \
        .groups == 128


def test_kaiming_init_and_zero_bias():
    block = MSTABlock(video_dim=64, text_dim=32, m=16)
    assert torch.count_nonzero(block.video_down.bias) == 0
    std = block.video_down.weight.std().item()
    assert abs(std - (2 / 16) ** 0.5) < 0.05  # fan_out = 16, relu gain


def test_ablation_switches_and_errors():
    text_only = build(video=False)
    assert not hasattr(text_only.adapter.blocks['0'], 'video_down')
    no_share = build(shared=False)
    assert no_share.adapter.blocks['0'].video_shared is not None
    with pytest.raises(ValueError, match='start_layer'):
        build(start_layer=3, end_layer=1)
    assert isinstance(build().adapter, MSTA)
