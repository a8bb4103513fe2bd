"""visualize_retrieval.py on a tiny generated MovingShapes set with
random-weight tiny models: the retrieval page (queries, top-k animated
thumbnails, the ground truth marked) and the recognition PNGs."""
import base64
import importlib.util
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vis = load('tools/analysis_tools/visualize_retrieval.py',
           'visualize_retrieval')
RETRIEVAL = 'configs/demo/clip4clip_tiny-static-pre_1xb32-5e_moving-shapes.py'
RECOGNITION = 'configs/demo/clip_tiny-static-pre_zero-shot_moving-shapes-b2n.py'


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('ms_tiny')
    load('tools/data/moving_shapes.py', 'moving_shapes').generate(
        str(root), seed=0, preset='tiny', progress=False, verbose=False)
    return root


def test_queries_and_top_k():
    queries = vis.pick_queries(10, 4, seed=0)
    assert len(set(queries.tolist())) == 4 and list(queries) == sorted(
        queries)
    assert list(vis.pick_queries(3, 20, seed=0)) == [0, 1, 2]
    text = np.array([[1.0, 0.0], [0.0, 1.0]])
    video = np.array([[0.2, 0.9], [0.9, 0.1], [0.5, 0.5], [0.9, 0.3]])
    order, scores = vis.top_k(text, video, np.array([0, 1]), k=3)
    # equal scores keep gallery order (videos 1 and 3 tie for query 0)
    assert order.tolist() == [[1, 3, 2], [0, 2, 3]]
    assert scores[0].tolist() == pytest.approx([0.9, 0.9, 0.5])


def test_confusion_and_per_class_accuracy():
    cm = vis.confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], 3)
    assert cm.tolist() == [[1, 1, 0], [1, 2, 0], [0, 0, 0]]
    acc = vis.per_class_accuracy(cm)
    assert acc[:2].tolist() == pytest.approx([50.0, 200 / 3])
    assert np.isnan(acc[2])  # no test video of class 2


def test_retrieval_page(data_root, tmp_path, capsys):
    out = tmp_path / 'report.html'
    vis.main([RETRIEVAL, '--num', '4', '--k', '3', '--out', str(out),
              '--num-workers', '0', '--device', 'cpu', '--cfg-options',
              'model.clip.pretrained=None',
              f'test_dataloader.dataset.data_root={data_root}'])
    assert f'Wrote {out}: 4 queries, top 3 videos' in capsys.readouterr().out
    page = out.read_text()
    queries = re.findall(r'<h2>\d+\. &ldquo;(.*?)&rdquo; &mdash; ground '
                         r'truth at rank (\d+)</h2>', page)
    assert len(queries) == 4
    test_set = json.loads((data_root / 'retrieval_test.json').read_text())
    captions = {c for caps in test_set.values() for c in caps}
    assert all(q in captions for q, _ in queries)
    rows = page.split('<div class="row">')[1:]
    assert len(rows) == 4
    gifs = dict(re.findall(r'\.(g\d+) \{ background-image: '
                           r'url\("data:image/gif;base64,([^"]+)"\); \}',
                           page))
    frames = []
    for row, (_, rank) in zip(rows, queries):
        thumbs = re.findall(r'<div class="thumb (g\d+)( gt)?"', row)
        gt = [g for g, mark in thumbs if mark]
        assert len(gt) == 1  # the ground truth is marked once
        if int(rank) <= 3:
            assert len(thumbs) == 3  # among the top 3
        else:  # shown after the top 3, with its rank
            assert len(thumbs) == 4 and thumbs[-1][1]
            assert f'ground truth &middot; #{rank}' in row
        for name, _ in thumbs:
            with Image.open(io.BytesIO(base64.b64decode(gifs[name]))) as gif:
                assert gif.format == 'GIF' and max(gif.size) == 128
                frames.append(gif.n_frames)
                total_ms = 0
                for i in range(gif.n_frames):
                    gif.seek(i)
                    total_ms += gif.info['duration']
                # the clip's 8 test frames at 250 ms (GIF merges repeats)
                assert total_ms == 8 * 250
    assert max(frames) > 1  # moving shapes are animated
    assert 'T2V R@1' in page and f'{len(test_set)} test videos' in page


def test_recognition_pngs(data_root, tmp_path, capsys):
    out = tmp_path / 'rec.html'
    d = data_root
    vis.main([RECOGNITION, '--out', str(out), '--num-workers', '0',
              '--device', 'cpu', '--cfg-options',
              'model.clip.pretrained=None',
              f'model.class_names={d}/b2n/base_class_names.txt',
              f'model.test_class_names={d}/class_names.txt',
              f'test_dataloader.dataset.ann_file={d}/recognition_test.txt',
              f'test_dataloader.dataset.data_prefix.video={d}/videos',
              f'test_evaluator.base_classes={d}/b2n/base_class_names.txt',
              f'test_evaluator.novel_classes={d}/b2n/novel_class_names.txt',
              f'test_evaluator.class_names={d}/class_names.txt'])
    printed = capsys.readouterr().out
    for name in ('rec_confusion.png', 'rec_per_class.png'):
        assert str(tmp_path / name) in printed
        with Image.open(tmp_path / name) as image:
            assert image.format == 'PNG' and min(image.size) > 300
    page = out.read_text()
    n_videos = len((d / 'recognition_test.txt').read_text().split('\n')) - 1
    n_classes = len((d / 'class_names.txt').read_text().split('\n')) - 1
    assert f'{n_videos} test videos, {n_classes} classes' in page
    table = page.split('<table>')[1]
    assert table.count('<tr><td>') == n_classes
    novel = (d / 'b2n' / 'novel_class_names.txt').read_text().split('\n')
    assert table.count(' (novel)') == len([n for n in novel if n])
    counts = [int(c) for c in re.findall(
        r'</td><td>(?:&ndash;|[\d.]+)</td><td>(\d+)</td>', table)]
    assert sum(counts) == n_videos
    assert page.count('data:image/png;base64,') == 2
