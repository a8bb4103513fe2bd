import json

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()
ARCH = Config.fromfile(
    'configs/_base_/models/tiny-clip.py').tiny_clip_arch.to_dict()
CLASSES = ['square moving left', 'square moving right', 'circle growing']


def build(**kwargs):
    torch.manual_seed(0)
    cfg = dict(type='CLIPRecognizer',
               clip=dict(arch=ARCH, max_words=16, frozen=True),
               class_names=CLASSES, num_frames=4,
               adapter=dict(type='MSTA', m=32))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def batch(model, views=1, labels=(0, 2)):
    imgs = [torch.randint(0, 255, (views * 4, 3, 32, 32), dtype=torch.uint8)
            for _ in labels]
    samples = [ActionDataSample().set_gt_label(label) for label in labels]
    return model.data_preprocessor(
        dict(inputs=dict(imgs=imgs), data_samples=samples), False)


def test_loss_and_predict_with_multi_view_averaging():
    model = build()
    data = batch(model)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_cls'}
    losses['loss_cls'].backward()
    model.eval()
    with torch.no_grad():
        out = model(**batch(model, views=3), mode='predict')
    score = out[0].pred_score
    assert score.shape == (3, ) and torch.isclose(score.sum(),
                                                  torch.tensor(1.0))
    # the average of per-view softmax, computed by hand
    data = batch(model, views=3)
    with torch.no_grad():
        views = model.encode_video(data['inputs']['imgs'])
        cls = model.class_embeddings(CLASSES)
        scale = model.backbone.logit_scale.exp()
        manual = (scale * views @ cls.t()).softmax(-1).mean(1)
        scores = model(**data, mode='tensor')
        out = model(**data, mode='predict')
    torch.testing.assert_close(scores, manual)
    # each view's logits travel with the prediction (for per-subset scoring)
    view_logits = out[1].pred_view_logits
    assert view_logits.shape == (3, 3)
    torch.testing.assert_close(view_logits.softmax(-1).mean(0),
                               out[1].pred_score)


def test_classifier_is_the_text_encoder_of_the_prompts():
    model = build(template='a photo of a {}.')
    with torch.no_grad():
        emb = model.class_embeddings(['circle growing'])
        ref = model.backbone.encode_text(model.tokenize(
            ['a photo of a circle growing.']))
    torch.testing.assert_close(emb, ref)


def test_test_label_space_can_differ():
    model = build(test_class_names=['triangle blinking', 'circle shrinking'])
    model.eval()
    with torch.no_grad():
        out = model(**batch(model, labels=(0, 1)), mode='predict')
    assert out[0].pred_score.shape == (2, )


def test_label_outside_the_class_names_is_a_clear_error(tmp_path):
    names = tmp_path / 'names.txt'
    names.write_text('\n'.join(CLASSES) + '\n')
    model = build(class_names=str(names),
                  test_class_names=['triangle blinking', 'circle shrinking'])
    data = batch(model, labels=(0, 3))
    data['data_samples'][1].set_metainfo(dict(filename='v/bad.mp4'))
    with pytest.raises(ValueError, match=r'v/bad.mp4.*outside the 3 '
                       r'classes of .*names.txt'):
        model(**data, mode='loss')
    model.eval()
    with torch.no_grad(), pytest.raises(
            ValueError, match=r'label \[2\].*2 classes of test_class_names'):
        model(**batch(model, labels=(0, 2)), mode='predict')


def test_consistency_loss_uses_frozen_branch_descriptions(tmp_path):
    desc = {c: {'spatial': [f'a {c} shape', 'plain background'],
                'temporal': [f'{c} step one', f'{c} step two']}
            for c in CLASSES}
    path = tmp_path / 'd.json'
    path.write_text(json.dumps(desc))
    model = build(consistency=dict(descriptions=str(path), loss_weight=1.0,
                                   num_per_class=2))
    losses = model(**batch(model), mode='loss')
    assert set(losses) == {'loss_cls', 'loss_cc'}
    spatial, _ = model._description_targets()
    with torch.no_grad(), model.adapter.disabled():
        ref = torch.nn.functional.normalize(model.backbone.encode_text(
            model.tokenize(desc[CLASSES[1]]['spatial'])).mean(0), dim=-1)
    torch.testing.assert_close(spatial[1], ref)
    assert not spatial.requires_grad


def test_truncated_descriptions_are_reported(tmp_path):
    long = ' '.join(['word'] * 30)
    desc = {c: {'spatial': [long, 'short'], 'temporal': ['short', 'short']}
            for c in CLASSES}
    path = tmp_path / 'd.json'
    path.write_text(json.dumps(desc))
    model = build(consistency=dict(descriptions=str(path), num_per_class=2))
    import logging

    from mmengine.logging import MMLogger
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        model._description_targets()
    finally:
        logger.removeHandler(handler)
    messages = [r.getMessage() for r in records if r.levelname == 'WARNING']
    assert any('3 description(s) are longer than max_words=16' in m
               for m in messages), messages


def test_bad_class_names_and_template(tmp_path):
    # the model builds without its data (parameter counts, benchmarks) ...
    model = build(class_names=str(tmp_path / 'none.txt'),
                  consistency=dict(descriptions=str(tmp_path / 'd.json')))
    assert model.count_parameters()['trainable'] > 0
    # ... and says which file is missing when the names are first needed
    with pytest.raises(FileNotFoundError, match='class-names file'):
        model.class_names
    with pytest.raises(FileNotFoundError, match='class-names file'):
        model(**model.data_preprocessor(batch(model), False), mode='loss')
    with pytest.raises(ValueError, match='template'):
        build(template='a video')


def test_prompts_are_tokenised_to_their_length():
    """Trailing padding is cut: same features, fewer tokens than max_words."""
    model = build().eval()
    prompts = [model.template.format(n) for n in CLASSES]
    tokens = model.tokenize(prompts)
    assert tokens.shape[1] < model.backbone.max_words
    full = torch.zeros(len(prompts), model.backbone.max_words,
                       dtype=torch.long)
    full[:, :tokens.shape[1]] = tokens
    with torch.no_grad():
        torch.testing.assert_close(model.backbone.encode_text(tokens),
                                   model.backbone.encode_text(full))
