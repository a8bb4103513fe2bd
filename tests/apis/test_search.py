"""VideoSearcher: an index of real encoded MovingShapes videos, found by
their captions with a tiny retriever whose towers agree on them
(``aligned_retriever`` in tests/conftest.py)."""
import json
import os
import os.path as osp

import numpy as np
import pytest

from mvadapt.apis import IndexMismatchError, VideoSearcher, init_model
from mvadapt.apis.search import MANIFEST, SHARD_DIR

pytest.importorskip('faiss')


@pytest.fixture(scope='module')
def videos(aligned_retriever, tmp_path_factory):
    """The 12 test videos plus an undecodable one, in one folder."""
    folder = tmp_path_factory.mktemp('collection')
    src = osp.join(aligned_retriever['root'], 'videos')
    for name in sorted(os.listdir(src)):
        os.symlink(osp.join(src, name), folder / name)
    (folder / 'broken.mp4').write_bytes(b'not a video at all' * 50)
    return str(folder)


def embed_dim(model_info):
    """The retriever's feature dimension (its config's CLIP)."""
    from mmengine.config import Config
    return Config.fromfile(model_info['config']).model.clip.arch['embed_dim']


def searcher_of(model_info, **kwargs):
    kwargs.setdefault('num_workers', 0)
    return VideoSearcher.from_config(model_info['config'],
                                     model_info['checkpoint'],
                                     progress=False, **kwargs)


def check_found(searcher, info, folder):
    """Each caption finds its video first (its time-reversed twin, equal
    for a mean-pooling model, may come first instead), with the cosine of
    identical features: the searcher reads the frames evaluation reads."""
    keys = list(info['captions'])
    found = searcher.search([info['captions'][key] for key in keys], k=3)
    single = searcher.search(info['captions'][keys[0]], k=3)
    assert [p for p, _ in single] == [p for p, _ in found[0]]
    assert [s for _, s in single] == pytest.approx([s for _, s in found[0]],
                                                   abs=1e-5)
    for key, results in zip(keys, found):
        caption = info['captions'][key]
        assert len(results) == 3
        scores = [s for _, s in results]
        assert scores == sorted(scores, reverse=True)
        expected = {osp.join(folder, key)}
        if info['twins'][key]:
            expected.add(osp.join(folder, info['twins'][key]))
        assert results[0][0] in expected, (caption, results)
        assert results[0][1] == pytest.approx(1.0, abs=1e-4)
        if not info['twins'][key]:
            assert results[1][1] < 0.99


def test_build_search_load(aligned_retriever, videos, tmp_path):
    searcher = searcher_of(aligned_retriever, num_workers=1, batch_size=5)
    out = str(tmp_path / 'index')
    summary = searcher.build_index(videos, out)
    broken = osp.join(videos, 'broken.mp4')
    assert summary['num_videos'] == summary['added'] == 12
    assert list(summary['failed']) == [broken]
    assert 'Error' in summary['failed'][broken]
    check_found(searcher, aligned_retriever, videos)

    with open(osp.join(out, MANIFEST)) as f:
        manifest = json.load(f)
    assert manifest['dim'] == embed_dim(aligned_retriever) and \
        manifest['num_videos'] == 12
    assert manifest['index_type'] == 'flat'
    assert sorted(manifest['videos']) == sorted(
        osp.join(videos, k) for k in aligned_retriever['captions'])
    assert list(manifest['failed']) == [broken]
    model = manifest['model']
    assert model['checkpoint'] == aligned_retriever['checkpoint']
    assert model['config'] == aligned_retriever['config']
    assert len(model['backbone_hash']) == len(model['adapter_hash']) == 64

    # load rebuilds the model from the index folder (its config copy and
    # the checkpoint the manifest names), from any working directory
    stamps = {f: os.stat(osp.join(out, f)).st_mtime_ns
              for f in (MANIFEST, 'index.faiss')}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        loaded = VideoSearcher.load(out, num_workers=0, progress=False)
    finally:
        os.chdir(cwd)
    assert stamps == {f: os.stat(osp.join(out, f)).st_mtime_ns
                      for f in stamps}  # opening an index writes nothing
    check_found(loaded, aligned_retriever, videos)
    assert loaded.search('anything', k=50)[-1][0] in manifest['videos']
    assert len(loaded.search('anything', k=50)) == 12


def test_encode_videos_reports_and_skips_failures(aligned_retriever, videos,
                                                  tmp_path):
    from conftest import write_video
    small = str(tmp_path / 'small.mp4')
    write_video(small, size=32)  # the model takes 64 px frames
    searcher = searcher_of(aligned_retriever)
    keys = sorted(aligned_retriever['captions'])[:3]
    paths = [osp.join(videos, keys[0]), osp.join(videos, 'broken.mp4'),
             small, str(tmp_path / 'missing.mp4'), osp.join(videos, keys[1]),
             osp.join(videos, keys[2])]
    encoded = searcher.encode_videos(paths)
    assert encoded.paths == [paths[0], paths[4], paths[5]]
    assert encoded.features.shape == (3, embed_dim(aligned_retriever))
    assert np.allclose(np.linalg.norm(encoded.features, axis=1), 1,
                       atol=1e-5)
    assert sorted(encoded.failed) == sorted(paths[1:4])
    assert 'frames are 32x32 px' in encoded.failed[small]
    assert 'takes 64x64' in encoded.failed[small]
    assert 'no such video' in encoded.failed[paths[3]]
    texts = searcher.encode_texts([aligned_retriever['captions'][k]
                                   for k in keys])
    assert np.allclose((texts * encoded.features).sum(1), 1, atol=1e-4)


def test_incremental_and_resumable(aligned_retriever, videos, tmp_path):
    out = str(tmp_path / 'index')
    all_videos = sorted(osp.join(videos, k)
                        for k in aligned_retriever['captions'])
    searcher = searcher_of(aligned_retriever, batch_size=2)
    read = []
    reader = searcher.reader
    searcher.reader = lambda path: (read.append(path), reader(path))[1]

    summary = searcher.build_index(all_videos[:4], out)
    assert summary['added'] == 4 and read == all_videos[:4]

    # a build killed after two batches keeps the shards it wrote
    encode = searcher._encode_batches

    def killed(*args, **kwargs):
        for i, batch in enumerate(encode(*args, **kwargs)):
            if i == 2:
                raise KeyboardInterrupt
            yield batch

    searcher._encode_batches = killed
    read.clear()
    with pytest.raises(KeyboardInterrupt):
        searcher.build_index(all_videos, out, save_every=2)
    assert read == all_videos[4:10]  # the third batch was read, not saved
    assert len(os.listdir(osp.join(out, SHARD_DIR))) == 3  # 4 + 2 + 2
    with open(osp.join(out, MANIFEST)) as f:
        assert json.load(f)['pending'] == 8
    # searchable meanwhile: the index is brought up to the saved shards
    partial = VideoSearcher.load(out, num_workers=0, progress=False)
    assert sorted(partial.paths) == all_videos[:8]

    searcher._encode_batches = encode
    read.clear()
    summary = searcher.build_index(all_videos + [all_videos[0]], out)
    assert read == all_videos[8:]  # only what was not saved
    assert summary['added'] == 4 and summary['already_indexed'] == 8
    assert summary['num_videos'] == 12
    check_found(searcher, aligned_retriever, videos)
    with open(osp.join(out, MANIFEST)) as f:
        manifest = json.load(f)
    assert manifest['pending'] == 0 and len(manifest['videos']) == 12

    read.clear()
    summary = searcher.build_index(all_videos, out)
    assert read == [] and summary['added'] == 0


def test_approximate_index(aligned_retriever, videos, tmp_path):
    out = str(tmp_path / 'index')
    searcher = searcher_of(aligned_retriever)
    searcher.build_index(videos, out, index_type='hnsw')
    assert type(searcher.index).__name__ == 'IndexHNSWFlat'
    check_found(searcher, aligned_retriever, videos)
    loaded = VideoSearcher.load(out, model=searcher.model, num_workers=0,
                                progress=False)
    assert loaded.index_type == 'hnsw'
    check_found(loaded, aligned_retriever, videos)
    # switching the type rebuilds the index from the encoded videos
    searcher.build_index(videos, out, index_type='flat')
    assert type(searcher.index).__name__ == 'IndexFlatIP'
    check_found(searcher, aligned_retriever, videos)
    with pytest.raises(ValueError, match='index_type'):
        searcher.build_index(videos, out, index_type='ivf')


def test_another_model_is_refused(aligned_retriever, videos, tmp_path):
    out = str(tmp_path / 'index')
    keys = sorted(aligned_retriever['captions'])[:2]
    searcher = searcher_of(aligned_retriever)
    searcher.build_index([osp.join(videos, k) for k in keys], out)
    # the same architecture with its random weights: another model
    other = init_model(aligned_retriever['config'])
    mine, theirs = (searcher.identity['adapter_hash'][:12],
                    VideoSearcher(other).identity['adapter_hash'][:12])
    assert mine != theirs
    with pytest.raises(IndexMismatchError) as e:
        VideoSearcher.load(out, model=other)
    assert mine in str(e.value) and theirs in str(e.value)
    assert 'built with another model' in str(e.value)
    with pytest.raises(IndexMismatchError):
        VideoSearcher(other, num_workers=0).build_index(videos, out)

    # the checkpoint the manifest names was overwritten with other weights
    import torch
    moved = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict=other.state_dict()), moved)
    with pytest.raises(IndexMismatchError, match=theirs):
        VideoSearcher.load(out, checkpoint=moved)
    with pytest.raises(FileNotFoundError, match='pass its new path'):
        VideoSearcher.load(out, checkpoint=str(tmp_path / 'gone.pth'))


def test_list_videos(tmp_path, monkeypatch):
    from mvadapt.apis.search import list_videos
    (tmp_path / 'a' / 'b').mkdir(parents=True)
    for name in ('a/x.mp4', 'a/b/y.MKV', 'a/notes.txt', 'z.webm'):
        (tmp_path / name).write_bytes(b'')
    assert list_videos(str(tmp_path / 'a')) == [
        str(tmp_path / 'a' / 'b' / 'y.MKV'), str(tmp_path / 'a' / 'x.mp4')]
    # a list file: relative to its folder where the video is there, else
    # to the current directory; duplicates once
    listing = tmp_path / 'a' / 'list.txt'
    listing.write_text('# my videos\nx.mp4\n\na/b/y.MKV\nx.mp4\nmissing.mp4\n')
    monkeypatch.chdir(tmp_path)
    assert list_videos(str(listing)) == [
        str(tmp_path / 'a' / 'x.mp4'), str(tmp_path / 'a' / 'b' / 'y.MKV'),
        str(tmp_path / 'missing.mp4')]
    assert list_videos('z.webm') == [str(tmp_path / 'z.webm')]
    with pytest.raises(FileNotFoundError, match='not a folder'):
        list_videos('nothing_here')


def test_not_an_index(aligned_retriever, tmp_path):
    searcher = searcher_of(aligned_retriever)
    (tmp_path / 'notes.txt').write_text('my files')
    with pytest.raises(FileNotFoundError, match='not a video index'):
        searcher.build_index([], str(tmp_path))
    with pytest.raises(FileNotFoundError, match='tools/index_videos.py'):
        VideoSearcher.load(str(tmp_path / 'nothing'))
    with pytest.raises(RuntimeError, match='no videos indexed'):
        searcher.search('a red square')

