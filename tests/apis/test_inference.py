"""init_model (strict checkpoints) and classify (open vocabulary), checked
against the evaluation path (dataset pipeline + forward(mode='predict'))."""
import os.path as osp

import pytest
import torch
from mmengine.dataset import pseudo_collate

from mvadapt.apis import classify, init_model
from mvadapt.registry import DATASETS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECOGNIZER = osp.join(ROOT, 'configs', 'demo',
                      'msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py')


def recognizer_options(root, test_class_names=None):
    return {'model.clip.pretrained': None,
            'model.class_names': f'{root}/b2n/base_class_names.txt',
            'model.test_class_names': test_class_names or
            f'{root}/class_names.txt',
            'test_dataloader.dataset.ann_file':
            f'{root}/recognition_test.txt',
            'test_dataloader.dataset.data_prefix.video': f'{root}/videos'}


@pytest.fixture(scope='module')
def recognizer(moving_shapes_test_split, tmp_path_factory):
    """The demo's MSTA recognizer with random weights, as a checkpoint."""
    root = moving_shapes_test_split[0]
    torch.manual_seed(0)
    model = init_model(RECOGNIZER, cfg_options=recognizer_options(root))
    path = str(tmp_path_factory.mktemp('msta') / 'msta.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    return root, path


def evaluation_scores(model, indices):
    dataset = DATASETS.build(model.cfg.test_dataloader.dataset)
    data = model.data_preprocessor(
        pseudo_collate([dataset[i] for i in indices]), False)
    with torch.no_grad():  # mode='predict' without checking the labels
        scores = model(data['inputs'], mode='tensor')
    return list(scores), [
        dataset.get_data_info(i)['filename'] for i in indices]


def test_classify_matches_evaluation(recognizer):
    root, ckpt = recognizer
    model = init_model(RECOGNIZER, ckpt,
                       cfg_options=recognizer_options(root))
    with open(f'{root}/class_names.txt') as f:
        names = f.read().split('\n')[:30]
    scores, videos = evaluation_scores(model, [0, 5])
    for score, video in zip(scores, videos):
        top = classify(model, video, k=100)
        assert len(top) == 30
        probs = [p for _, p in top]
        assert probs == sorted(probs, reverse=True)
        assert sum(probs) == pytest.approx(1, abs=1e-5)
        got = dict(top)
        assert torch.allclose(torch.tensor([got[n] for n in names]), score,
                              atol=1e-6)
        assert classify(model, video, k=5) == top[:5]


def test_classify_open_vocabulary(recognizer, tmp_path):
    """Any class list: the same probabilities as evaluating a model whose
    test classes are that list."""
    root, ckpt = recognizer
    names = ['a dog catching a frisbee', 'triangle staying still',
             'circle blinking', 'square rotating clockwise']
    model = init_model(RECOGNIZER, ckpt,
                       cfg_options=recognizer_options(root))
    reference = init_model(RECOGNIZER, ckpt,
                           cfg_options=recognizer_options(root, names))
    (score, ), (video, ) = evaluation_scores(reference, [1])
    top = classify(model, video, class_names=names, k=3)
    assert len(top) == 3
    expected = sorted(zip(names, score.tolist()), key=lambda x: -x[1])[:3]
    assert [n for n, _ in top] == [n for n, _ in expected]
    assert [p for _, p in top] == pytest.approx([p for _, p in expected],
                                                abs=1e-6)
    listed = tmp_path / 'classes.txt'
    listed.write_text('\n'.join(names) + '\n')
    from_file = classify(model, video, class_names=str(listed), k=3)
    assert [n for n, _ in from_file] == [n for n, _ in top]
    # the model's own test classes are untouched
    assert len(classify(model, video, k=100)) == 30


def test_classify_with_a_retriever(aligned_retriever):
    """A retrieval model classifies among captions: each video's own caption
    (its twin's, for a time-reversed pair) is the most probable."""
    model = init_model(aligned_retriever['config'],
                       aligned_retriever['checkpoint'])
    captions = aligned_retriever['captions']
    for key in ('test_00000.mp4', 'test_00001.mp4', 'test_00008.mp4'):
        assert aligned_retriever['twins'][key] is None
        video = osp.join(aligned_retriever['root'], 'videos', key)
        top = classify(model, video, class_names=list(captions.values()),
                       k=2)
        assert top[0][0] == captions[key]
        assert top[0][1] > top[1][1]
    with pytest.raises(ValueError, match='pass class_names'):
        classify(model, video)
    with pytest.raises(ValueError, match='k must be'):
        classify(model, video, ['a'], k=0)
    with pytest.raises(ValueError, match='template'):
        classify(model, video, ['a'], template='no slot')
    with pytest.raises(FileNotFoundError, match='no such video'):
        classify(model, video + '.missing', ['a'])


def test_init_model_refuses_what_does_not_fit(recognizer, aligned_retriever,
                                              tmp_path):
    root, ckpt = recognizer
    opts = recognizer_options(root)
    # a retriever's checkpoint on the recognizer's config
    with pytest.raises(RuntimeError, match='does not fit the model') as e:
        init_model(RECOGNIZER, aligned_retriever['checkpoint'],
                   cfg_options=opts)
    assert 'missing' in str(e.value) and RECOGNIZER in str(e.value)

    # an adapter-only checkpoint (AdapterCheckpointHook) loads the trained
    # tensors onto the frozen backbone it was made on, and only there
    model = init_model(RECOGNIZER, ckpt, cfg_options=opts)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert 0 < len(trainable) < len(model.state_dict())
    state = {k: v for k, v in model.state_dict().items() if k in trainable}
    meta = dict(adapter_only=True, backbone_arch='tiny',
                backbone_pretrained='None',
                backbone_hash=model.backbone.weights_hash(frozen_only=True))
    adapter = str(tmp_path / 'adapter_only.pth')
    torch.save(dict(state_dict=state, meta=dict(mvadapt=meta)), adapter)
    torch.manual_seed(0)  # the same frozen backbone as the fixture's
    loaded = init_model(RECOGNIZER, adapter, cfg_options=opts)
    for name, tensor in loaded.state_dict().items():
        assert torch.equal(tensor, model.state_dict()[name]), name
    torch.manual_seed(1)  # another random backbone
    with pytest.raises(RuntimeError, match='adapter checkpoint trained on'):
        init_model(RECOGNIZER, adapter, cfg_options=opts)
