import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mvadapt.models.clip import CLIPBackbone
from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()

ARCH = Config.fromfile('configs/_base_/models/tiny-clip.py').tiny_clip_arch
ARCH = ARCH.to_dict()


@pytest.fixture(scope='module')
def backbone():
    torch.manual_seed(0)
    return CLIPBackbone(arch=ARCH, max_words=16).eval()


def test_encode_video_is_normalised_mean_of_frames(backbone):
    imgs = torch.randn(2, 3, 3, 32, 32)
    with torch.no_grad():
        video, frames = backbone.encode_video(imgs, return_frames=True)
        ref_frames = F.normalize(
            backbone.clip.encode_image(imgs.flatten(0, 1)), dim=-1)
    assert video.shape == (2, ARCH['embed_dim'])
    torch.testing.assert_close(frames.flatten(0, 1), ref_frames)
    torch.testing.assert_close(
        video, F.normalize(ref_frames.view(2, 3, -1).mean(1), dim=-1))
    torch.testing.assert_close(video.norm(dim=-1), torch.ones(2))


def test_video_mask_ignores_padded_frames(backbone):
    imgs = torch.randn(1, 3, 3, 32, 32)
    mask = torch.tensor([[1.0, 1.0, 0.0]])
    with torch.no_grad():
        masked = backbone.encode_video(imgs, mask)
        first_two = backbone.encode_video(imgs[:, :2])
    torch.testing.assert_close(masked, first_two)


def test_encode_text_matches_open_clip_at_full_context(backbone):
    tokens = torch.zeros(2, 77, dtype=torch.long)
    tokens[:, 0] = 49406
    tokens[0, 1:4] = torch.tensor([320, 736, 49407])
    tokens[1, 1:3] = torch.tensor([1883, 49407])
    with torch.no_grad():
        ours = backbone.encode_text(tokens)
        ref = backbone.clip.encode_text(tokens, normalize=True)
    torch.testing.assert_close(ours, ref)


def test_encode_text_short_context_equals_padded(backbone):
    """Cutting the context does not change the feature (causal mask)."""
    short = torch.zeros(1, 16, dtype=torch.long)
    short[0, :4] = torch.tensor([49406, 320, 736, 49407])
    full = torch.zeros(1, 77, dtype=torch.long)
    full[0, :16] = short[0]
    with torch.no_grad():
        torch.testing.assert_close(backbone.encode_text(short),
                                   backbone.encode_text(full))
    with pytest.raises(ValueError, match='context length'):
        backbone.encode_text(torch.zeros(1, 78, dtype=torch.long))


def test_freezing_policy():
    frozen = CLIPBackbone(arch=ARCH, frozen=True, trainable=('bias', ))
    names = {n for n, p in frozen.clip.named_parameters() if p.requires_grad}
    assert names and all('bias' in n for n in names)
    assert not frozen.clip.logit_scale.requires_grad
    full = CLIPBackbone(arch=ARCH, frozen=False)
    assert all(p.requires_grad for p in full.clip.parameters())
    no_scale = CLIPBackbone(arch=ARCH, train_logit_scale=False)
    assert not no_scale.clip.logit_scale.requires_grad


@pytest.mark.parametrize('suffix', ['.safetensors', '.pt'])
def test_local_pretrained_file_roundtrip(tmp_path, backbone, suffix):
    path = str(tmp_path / f'clip{suffix}')
    state = {k: v.contiguous() for k, v in backbone.clip.state_dict().items()}
    if suffix == '.safetensors':
        from safetensors.torch import save_file
        save_file(state, path)
    else:
        torch.save(state, path)
    loaded = CLIPBackbone(arch=ARCH, pretrained=path).eval()
    assert loaded.weights_hash() == backbone.weights_hash()
    imgs = torch.randn(1, 2, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(loaded.encode_video(imgs),
                                   backbone.encode_video(imgs))


def test_named_arch_builds_offline_without_weights():
    model = CLIPBackbone(arch='ViT-B-32', pretrained=None, max_words=32)
    assert model.embed_dim == 512


def test_bad_pretrained_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='no such file'):
        CLIPBackbone(arch=ARCH, pretrained=str(tmp_path / 'missing.pt'))
    with pytest.raises(ValueError, match='local checkpoint'):
        CLIPBackbone(arch=ARCH, pretrained='openai')
    with pytest.raises(ValueError, match='Unknown OpenCLIP'):
        CLIPBackbone(arch='ViT-X-99')
    with pytest.raises(ValueError, match='max_words'):
        CLIPBackbone(arch=ARCH, max_words=100)


def test_wrong_checkpoint_is_refused(tmp_path):
    path = str(tmp_path / 'other.pt')
    torch.save({'foo': torch.zeros(1)}, path)
    with pytest.raises(RuntimeError):
        CLIPBackbone(arch=ARCH, pretrained=path)


@pytest.mark.parametrize('adapter', [dict(type='MVAdapter', max_frames=4),
                                     dict(type='MSTA', m=32)])
def test_grad_checkpointing_with_video_adapters(adapter):
    """Backward recomputes the checkpointed blocks after encode_video has
    cleared the frame context; the gradients must equal those without
    checkpointing (with a padded frame, so the mask matters too)."""
    grads = []
    for checkpointing in (False, True):
        torch.manual_seed(0)
        model = MODELS.build(dict(
            type='VideoTextRetriever',
            clip=dict(arch=ARCH, max_words=16, frozen=True,
                      trainable=('bias', ),
                      grad_checkpointing=checkpointing),
            adapter=adapter)).train()
        with torch.no_grad():  # non-zero adapter outputs
            for name, p in model.adapter.named_parameters():
                if '.up.' in name or 'fc2' in name:
                    p.normal_(0, 0.5)
        assert model.backbone.clip.visual.transformer.grad_checkpointing \
            == checkpointing
        g = torch.Generator().manual_seed(1)
        imgs = torch.randn(2, 4, 3, 32, 32, generator=g)
        mask = torch.tensor([[1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
        text = torch.randint(1, 1000, (2, 16), generator=g)
        video = model.encode_video(imgs, mask)
        loss = (video @ model.encode_text(text).t()).sum() + \
            (video * torch.randn(video.shape, generator=g)).sum()
        loss.backward()
        assert model.backbone.frame_context.num_frames is None  # no leak
        assert model.backbone.frame_context.mask is None
        grads.append({n: p.grad for n, p in model.named_parameters()
                      if p.requires_grad})
    assert grads[0].keys() == grads[1].keys()
    assert any(n.startswith('backbone.') for n in grads[0])
    for name, grad in grads[0].items():
        assert grad is not None, name
        torch.testing.assert_close(grads[1][name], grad, rtol=1e-4,
                                   atol=1e-6, msg=name)


@pytest.mark.parametrize('version', ['2.24.0', '2.32.1', '1.3'])
def test_old_open_clip_is_refused_clearly(monkeypatch, version):
    import open_clip
    monkeypatch.setattr(open_clip, '__version__', version)
    with pytest.raises(ImportError, match=f'open_clip_torch >= 3.0, found '
                       f'{version}.*pip install'):
        CLIPBackbone(arch=ARCH, pretrained=None)


@pytest.mark.parametrize('version', ['3.0.0', '3.3.0', '3.10.0.dev0'])
def test_supported_open_clip_versions_pass(version):
    from mvadapt.models.clip.backbone import check_open_clip_version
    check_open_clip_version(version)
