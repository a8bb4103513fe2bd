import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.utils import import_modules_from_strings

import mvadapt  # noqa: F401  (compat first)
from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules
from projects.adaptformer.adaptformer import AdaptFormer, AdaptMLP

register_all_modules()
ROOT = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..'))
CONFIGS = osp.join(ROOT, 'projects', 'adaptformer', 'configs')
ARCH = Config.fromfile(osp.join(
    ROOT, 'configs/_base_/models/tiny-clip.py')).tiny_clip_arch.to_dict()
VARIANTS = ('parallel', 'sequential')


def build(**adapter):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch=ARCH, max_words=16, frozen=True, trainable=('bias', )),
        adapter=dict(type='AdaptFormer', bottleneck=16, **adapter))).eval()


def tokens(n=3, length=16):
    g = torch.Generator().manual_seed(1)
    t = torch.randint(1, 40000, (n, length), generator=g)
    t[:, 0] = 49406
    t[torch.arange(n), torch.tensor([5, 9, 15])[:n]] = 49407
    return t


def perturb_up_projections(model, seed=2):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.adapter.named_parameters():
            if '.up.' in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)


@pytest.mark.parametrize('variant', VARIANTS)
def test_identity_at_init_against_open_clip(variant):
    """Zero-initialised up-projections: encode_video / encode_text equal
    OpenCLIP's own encode_image (mean-pooled) and encode_text."""
    model = build(variant=variant)
    clip = model.backbone.clip
    imgs = torch.randn(2, 4, 3, 32, 32)
    text = tokens()
    full = torch.zeros(3, 77, dtype=torch.long)
    full[:, :16] = text
    with torch.no_grad():
        video, text_feat = model.encode_video(imgs), model.encode_text(text)
        model.adapter.detach()  # plain OpenCLIP from here on
        frames = F.normalize(clip.encode_image(imgs.flatten(0, 1)), dim=-1)
        ref_video = F.normalize(frames.view(2, 4, -1).mean(1), dim=-1)
        ref_text = clip.encode_text(full, normalize=True)
    torch.testing.assert_close(video, ref_video, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(text_feat, ref_text, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('variant', VARIANTS)
def test_adapters_change_output_once_trained(variant):
    model = build(variant=variant)
    imgs = torch.randn(1, 4, 3, 32, 32)
    with torch.no_grad():
        before_v, before_t = model.encode_video(imgs), model.encode_text(
            tokens(1))
        perturb_up_projections(model)
        after_v, after_t = model.encode_video(imgs), model.encode_text(
            tokens(1))
    assert not torch.allclose(before_v, after_v)
    assert not torch.allclose(before_t, after_t)


@pytest.mark.parametrize('variant', VARIANTS)
def test_block_computes_the_papers_equation(variant):
    """par: h + FFN(LN2 h) + s A(LN2 h); seq: h + F + s A(F), F = FFN(LN2 h)
    (A without s is ``up(ReLU(down(.)))``)."""
    model = build(variant=variant)
    perturb_up_projections(model)
    block = model.backbone.clip.visual.transformer.resblocks[1]
    adapter = model.adapter.video_adapters['1']
    x = torch.randn(2, 5, 128)  # [N, 1+P, D], OpenCLIP is batch-first
    with torch.no_grad():
        out = block(x)
        a = block.ln_1(x)
        h = x + block.attn(a, a, a, need_weights=False)[0]
        ffn_in = block.ln_2(h)
        ffn = block.mlp[2](block.mlp[1](block.mlp[0](ffn_in)))
        adapt_in = ffn_in if variant == 'parallel' else ffn
        adapt = 0.1 * adapter.up(torch.relu(adapter.down(adapt_in)))
        torch.testing.assert_close(out, h + ffn + adapt, rtol=1e-5,
                                   atol=1e-5)
        assert adapt.abs().max() > 1e-3  # the adapter term is not zero


@pytest.mark.parametrize('variant', VARIANTS)
def test_disabled_runs_the_plain_backbone(variant):
    """``adapter.disabled()`` switches both variants' AdaptMLPs off (plain
    CLIP inside the context) and back on after it."""
    model = build(variant=variant)
    perturb_up_projections(model)
    imgs, text = torch.randn(2, 4, 3, 32, 32), tokens()
    with torch.no_grad():
        adapted = model.encode_video(imgs), model.encode_text(text)
        with model.adapter.disabled():
            off = model.encode_video(imgs), model.encode_text(text)
        again = model.encode_video(imgs), model.encode_text(text)
        model.adapter.detach()  # plain OpenCLIP from here on
        plain = model.encode_video(imgs), model.encode_text(text)
    for a, o, r, p in zip(adapted, off, again, plain):
        assert not torch.allclose(a, p)
        torch.testing.assert_close(o, p)
        torch.testing.assert_close(r, a)


def test_parallel_and_sequential_differ():
    par, seq = build(variant='parallel'), build(variant='sequential')
    perturb_up_projections(par)
    perturb_up_projections(seq)
    imgs = torch.randn(1, 4, 3, 32, 32)
    with torch.no_grad():
        assert not torch.allclose(par.encode_video(imgs),
                                  seq.encode_video(imgs))


@pytest.mark.parametrize('variant', VARIANTS)
def test_mean_pooling_is_frame_order_invariant(variant):
    """AdaptFormer is token-wise: no temporal modelling survives pooling."""
    model = build(variant=variant)
    perturb_up_projections(model)
    imgs = torch.randn(2, 4, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(model.encode_video(imgs),
                                   model.encode_video(imgs.flip(1)),
                                   rtol=1e-5, atol=1e-5)


def test_trainable_set_adapters_and_biases_only():
    model = build()
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    for n in names:
        assert n.startswith('adapter.') or 'bias' in n, n
    assert not model.backbone.clip.logit_scale.requires_grad
    assert any(n.startswith('backbone.') for n in names)  # the biases
    assert all(p.requires_grad for p in model.adapter.parameters())
    # 4 + 4 layers, one AdaptMLP each
    assert len(model.adapter.video_adapters) == 4
    assert len(model.adapter.text_adapters) == 4


@pytest.mark.parametrize('variant', VARIANTS)
def test_loss_reaches_both_towers_adapters(variant):
    model = build(variant=variant).train()
    inputs = dict(imgs=torch.randn(3, 2, 3, 32, 32), text=tokens())
    loss = model(inputs, mode='loss')
    sum(loss.values()).backward()
    for adapters in (model.adapter.video_adapters,
                     model.adapter.text_adapters):
        for adapter in adapters.values():
            assert adapter.up.weight.grad.abs().sum() > 0


def test_switches():
    text_only = build(video=False)
    assert len(text_only.adapter.video_adapters) == 0
    assert len(text_only.adapter.text_adapters) == 4
    video_only = build(text=False, layers=(-2, -1))
    assert len(video_only.adapter.text_adapters) == 0
    assert sorted(video_only.adapter.video_adapters) == ['2', '3']
    normed = build(input_norm=True)
    assert isinstance(normed.adapter.video_adapters['0'].norm,
                      torch.nn.LayerNorm)
    with pytest.raises(ValueError, match='variant'):
        build(variant='sideways')
    with pytest.raises(ValueError, match='video=True'):
        build(video=False, text=False)


def test_adapt_mlp_starts_at_zero():
    mlp = AdaptMLP(8, 4, scale=0.5)
    assert torch.count_nonzero(mlp(torch.randn(2, 3, 8))) == 0
    assert mlp.down.weight.abs().sum() > 0


def load_config(name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    import_modules_from_strings(**cfg.custom_imports)  # the plugin
    assert 'projects.adaptformer.adaptformer' in cfg.custom_imports.imports
    cfg.model.clip.pretrained = None  # no checkpoint needed
    return cfg


@pytest.mark.parametrize('variant', ('par', 'seq'))
def test_tiny_config_builds_and_runs(variant):
    cfg = load_config(
        f'adaptformer-{variant}_tiny-static-pre_1xb32-5e_moving-shapes.py')
    model = MODELS.build(cfg.model)
    assert isinstance(model.adapter, AdaptFormer)
    assert model.adapter.variant == dict(par='parallel',
                                         seq='sequential')[variant]
    assert model.backbone.frozen
    with torch.no_grad():
        video, text = model(dict(imgs=torch.randn(2, 8, 3, 64, 64),
                                 text=tokens(2)), mode='tensor')
    dim = cfg.model.clip.arch['embed_dim']  # the demo CLIP's
    assert video.shape == text.shape == (2, dim)


@pytest.mark.parametrize('variant', ('par', 'seq'))
def test_vit_b16_msrvtt_config_trainable_fraction(variant):
    """2.75 % of CLIP ViT-B/16 trains (adapters d' = 128 in 12 + 12 layers,
    3.95 M, plus CLIP's 0.17 M biases); the paper reports 2.78 % (README)."""
    cfg = load_config(f'adaptformer-{variant}_vit-base-p16-res224-clip-pre_'
                      '8xb16-u12-5e_msrvtt-9k-rgb.py')
    model = MODELS.build(cfg.model)
    counts = model.count_parameters()
    percent = 100 * counts['trainable'] / counts['clip_total']
    assert round(percent, 2) == 2.75
    assert model.adapter.summary() == dict(video_adapters=2_370_048,
                                           text_adapters=1_580_544)
