"""Search a video collection by text with a trained retrieval model.

An index folder holds::

    manifest.json        format, the model's identity (config, checkpoint,
                         backbone and adapter hashes), feature dimension,
                         index type, the indexed videos, failed videos
    config.py            the model's config (to rebuild it for search)
    shards/*.npz         encoded videos: paths and L2-normalised features,
                         one file per chunk, each written atomically
    index.faiss          the FAISS index over the shards (inner product)

Shards are the record of what is encoded: a build that is killed keeps every
finished shard, and the next build encodes only the videos not yet in one.
The FAISS index is derived from the shards and rebuilt (or extended) when
the manifest says it is behind them.
"""
import copy
import hashlib
import json
import os
import os.path as osp
import re
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence
from typing import Tuple, Union

import numpy as np
import torch

from .inference import (VideoReader, frame_size_error, init_model,
                        preprocess_videos, text_tokenizer)

INDEX_FORMAT = 'mvadapt-video-index'
INDEX_VERSION = 1
INDEX_TYPES = ('flat', 'hnsw')
VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mkv', '.webm', '.mov', '.m4v', '.mpg',
                    '.mpeg', '.flv', '.wmv', '.3gp', '.ogv')
MANIFEST = 'manifest.json'
SHARD_DIR = 'shards'
INDEX_FILE = 'index.faiss'
CONFIG_FILE = 'config.py'
_SHARD_RE = re.compile(r'^shard_(\d{6})\.npz$')


class IndexMismatchError(RuntimeError):
    """An index is used with a model other than the one that built it."""


class EncodedVideos(NamedTuple):
    """Result of :meth:`VideoSearcher.encode_videos`.

    Attributes:
        paths (list[str]): The videos encoded, in input order.
        features (np.ndarray): ``float32 [len(paths), D]``, L2-normalised.
        failed (dict[str, str]): Videos that could not be read, with why.
    """
    paths: List[str]
    features: np.ndarray
    failed: Dict[str, str]


def _faiss():
    try:
        import faiss
    except ImportError:
        raise ImportError('video search needs FAISS: pip install faiss-cpu '
                          '(or pip install -e ".[search]")') from None
    return faiss


def _tensor_hash(tensors: Dict[str, torch.Tensor]) -> str:
    h = hashlib.sha256()
    for name in sorted(tensors):
        h.update(name.encode())
        h.update(tensors[name].detach().to('cpu', torch.float32).numpy()
                 .tobytes())
    return h.hexdigest()


def model_identity(model) -> dict:
    """What makes two models' features comparable: the frozen backbone's
    hash and the hash of the trained tensors (adapters, tuned biases or a
    fully fine-tuned backbone), plus where they came from (for messages)."""
    from .adapter_io import adapter_state
    cfg = getattr(model, 'cfg', None)
    checkpoint = getattr(model, 'checkpoint', None)
    return dict(
        config=osp.abspath(cfg.filename) if cfg is not None and
        cfg.filename else None,
        checkpoint=osp.abspath(checkpoint) if checkpoint else None,
        backbone=str(model.backbone.arch) if isinstance(
            model.backbone.arch, str) else 'custom',
        backbone_hash=model.backbone.weights_hash(frozen_only=True),
        adapter_hash=_tensor_hash(adapter_state(model)))


_NOTHING_FROZEN = hashlib.sha256().hexdigest()


def describe_identity(identity: dict) -> str:
    frozen = identity.get('backbone_hash')
    frozen = 'nothing frozen' if frozen == _NOTHING_FROZEN else \
        f'frozen weights hash {str(frozen)[:12]}'
    return (f"config {identity.get('config')}, checkpoint "
            f"{identity.get('checkpoint')}, backbone "
            f"{identity.get('backbone')} ({frozen}), trained tensors "
            f"hash {str(identity.get('adapter_hash'))[:12]}")


def list_videos(videos: Union[str, Sequence[str]]) -> List[str]:
    """Absolute paths of a folder's videos (recursive, by extension,
    sorted), of a text file listing one path per line (a relative one is
    taken relative to the list's folder if it is there, else to the current
    directory), or of a list; in order, without duplicates."""
    if isinstance(videos, str):
        if osp.isdir(videos):
            found = []
            for root, dirs, files in os.walk(videos):
                dirs.sort()
                found += [osp.join(root, f) for f in sorted(files)
                          if f.lower().endswith(VIDEO_EXTENSIONS)]
            paths = sorted(found)
        elif videos.lower().endswith(VIDEO_EXTENSIONS):
            paths = [videos]
        elif osp.isfile(videos):
            base = osp.dirname(osp.abspath(videos))
            with open(videos, encoding='utf-8') as f:
                listed = [line.strip() for line in f
                          if line.strip() and not line.startswith('#')]
            paths = [osp.join(base, p) if osp.exists(osp.join(base, p))
                     else p for p in listed]
        else:
            raise FileNotFoundError(
                f'{videos} is not a folder, a video or a list of videos')
    else:
        paths = list(videos)
    return list(dict.fromkeys(osp.abspath(p) for p in paths))


def _write_atomic(path: str, write) -> None:
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'wb') as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _write_json(path: str, obj) -> None:
    _write_atomic(path, lambda f: f.write(
        json.dumps(obj, indent=1, ensure_ascii=False).encode('utf-8')))


class _VideoFiles(torch.utils.data.Dataset):
    """Videos read in data-loader workers; a failure is returned, not
    raised, so it is reported by name."""

    def __init__(self, paths: Sequence[str], reader: VideoReader) -> None:
        self.paths = list(paths)
        self.reader = reader

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int):
        try:
            imgs, mask = self.reader(self.paths[i])
            return i, imgs, mask, None
        except Exception as e:  # undecodable, missing, unreadable
            return i, None, None, f'{type(e).__name__}: {e}'.strip()


def _as_list(batch):
    return batch


def _one_thread(_):
    torch.set_num_threads(1)


class VideoSearcher:
    """Text-to-video search over a collection with a retrieval model.

    Args:
        model: A ``VideoTextRetriever`` from :func:`init_model` (it carries
            its config, whose test pipeline reads the videos).
        batch_size (int): Videos encoded together. Defaults to 16.
        num_workers (int, optional): Processes that decode videos. Defaults
            to ``min(4, cpu count)``; 0 decodes in this process.
        progress (bool): Show progress bars. Defaults to True.

    Example::

        searcher = VideoSearcher.from_config(config, checkpoint)
        searcher.build_index('my_videos/', 'my_index')
        searcher = VideoSearcher.load('my_index')  # later, elsewhere
        searcher.search('a dog catching a frisbee', k=5)
    """

    def __init__(self, model, batch_size: int = 16,
                 num_workers: Optional[int] = None,
                 progress: bool = True) -> None:
        if not (hasattr(model, 'encode_video') and
                hasattr(model, 'encode_text') and hasattr(model, 'cfg')):
            raise TypeError('VideoSearcher needs a retrieval model (with '
                            'encode_video and encode_text) built by '
                            'mvadapt.apis.init_model')
        self.model = model.eval()
        self.reader = VideoReader(model.cfg)
        self.tokenizer = text_tokenizer(model.cfg, model.backbone.max_words)
        self.batch_size = batch_size
        self.num_workers = min(4, os.cpu_count() or 1) if num_workers is \
            None else num_workers
        self.progress = progress
        self._identity = None
        self.out_dir = None
        self.paths: List[str] = []
        self.index = None
        self.index_type = None
        self.manifest = None

    @classmethod
    def from_config(cls, config, checkpoint: Optional[str] = None,
                    device: str = 'cpu', cfg_options: Optional[dict] = None,
                    **kwargs) -> 'VideoSearcher':
        """A searcher with the model of ``config`` and its weights (see
        :func:`init_model`)."""
        return cls(init_model(config, checkpoint, device, cfg_options),
                   **kwargs)

    @property
    def identity(self) -> dict:
        if self._identity is None:
            self._identity = model_identity(self.model)
        return self._identity

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    # ------------------------------------------------------------ encoding
    def encode_texts(self, texts: Union[str, Sequence[str]]) -> np.ndarray:
        """``float32 [N, D]`` L2-normalised text features, tokenised as in
        the config's evaluation."""
        texts = [texts] if isinstance(texts, str) else list(texts)
        tokens = torch.as_tensor(self.tokenizer.tokenizer(
            texts, context_length=self.tokenizer.max_words))
        with torch.no_grad():
            feats = [self.model.encode_text(chunk.to(self.device))
                     for chunk in tokens.split(256)]
        return torch.cat(feats).float().cpu().numpy()

    def _encode_batches(self, paths: Sequence[str], bar=None,
                        num_workers: Optional[int] = None
                        ) -> Iterator[Tuple[List[str], np.ndarray,
                                            Dict[str, str]]]:
        """Yield ``(paths, features, failed)`` batch by batch."""
        workers = self.num_workers if num_workers is None else num_workers
        loader = torch.utils.data.DataLoader(
            _VideoFiles(paths, self.reader), batch_size=self.batch_size,
            num_workers=min(workers, len(paths)), collate_fn=_as_list,
            worker_init_fn=_one_thread if workers else None)
        num_failed = 0
        for batch in loader:
            failed, ok = {}, []
            for i, imgs, mask, error in batch:
                error = error or frame_size_error(self.model, imgs)
                if error:
                    failed[paths[i]] = error
                else:
                    ok.append((paths[i], imgs, mask))
            feats = np.zeros((0, 0), np.float32)
            if ok:
                with torch.no_grad():
                    inputs = preprocess_videos(
                        self.model, [o[1] for o in ok], [o[2] for o in ok])
                    feats = self.model.encode_video(
                        inputs['imgs'], inputs.get('video_mask'))
                feats = feats.float().cpu().numpy()
            if bar is not None:
                bar.update(len(batch))
                if failed:
                    num_failed += len(failed)
                    bar.set_postfix(failed=num_failed, refresh=False)
            yield [o[0] for o in ok], feats, failed

    def _bar(self, total: int, desc: str):
        from tqdm import tqdm
        return tqdm(total=total, desc=desc, unit='video',
                    disable=not self.progress, dynamic_ncols=True)

    def encode_videos(self, paths: Sequence[str],
                      num_workers: Optional[int] = None) -> EncodedVideos:
        """Encode videos in batches, decoding in worker processes.

        Videos that cannot be read (missing, corrupt, frames of a size the
        model does not take) are skipped and reported: in the result's
        ``failed`` and as a warning naming each.
        """
        paths = list_videos(list(paths))
        out_paths, feats, failed = [], [], {}
        with self._bar(len(paths), 'Encoding videos') as bar:
            for p, f, bad in self._encode_batches(paths, bar, num_workers):
                out_paths += p
                if len(p):
                    feats.append(f)
                failed.update(bad)
        _warn_failed(failed, "the result's failed")
        dim = int(self.model.backbone.clip.text_projection.shape[-1]) if \
            not feats else feats[0].shape[1]
        return EncodedVideos(
            out_paths, np.concatenate(feats) if feats else
            np.zeros((0, dim), np.float32), failed)

    # -------------------------------------------------------------- index
    def build_index(self, videos: Union[str, Sequence[str]], out_dir: str,
                    index_type: Optional[str] = None, save_every: int = 256,
                    num_workers: Optional[int] = None) -> dict:
        """Encode ``videos`` (a folder, searched recursively; a text file
        listing paths; or a list) into the index folder ``out_dir``.

        Incremental and resumable: videos already in ``out_dir`` are not
        encoded again, and encoded videos are saved every ``save_every``
        videos, so a killed build loses at most that many. An existing
        index made by another model is refused.

        Args:
            index_type (str, optional): ``'flat'`` (exact inner product) or
                ``'hnsw'`` (approximate, for large collections). Defaults to
                the existing index's type, ``'flat'`` for a new one.

        Returns:
            dict: ``out_dir``, ``num_videos`` (in the index), ``added``,
            ``already_indexed`` and ``failed`` (``{path: reason}``).
        """
        if index_type is not None and index_type not in INDEX_TYPES:
            raise ValueError(f'index_type must be one of {INDEX_TYPES}, got '
                             f'{index_type!r}')
        paths = list_videos(videos)
        out_dir = osp.abspath(out_dir)
        manifest = _read_manifest(out_dir, missing_ok=True)
        if manifest is None:
            manifest = self._new_index(out_dir, index_type or 'flat')
        else:
            self._check_identity(manifest, out_dir)
        if index_type is not None:
            manifest['index_type'] = index_type
        done = set(_shard_paths(out_dir))
        todo = [p for p in paths if p not in done]
        manifest['pending'] = len(todo)
        _write_json(osp.join(out_dir, MANIFEST), manifest)

        failed, added = {}, 0
        buf_paths, buf_feats = [], []

        def flush():
            nonlocal buf_paths, buf_feats, added
            if buf_paths:
                _write_shard(out_dir, buf_paths, np.concatenate(buf_feats))
                added += len(buf_paths)
                buf_paths, buf_feats = [], []

        with self._bar(len(todo), 'Encoding videos') as bar:
            for p, f, bad in self._encode_batches(todo, bar, num_workers):
                failed.update(bad)
                if p:
                    buf_paths += p
                    buf_feats.append(f)
                if len(buf_paths) >= save_every:
                    flush()
            flush()
        _warn_failed(failed, f'"failed" in {osp.join(out_dir, MANIFEST)}')
        indexed = set(_shard_paths(out_dir))
        manifest['failed'] = {p: r for p, r in
                              dict(manifest.get('failed', {}), **failed)
                              .items() if p not in indexed}
        manifest['pending'] = 0
        self._finish_index(out_dir, manifest)
        return dict(out_dir=out_dir, num_videos=len(self.paths),
                    added=added, already_indexed=len(paths) - len(todo),
                    failed=failed)

    def _new_index(self, out_dir: str, index_type: str) -> dict:
        os.makedirs(osp.join(out_dir, SHARD_DIR), exist_ok=True)
        cfg = copy.deepcopy(self.model.cfg)
        # a relative pretrained file must not depend on where search runs
        clip = cfg.model.get('clip', {})
        pretrained = clip.get('pretrained')
        if isinstance(pretrained, str) and osp.isfile(pretrained):
            clip['pretrained'] = osp.abspath(pretrained)
        cfg.dump(osp.join(out_dir, CONFIG_FILE))
        manifest = dict(format=INDEX_FORMAT, version=INDEX_VERSION,
                        model=self.identity, index_type=index_type, dim=None,
                        num_videos=0, index_shards=[], videos=[], failed={},
                        pending=0)
        _write_json(osp.join(out_dir, MANIFEST), manifest)
        return manifest

    def _check_identity(self, manifest: dict, out_dir: str) -> None:
        stored = manifest['model']
        mine = self.identity
        if (stored['backbone_hash'], stored['adapter_hash']) != (
                mine['backbone_hash'], mine['adapter_hash']):
            raise IndexMismatchError(
                f'The index {out_dir} was built with another model: its '
                f'videos were encoded by [{describe_identity(stored)}], this '
                f'model is [{describe_identity(mine)}]. Their features are '
                'not comparable. Search it with the model that built it, or '
                'index the videos with this model into another folder.')

    def _finish_index(self, out_dir: str, manifest: dict) -> None:
        """Bring ``index.faiss`` up to date with the shards; the manifest is
        written last, so it never names an index that is not there."""
        faiss = _faiss()
        shards = _list_shards(out_dir)
        index_path = osp.join(out_dir, INDEX_FILE)
        paths, index = [], None
        covered = manifest.get('index_shards') or []
        reuse = (osp.isfile(index_path) and covered == shards[:len(covered)]
                 and manifest.get('built_type') == manifest['index_type'])
        if reuse:
            index = faiss.read_index(index_path)
            reuse = index.ntotal == len(manifest.get('videos', []))
        if reuse:
            paths = list(manifest['videos'])
            new = shards[len(covered):]
        else:
            index, new = None, shards
        for name in new:
            p, feats = _read_shard(out_dir, name)
            if index is None:
                index = _new_faiss_index(manifest['index_type'],
                                         feats.shape[1])
            index.add(feats)
            paths += p
        if index is not None and new:
            _write_atomic(index_path, lambda f: f.write(
                faiss.serialize_index(index).tobytes()))
        before = json.dumps(manifest, sort_keys=True)
        manifest.update(index_shards=shards, videos=paths,
                        num_videos=len(paths), built_type=manifest[
                            'index_type'],
                        dim=None if index is None else int(index.d))
        if new or json.dumps(manifest, sort_keys=True) != before:
            _write_json(osp.join(out_dir, MANIFEST), manifest)
        self.out_dir, self.paths, self.index = out_dir, paths, index
        self.index_type = manifest['index_type']
        self.manifest = manifest

    @classmethod
    def load(cls, out_dir: str, model=None, checkpoint: Optional[str] = None,
             device: str = 'cpu', **kwargs) -> 'VideoSearcher':
        """Open an index folder for search.

        Args:
            model (optional): The model that built it (checked). Defaults
                to rebuilding it from the folder's config and the
                checkpoint the manifest names.
            checkpoint (str, optional): Where that checkpoint is now, if it
                moved (it must be the same weights).
            **kwargs: Passed to :class:`VideoSearcher`.

        Raises:
            IndexMismatchError: ``model`` (or the checkpoint's weights now)
                is not the model the index was built with.
        """
        out_dir = osp.abspath(out_dir)
        manifest = _read_manifest(out_dir)
        if model is None:
            stored = manifest['model']
            checkpoint = checkpoint or stored.get('checkpoint')
            if checkpoint is not None and not osp.isfile(checkpoint):
                raise FileNotFoundError(
                    f'the index {out_dir} was built with the checkpoint '
                    f'{checkpoint}, which is not there any more: pass its '
                    'new path (checkpoint=... / --checkpoint).')
            model = init_model(osp.join(out_dir, CONFIG_FILE), checkpoint,
                               device)
        searcher = cls(model, **kwargs)
        searcher._check_identity(manifest, out_dir)
        if manifest.get('pending'):
            from mmengine.logging import MMLogger
            MMLogger.get_current_instance().warning(
                f'The last build of {out_dir} stopped with '
                f"{manifest['pending']} video(s) still to encode; run it "
                'again with the same videos to finish (encoded videos are '
                'kept).')
        searcher._finish_index(out_dir, manifest)
        return searcher

    # ------------------------------------------------------------- search
    def search(self, query: Union[str, Sequence[str]], k: int = 5
               ) -> Union[List[Tuple[str, float]],
                          List[List[Tuple[str, float]]]]:
        """The ``k`` videos closest to a text query: ``(path, cosine
        similarity)``, best first; for a list of queries, one such list
        per query."""
        if self.index is None:
            raise RuntimeError('no videos indexed: call build_index or '
                               'VideoSearcher.load first')
        if k < 1:
            raise ValueError(f'k must be >= 1, got {k}')
        k = min(k, self.index.ntotal)
        if self.index_type == 'hnsw':
            self.index.hnsw.efSearch = max(64, 2 * k)
        scores, ids = self.index.search(self.encode_texts(query), k)
        results = [[(self.paths[i], float(s)) for s, i in zip(row_s, row_i)
                    if i >= 0] for row_s, row_i in zip(scores, ids)]
        return results[0] if isinstance(query, str) else results


def _new_faiss_index(index_type: str, dim: int):
    faiss = _faiss()
    if index_type == 'flat':
        return faiss.IndexFlatIP(dim)
    return faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)


def _read_manifest(out_dir: str, missing_ok: bool = False) -> Optional[dict]:
    path = osp.join(out_dir, MANIFEST)
    if not osp.isfile(path):
        if missing_ok and (not osp.exists(out_dir) or not os.listdir(
                out_dir)):
            return None
        raise FileNotFoundError(
            f'{out_dir} is not a video index (no {MANIFEST})'
            + ('' if missing_ok else ': build one with '
               'tools/index_videos.py CONFIG CHECKPOINT --videos DIR --out '
               f'{out_dir}') + ('; choose an empty or new folder' if
                                missing_ok else ''))
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    if manifest.get('format') != INDEX_FORMAT or \
            manifest.get('version') != INDEX_VERSION:
        raise ValueError(f'{path} is not a version {INDEX_VERSION} '
                         f'{INDEX_FORMAT} manifest')
    return manifest


def _list_shards(out_dir: str) -> List[str]:
    folder = osp.join(out_dir, SHARD_DIR)
    if not osp.isdir(folder):
        return []
    return sorted(f for f in os.listdir(folder) if _SHARD_RE.match(f))


def _read_shard(out_dir: str, name: str) -> Tuple[List[str], np.ndarray]:
    with np.load(osp.join(out_dir, SHARD_DIR, name)) as data:
        return ([str(p) for p in data['paths']],
                np.ascontiguousarray(data['features'], np.float32))


def _shard_paths(out_dir: str) -> List[str]:
    paths = []
    for name in _list_shards(out_dir):
        with np.load(osp.join(out_dir, SHARD_DIR, name)) as data:
            paths += [str(p) for p in data['paths']]
    return paths


def _write_shard(out_dir: str, paths: List[str], feats: np.ndarray) -> str:
    shards = _list_shards(out_dir)
    num = int(_SHARD_RE.match(shards[-1]).group(1)) + 1 if shards else 0
    name = f'shard_{num:06d}.npz'
    _write_atomic(osp.join(out_dir, SHARD_DIR, name), lambda f: np.savez(
        f, paths=np.array(paths, dtype=str),
        features=feats.astype(np.float32)))
    return name


def _warn_failed(failed: Dict[str, str], where: str,
                 shown: int = 20) -> None:
    if failed:
        from mmengine.logging import MMLogger
        listed = '\n'.join(f'  {p}: {r}'
                           for p, r in list(failed.items())[:shown])
        more = f'\n  ... and {len(failed) - shown} more' if \
            len(failed) > shown else ''
        MMLogger.get_current_instance().warning(
            f'{len(failed)} video(s) could not be read and were skipped '
            f'(all of them: {where}):\n{listed}{more}')
