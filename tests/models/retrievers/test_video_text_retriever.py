import pytest
import torch
from mmengine.config import Config

from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()


@pytest.fixture(scope='module')
def model():
    cfg = Config.fromfile('configs/_base_/models/tiny-clip.py')
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


def batch(num_texts=(1, 1, 1)):
    g = torch.Generator().manual_seed(0)
    imgs = [torch.randint(0, 255, (4, 3, 32, 32), dtype=torch.uint8,
                          generator=g) for _ in num_texts]
    text = [torch.randint(1, 1000, (n, 16), generator=g) for n in num_texts]
    for t in text:
        t[:, 5] = 49407  # end-of-text
    return dict(inputs=dict(imgs=imgs, text=text), data_samples=None)


def test_loss_mode_backpropagates(model):
    data = model.data_preprocessor(batch(), True)
    assert data['inputs']['imgs'].shape == (3, 4, 3, 32, 32)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss'} and losses['loss'].requires_grad
    losses['loss'].backward()
    assert model.backbone.clip.visual.conv1.weight.grad is not None


def test_predict_mode_splits_captions_per_video(model):
    data = model.data_preprocessor(batch((1, 3)), False)
    assert data['inputs']['num_texts'] == [1, 3]
    with torch.no_grad():
        samples = model(**data, mode='predict')
    assert len(samples) == 2
    assert samples[1].text_feature.shape == (3, 128)
    assert samples[0].video_feature.shape == (128, )
    torch.testing.assert_close(samples[1].text_feature.norm(dim=-1),
                               torch.ones(3))


def test_tensor_mode_and_encoders_agree(model):
    data = model.data_preprocessor(batch(), False)
    with torch.no_grad():
        video, text = model(**data, mode='tensor')
        torch.testing.assert_close(
            video, model.encode_video(data['inputs']['imgs']))
        torch.testing.assert_close(text,
                                   model.encode_text(data['inputs']['text']))


def test_training_rejects_multi_caption_samples(model):
    data = model.data_preprocessor(batch((1, 2)), True)
    with pytest.raises(ValueError, match='one caption per sample'):
        model(**data, mode='loss')


def test_count_parameters_zero_shot_is_frozen():
    cfg = Config.fromfile('configs/_base_/models/tiny-clip.py')
    cfg.model.clip.frozen = True
    counts = MODELS.build(cfg.model).count_parameters()
    assert counts['trainable'] == 0
    assert counts['total'] == counts['clip_total'] > 0


def test_preprocessor_normalises_with_clip_mean_std(model):
    imgs = [torch.full((1, 3, 2, 2), 122, dtype=torch.uint8)]
    out = model.data_preprocessor(
        dict(inputs=dict(imgs=imgs, text=[torch.ones(1, 4).long()])), False)
    expected = (122 - torch.tensor([122.771, 116.746, 104.093])) / \
        torch.tensor([68.500, 66.632, 70.323])
    torch.testing.assert_close(out['inputs']['imgs'][0, 0, :, 0, 0],
                               expected)
