import os
import os.path as osp
import shutil

import pytest
from conftest import RETRIEVAL_PIPELINE

from mvadapt.datasets import AnnotationError, RetrievalDataset
from mvadapt.utils import register_all_modules

register_all_modules()

PIPELINE = RETRIEVAL_PIPELINE


def build(root, ann='train.json', **kwargs):
    return RetrievalDataset(ann_file=ann, data_root=root,
                            data_prefix=dict(video='videos'),
                            pipeline=PIPELINE, **kwargs)


def test_train_layout_one_sample_per_caption(tiny_retrieval_data):
    ds = build(tiny_retrieval_data)
    assert len(ds) == 5 and ds.num_videos == 4
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert [i['text'] for i in infos][2:4] == ['a green square', 'a green box']
    assert infos[2]['video_idx'] == infos[3]['video_idx'] == 2
    sample = ds[0]
    assert tuple(sample['inputs']['imgs'].shape) == (4, 3, 32, 32)
    assert tuple(sample['inputs']['text'].shape) == (1, 8)
    assert sample['data_samples'].video_key == 'v0.mp4'


def test_test_layout_one_sample_per_video(tiny_retrieval_data):
    ds = build(tiny_retrieval_data, 'test.json', test_mode=True)
    assert len(ds) == 2
    sample = ds[1]
    assert tuple(sample['inputs']['text'].shape) == (2, 8)


def test_join_captions_paragraph(tiny_retrieval_data):
    ds = build(tiny_retrieval_data, 'test.json', test_mode=True,
               join_captions=True)
    assert ds.get_data_info(1)['text'] == ['a blue box blue one']
    train = build(tiny_retrieval_data, join_captions=True)
    assert len(train) == 4


@pytest.mark.parametrize('raw,match', [
    ('[1, 2]', 'expected a JSON object'),
    ('{"a.mp4": []}', 'non-empty list'),
    ('{"a.mp4": "a caption"}', 'non-empty list'),
    ('{"a.mp4": ["ok", "  "]}', 'caption 1 is empty'),
    ('{"a.mp4": ["x"], "a.mp4": ["y"]}', 'listed twice'),
    ('{"a.mp4": ["x"]', 'not valid JSON'),
    ('{}', 'no videos'),
])
def test_malformed_annotations(write_json, raw, match):
    path = write_json(None, raw=raw)
    with pytest.raises(AnnotationError, match=match) as e:
        RetrievalDataset(ann_file=path, pipeline=[])
    assert path in str(e.value)


def test_missing_annotation_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.json'):
        RetrievalDataset(ann_file=str(tmp_path / 'nope.json'), pipeline=[])


def test_missing_video_is_an_error_in_evaluation(tiny_retrieval_data,
                                                 write_json):
    path = write_json({'v4.mp4': ['x'], 'gone.mp4': ['y']})
    with pytest.raises(FileNotFoundError, match='gone.mp4'):
        RetrievalDataset(ann_file=path, pipeline=PIPELINE, test_mode=True,
                         data_prefix=dict(
                             video=osp.join(tiny_retrieval_data, 'videos')))


def test_corrupt_video_in_evaluation_names_the_file(tiny_retrieval_data,
                                                    tmp_path):
    videos = tmp_path / 'videos'
    videos.mkdir()
    (videos / 'bad.mp4').write_bytes(b'not a video')
    (tmp_path / 'ann.json').write_text('{"bad.mp4": ["x"]}')
    ds = build(str(tmp_path), 'ann.json', test_mode=True)
    with pytest.raises(RuntimeError, match='bad.mp4'):
        ds[0]


def test_bad_training_video_is_skipped_counted_then_fatal(
        tiny_retrieval_data, tmp_path):
    root = tmp_path / 'data'
    shutil.copytree(tiny_retrieval_data, root)
    (root / 'videos' / 'v1.mp4').write_bytes(b'garbage')
    ds = build(str(root), max_failed_fraction=0.25)  # 1 of 4 videos allowed
    # index 1 is v1 (corrupt): another, valid sample comes back
    assert ds[1]['data_samples'].video_key != 'v1.mp4'
    assert list(ds.failed_videos) == [str(root / 'videos' / 'v1.mp4')]
    # a second bad video (missing) exceeds the allowed fraction
    os.remove(root / 'videos' / 'v3.mp4')
    with pytest.raises(RuntimeError, match='2 of 4 training videos'):
        for i in range(len(ds)):
            ds[i]
