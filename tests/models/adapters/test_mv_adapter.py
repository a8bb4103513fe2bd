import copy

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mvadapt.models.adapters import (FrameContext, MVAdapter,
                                     TemporalAdaptation, TextAdapter)
from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()
ARCH = Config.fromfile(
    'configs/_base_/models/tiny-clip.py').tiny_clip_arch.to_dict()


def build(**adapter):
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch=ARCH, max_words=16, frozen=True, trainable=('bias', )),
        adapter=dict(type='MVAdapter', max_frames=4, **adapter))).eval()


def tokens(n=3, length=16):
    g = torch.Generator().manual_seed(1)
    t = torch.randint(1, 40000, (n, length), generator=g)
    t[:, 0] = 49406
    t[torch.arange(n), torch.tensor([5, 9, 15])[:n]] = 49407
    return t


def perturb_up_projections(model):
    with torch.no_grad():
        for name, p in model.adapter.named_parameters():
            if '.up.' in name or 'fc2' in name:
                p.normal_(0, 0.5)


def test_identity_at_init_against_open_clip():
    """Zero-initialised up-projections: encode_video / encode_text equal
    OpenCLIP's own encode_image (mean-pooled) and encode_text."""
    model = build()
    clip = model.backbone.clip
    imgs = torch.randn(2, 4, 3, 32, 32)
    text = tokens()
    full = torch.zeros(3, 77, dtype=torch.long)
    full[:, :16] = text
    with torch.no_grad():
        video = model.encode_video(imgs)
        model.adapter.detach()  # plain OpenCLIP from here on
        frames = F.normalize(clip.encode_image(imgs.flatten(0, 1)), dim=-1)
        ref_video = F.normalize(frames.view(2, 4, -1).mean(1), dim=-1)
        ref_text = clip.encode_text(full, normalize=True)
    torch.testing.assert_close(video, ref_video, rtol=1e-5, atol=1e-6)
    model2 = build()
    with torch.no_grad():
        torch.testing.assert_close(model2.encode_text(text), ref_text,
                                   rtol=1e-5, atol=1e-6)


def test_adapters_change_output_once_trained():
    model = build()
    imgs = torch.randn(1, 4, 3, 32, 32)
    with torch.no_grad():
        before_v, before_t = model.encode_video(imgs), model.encode_text(
            tokens(1))
        perturb_up_projections(model)
        after_v, after_t = model.encode_video(imgs), model.encode_text(
            tokens(1))
    assert not torch.allclose(before_v, after_v)
    assert not torch.allclose(before_t, after_t)


def test_temporal_adaptation_is_frame_order_sensitive():
    """Mean pooling is order-invariant; the TAM is not (the whole point)."""
    model = build()
    perturb_up_projections(model)
    imgs = torch.randn(1, 4, 3, 32, 32)
    with torch.no_grad():
        fwd = model.encode_video(imgs)
        rev = model.encode_video(imgs.flip(1))
    assert not torch.allclose(fwd, rev, atol=1e-4)
    no_tam = build(temporal=False, calibration=False)
    perturb_up_projections(no_tam)
    with torch.no_grad():
        torch.testing.assert_close(no_tam.encode_video(imgs),
                                   no_tam.encode_video(imgs.flip(1)),
                                   rtol=1e-5, atol=1e-5)


def test_padded_frames_are_masked():
    model = build()
    perturb_up_projections(model)
    imgs = torch.randn(1, 4, 3, 32, 32)
    other = imgs.clone()
    other[:, 3] = torch.randn(3, 32, 32)  # only the padded frame differs
    mask = torch.tensor([[1.0, 1.0, 1.0, 0.0]])
    with torch.no_grad():
        torch.testing.assert_close(model.encode_video(imgs, mask),
                                   model.encode_video(other, mask))


def test_trainable_set_adapters_and_biases_only():
    model = build()
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    assert names
    for n in names:
        assert n.startswith('adapter.') or 'bias' in n, n
    assert not model.backbone.clip.logit_scale.requires_grad
    assert any(n.startswith('backbone.') for n in names)  # the biases


@pytest.mark.parametrize('override,absent', [
    (dict(cmt=False), ('cmt.', '.tied.')),
    (dict(temporal=False, calibration=False),
     ('video_adapters.0.pos_embed', 'video_adapters.0.cc',
      'video_adapters.0.block.')),
    (dict(calibration=False), ('.fc1', '.fc2', '.g.')),
])
def test_ablations_are_config_switches(override, absent):
    full = [n for n, _ in build().adapter.named_parameters()]
    names = [n for n, _ in build(**override).adapter.named_parameters()]
    assert 0 < len(names) < len(full)
    for part in absent:
        assert any(part in n for n in full)
        assert not any(part in n for n in names), part


def test_text_only_and_video_only():
    text_only = build(video=False)
    assert len(text_only.adapter.video_adapters) == 0
    assert len(text_only.adapter.text_adapters) == 4
    video_only = build(text=False, cmt=False)
    assert len(video_only.adapter.text_adapters) == 0


@pytest.mark.parametrize('position,k', [('down_in', 128), ('down_out', 64),
                                        ('up_in', 64), ('up_out', 128)])
def test_cmt_positions_and_layers(position, k):
    model = build(cmt_position=position, cmt_layers=(-1, ), cmt_dim=8)
    adapter = model.adapter
    assert adapter.cmt_pairs == [(3, 3)]
    tied = adapter.video_adapters['3'].tied
    assert tied.md_proj.out_features == k
    assert tied.md_proj.in_features == 8
    assert adapter.video_adapters['2'].tied is None
    # the factor is shared: the video and the text adapter both read the
    # one Parameter, so each modality's loss alone reaches it and the
    # gradient of the joint loss is the sum of the two
    perturb_up_projections(model)
    factor = adapter.cmt['3'].factor
    assert [n for n, p in adapter.named_parameters() if p is factor] == \
        ['cmt.3.factor']
    imgs, text = torch.randn(1, 4, 3, 32, 32), tokens(1)
    grads = {}
    for part in ('video', 'text', 'both'):
        model.zero_grad(set_to_none=True)
        loss = 0
        if part in ('video', 'both'):
            loss = loss + (model.encode_video(imgs) *
                           torch.linspace(-1, 1, 128)).sum()
        if part in ('text', 'both'):
            loss = loss + (model.encode_text(text) *
                           torch.linspace(1, -1, 128)).sum()
        loss.backward()
        assert factor.grad is not None, part
        grads[part] = factor.grad.clone()
    assert grads['video'].abs().sum() > 0
    assert grads['text'].abs().sum() > 0
    assert not torch.allclose(grads['video'], grads['text'])
    torch.testing.assert_close(grads['both'],
                               grads['video'] + grads['text'])


def test_vit_b16_trainable_fraction_is_the_papers():
    model = MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch='ViT-B-16', pretrained=None, max_words=32,
                  frozen=True, trainable=('bias', )),
        adapter=dict(type='MVAdapter')))
    counts = model.count_parameters()
    percent = 100 * counts['trainable'] / counts['clip_total']
    assert round(percent, 2) == 2.39
    assert 3.3e6 < sum(model.adapter.summary().values()) < 3.5e6


def test_too_many_frames_raises():
    adapter = TemporalAdaptation(16, 8, max_frames=2)
    ctx = FrameContext()
    ctx.set(3)
    adapter.context = ctx
    with pytest.raises(ValueError, match='max_frames'):
        adapter(torch.randn(3, 5, 16))


def test_bad_options():
    with pytest.raises(ValueError, match='cmt_position'):
        build(cmt_position='sideways')
    with pytest.raises(ValueError, match='video=True'):
        build(video=False, text=False)
    with pytest.raises(ValueError, match='init must be one of'):
        build(init='xavier')
    assert isinstance(build().adapter, MVAdapter)


def test_repeated_layers_attach_once():
    model = build(layers=(1, 1, -3, 3), cmt_layers=(3, ))
    adapter = model.adapter
    assert adapter.layers == dict(video=[1, 3], text=[1, 3])
    assert len(adapter._hooks) == 4  # one hook per adapted block
    blocks = model.backbone.clip.visual.transformer.resblocks
    assert len(blocks[1].ls_2._forward_hooks) == 1


def test_cmt_layer_without_adapter_is_refused():
    with pytest.raises(ValueError, match='video layer 3 is tied but has no '
                       'adapter'):
        build(layers=(0, 1), cmt_layers=(3, ))
    with pytest.raises(ValueError, match='out of range'):
        build(cmt_layers=(7, ))
    with pytest.raises(ValueError, match='same length'):
        build(cmt_layers=dict(video=[3], text=[2, 3]))


def test_deepcopy_gives_an_independent_working_model():
    model = build()
    perturb_up_projections(model)
    imgs, text = torch.randn(1, 4, 3, 32, 32), tokens(1)
    copy_ = copy.deepcopy(model)
    with torch.no_grad():
        torch.testing.assert_close(copy_.encode_video(imgs),
                                   model.encode_video(imgs))
        ref_v, ref_t = model.encode_video(imgs), model.encode_text(text)
        # the copy's hooks run the copy's adapters, not the original's
        for p in copy_.adapter.parameters():
            p.mul_(-3)
        assert not torch.allclose(copy_.encode_video(imgs), ref_v)
        assert not torch.allclose(copy_.encode_text(text), ref_t)
        torch.testing.assert_close(model.encode_video(imgs), ref_v)
        torch.testing.assert_close(model.encode_text(text), ref_t)
        # detaching the copy leaves the original adapted
        copy_.adapter.detach()
        torch.testing.assert_close(model.encode_video(imgs), ref_v)
        with copy_.adapter.disabled():
            plain = model.encode_video(imgs)
        torch.testing.assert_close(plain, ref_v)  # the copy's switch only
        with model.adapter.disabled():
            torch.testing.assert_close(model.encode_video(imgs),
                                       copy_.encode_video(imgs))


def test_disabled_gate_is_in_the_hook_for_every_injector():
    """An injector only implements branch(); the hook checks disabled()."""
    from mvadapt.models.adapters import AdapterInjector, AfterFFN

    class Doubler(AdapterInjector):
        def __init__(self, backbone):
            super().__init__()
            for i, block in enumerate(backbone.clip.transformer.resblocks):
                self.attach(block, AfterFFN(self, i))

        def branch(self, key, x):
            return x

    model = build(cmt=False)
    model.adapter.detach()
    plain = model.encode_text(tokens(1))
    injector = Doubler(model.backbone)
    assert not torch.allclose(model.encode_text(tokens(1)), plain)
    with injector.disabled():
        torch.testing.assert_close(model.encode_text(tokens(1)), plain)


@pytest.mark.parametrize('init', ['authors', 'torch'])
def test_identity_at_init_with_either_init(init):
    model = build(init=init)
    imgs, text = torch.randn(1, 4, 3, 32, 32), tokens(1)
    with torch.no_grad():
        video, txt = model.encode_video(imgs), model.encode_text(text)
        with model.adapter.disabled():
            torch.testing.assert_close(model.encode_video(imgs), video)
            torch.testing.assert_close(model.encode_text(text), txt)


def test_authors_initialisation():
    """init='authors' (default): zero down biases, the text down weight and
    the adapter blocks drawn with stds of the host width, md_proj at
    PyTorch's default (beta small and random at f = 0, not 1)."""
    torch.manual_seed(0)
    v = TemporalAdaptation(768, 64, cmt_position='down_out', factor_dim=32)
    t = TextAdapter(512, 64, cmt_position='down_out', factor_dim=32)
    for a in (v, t):
        assert torch.count_nonzero(a.down.bias) == 0
        assert torch.count_nonzero(a.up.weight) == 0
        beta = a.tied(torch.zeros(32))
        assert beta.abs().max() <= 32 ** -0.5 and beta.std() > 0.05
        assert torch.count_nonzero(a.block.attn.in_proj_bias) == 0
    width = dict(video=768, text=512)
    for name, a in (('video', v), ('text', t)):
        d = width[name]
        assert abs(a.block.attn.in_proj_weight.std() - d ** -0.5) < 0.003
        assert abs(a.block.mlp.c_fc.weight.std() - (2 * d) ** -0.5) < 0.003
    assert abs(t.down.weight.std() - (2 * 512) ** -0.5) < 0.002
    assert v.fc1.bias is not None and v.fc2.bias is None
    torch_init = TextAdapter(512, 64, cmt_position='down_out', init='torch')
    torch.testing.assert_close(torch_init.tied(torch.zeros(32)),
                               torch.ones(64))


def test_input_norm_on_the_adapter_input_not_the_factor():
    model = build(input_norm=True, cmt_layers=(-1, ))
    adapter = model.adapter
    for a in list(adapter.video_adapters.values()) + list(
            adapter.text_adapters.values()):
        assert isinstance(a.norm, torch.nn.LayerNorm)
    assert not any('tied.norm' in n for n, _ in adapter.named_parameters())
    # the factor's gradient is not amplified by a LayerNorm at f = 0
    tied = adapter.video_adapters['3'].tied
    factor = adapter.cmt['3'].factor
    tied(factor).sum().backward()
    torch.testing.assert_close(factor.grad,
                               tied.md_proj.weight.sum(0).detach())


def test_beta_and_alpha_are_float32_under_autocast():
    torch.manual_seed(0)
    ctx = FrameContext()
    ctx.set(2)
    v = TemporalAdaptation(32, 8, max_frames=2, cmt_position='down_in',
                           factor_dim=4, context=ctx)
    seen = {}
    v.fc2.register_forward_hook(lambda m, i, o: seen.setdefault('fc2', o))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        beta = v.tied(torch.zeros(4))
        v(torch.randn(4, 5, 32), torch.zeros(4))
    assert beta.dtype == torch.float32
    assert seen['fc2'].dtype == torch.float32


def test_towers_of_different_depth():
    """ViT-L/14 has 24 vision and 12 text layers: adapters go to every layer
    of each tower and CMT ties the last layers of each."""
    arch = dict(ARCH)
    arch['vision_cfg'] = dict(arch['vision_cfg'], layers=6)
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch=arch, max_words=16, frozen=True),
        adapter=dict(type='MVAdapter', max_frames=4))).eval()
    adapter = model.adapter
    assert adapter.layers == dict(video=list(range(6)), text=list(range(4)))
    assert adapter.cmt_pairs == [(4, 2), (5, 3)]
    assert adapter.video_adapters['5'].tied is not None
    assert adapter.text_adapters['3'].tied is not None
    assert adapter.video_adapters['3'].tied is None
    perturb_up_projections(model)
    loss = model.encode_video(torch.randn(1, 4, 3, 32, 32)).sum() + \
        model.encode_text(tokens(1)).sum()
    loss.backward()
    assert adapter.cmt['5'].factor.grad.abs().sum() > 0
    pairs = MODELS.build(dict(
        type='VideoTextRetriever',
        clip=dict(arch=arch, max_words=16, frozen=True),
        adapter=dict(type='MVAdapter', max_frames=4,
                     cmt_layers=dict(video=[1, 5], text=[0, 3])))).adapter
    assert pairs.cmt_pairs == [(1, 0), (5, 3)]
    with pytest.raises(ValueError, match='text.*out of range'):
        MODELS.build(dict(
            type='VideoTextRetriever',
            clip=dict(arch=arch, max_words=16, frozen=True),
            adapter=dict(type='MVAdapter', cmt_layers=(4, 5))))
