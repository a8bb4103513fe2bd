import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mvadapt.models.adapters import MSTA, MSTABlock
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


def test_adapter_gradients_are_plain_autograd():
    """The adapter's gradients are those of lambda * A(h), with no hidden
    1/lambda: a central finite difference along the gradient agrees."""
    model = build(scale=0.005).double()
    imgs = torch.randn(1, 4, 3, 32, 32, dtype=torch.float64)
    bias = model.adapter.blocks['1'].video_up.bias

    def loss():
        return model.encode_video(imgs).sum()

    loss().backward()
    grad = bias.grad.clone()
    step = 1e-3 * grad / grad.norm()
    with torch.no_grad():
        bias += step
        up = loss()
        bias -= 2 * step
        down = loss()
        bias += step
    assert float((up - down) / 2) == pytest.approx(
        float(grad @ step), rel=1e-5)


LAM = 0.005


def adamw_run(eps, grad_factor=1.0, clip=None, steps=3):
    """Parameter change of a few AdamW steps (the MSTA recipe's betas, lr
    and weight decay) on a contrastive loss; ``grad_factor`` multiplies
    every adapter gradient, as MMA's gradient-scaling rule does (x lambda
    into the adapter input, x 1/lambda at its output: the adapter's
    gradients x 1/lambda, the backbone's unchanged)."""
    model = build(scale=LAM)
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:
        p.register_hook(lambda g: g * grad_factor)
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.98), eps=eps,
                            weight_decay=1e-3)
    start = torch.cat([p.detach().flatten() for p in params])
    gen = torch.Generator().manual_seed(1)
    for _ in range(steps):
        imgs = torch.randn(2, 4, 3, 32, 32, generator=gen)
        text = torch.randint(1, 1000, (2, 16), generator=gen)
        loss = -(model.encode_video(imgs) * model.encode_text(text)).sum()
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        opt.step()
    return torch.cat([p.detach().flatten() for p in params]) - start


def test_gradient_scaling_is_adamw_eps_times_lambda():
    """Why MSTA has no gradient-scaling switch: under AdamW, adapter
    gradients x 1/lambda with eps give the parameters of plain gradients
    with eps x lambda (to float rounding), so the configs set
    eps = 1e-8 x lambda. It is not a no-op (eps matters: plain gradients
    with eps 1e-8 train differently), and with gradient clipping the
    threshold scales by lambda too."""
    rule = adamw_run(eps=1e-8, grad_factor=1 / LAM)
    size = rule.abs().max()
    assert (adamw_run(eps=1e-8 * LAM) - rule).abs().max() < 1e-3 * size
    assert (adamw_run(eps=1e-8) - rule).abs().max() > 0.1 * size
    # clipping at 1.0 acts on the rule's gradients (norm about 10) ...
    clipped = adamw_run(eps=1e-8, grad_factor=1 / LAM, clip=1.0)
    assert (clipped - rule).abs().max() > 0.05 * size
    # ... and equals clipping the plain gradients at 1.0 x lambda
    assert (adamw_run(eps=1e-8 * LAM, clip=LAM) - clipped).abs().max() \
        < 1e-3 * size


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
