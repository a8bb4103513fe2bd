"""Text-video retrieval metric for MMEngine evaluators."""
import json
import os.path as osp
from collections.abc import Mapping
from typing import Any, Dict, List, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mvadapt.registry import METRICS
from ..functional.retrieval import (V2T_PROTOCOLS, feature_retrieval_ranks,
                                    metrics_from_ranks, summarize_ranks)


def _get_field(sample: Any, key: str) -> Any:
    """Read ``key`` from a data sample given as a data element or a dict.

    ``mmengine.evaluator.Evaluator`` passes data elements converted with
    ``to_dict()`` (data and metainfo fields flattened into one dict); a model
    may also hand the metric data elements directly. Both expose ``.get``.
    """
    if isinstance(sample, Mapping):
        value = sample.get(key)
        if value is None and isinstance(sample.get('metainfo'), Mapping):
            value = sample['metainfo'].get(key)
        return value
    if hasattr(sample, 'get'):
        return sample.get(key)
    return getattr(sample, key, None)


@METRICS.register_module()
class RetrievalMetric(BaseMetric):
    """Text-to-video and video-to-text retrieval metric (multi-caption aware).

    The model, in predict mode, returns one data sample per **video** with

    * ``video_feature``: Tensor ``[D]``, the L2-normalised video embedding;
    * ``text_feature``: Tensor ``[n_i, D]``, the L2-normalised embeddings of
      the video's ``n_i >= 1`` captions, in annotation order;
    * metainfo ``video_key``: str, the annotation key (e.g.
      ``'video7010.mp4'``).

    Features are used as given (not re-normalised): the score of caption
    ``t`` and video ``v`` is their dot product. All captions are ranked
    against all videos; see
    :func:`mvadapt.evaluation.functional.retrieval_metrics` for the exact
    rank definitions (ties count against the model; a video's V2T rank is
    the best rank among its own captions). Reported keys (before the
    ``retrieval/`` prefix): ``t2v/{R1,R5,R10,MdR,MnR}``,
    ``v2t/{R1,R5,R10,MdR,MnR}`` and ``rsum``.

    With ``twin_file``, the metric also reports ``twin/acc``: for every video
    ``v`` with a time-reversed twin ``v'`` (the same content played backwards,
    captioned with the same template and the reversed motion), the percentage
    of videos whose own first caption scores higher than the twin's first
    caption (a tie counts against the model). A frame-order-invariant model
    (mean pooling) encodes ``v`` and ``v'`` identically, so exactly one of
    each pair is right: it scores 50 % by construction. ``twin/n`` is the
    number of videos it averages over.

    With ``subset_file``, for every subset ``name`` the metric also reports
    ``name/t2v/*`` averaged over only the subset's captions (each still
    ranked against the full gallery) and ``name/v2t/*`` over the subset's
    videos (each ranked as above).

    Args:
        subset_file (str, optional): Path of a JSON file
            ``{"<subset name>": {"<video key>": [caption indices]}}``; caption
            indices refer to the video's captions in annotation order. A
            relative path is taken relative to the evaluated dataset's
            ``data_root`` (resolved when evaluation starts, so it follows a
            data-root override), else to the working directory. Defaults to
            None (no subsets).
        twin_file (str, optional): Path of a JSON file
            ``{"<video key>": "<twin video key>"}`` (MovingShapes writes
            ``retrieval_{val,test}_twins.json``), resolved like
            ``subset_file``. Defaults to None.
        v2t_protocol (str): ``'video'`` (default; CLIP4Clip and the
            MV-Adapter authors: every video competes with its best-scoring
            caption, the protocol of the papers' MSVD V2T numbers) or
            ``'caption'`` (COCO style: the best own caption among all
            captions). Both agree with one caption per video.
        collect_device (str): Device used to collect results across ranks,
            ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names; defaults to
            :attr:`default_prefix` (``'retrieval'``) when None.
        collect_dir (str, optional): Temporary directory for collecting
            results across ranks when ``collect_device='cpu'``. Defaults to
            None.
    """

    default_prefix = 'retrieval'

    def __init__(self,
                 subset_file: Optional[str] = None,
                 v2t_protocol: str = 'video',
                 twin_file: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        if v2t_protocol not in V2T_PROTOCOLS:
            raise ValueError(f'RetrievalMetric: v2t_protocol must be one of '
                             f'{V2T_PROTOCOLS}, got {v2t_protocol!r}')
        self.v2t_protocol = v2t_protocol
        self.subset_file = subset_file
        self.twin_file = twin_file
        self.subsets: Dict[str, Dict[str, List[int]]] = {}
        self.twins: Dict[str, str] = {}
        self._files_loaded = False
        if all(p is None or osp.isabs(p) for p in (subset_file, twin_file)):
            self._load_files(None)  # fail early on a bad absolute path

    def _resolve(self, path: str, data_root: Optional[str]) -> str:
        """A relative ``subset_file`` / ``twin_file`` is taken relative to
        the evaluated dataset's ``data_root`` (known at run time, so it
        follows a ``--cfg-options ...data_root=`` override), else to the
        working directory."""
        if osp.isabs(path) or not data_root:
            return path
        under_root = osp.join(data_root, path)
        if osp.isfile(under_root) or not osp.isfile(path):
            return under_root
        return path

    def _load_files(self, data_root: Optional[str]) -> None:
        if self.subset_file is not None:
            self.subsets = self._load_subsets(
                self._resolve(self.subset_file, data_root))
        if self.twin_file is not None:
            self.twins = self._load_twins(
                self._resolve(self.twin_file, data_root))
        self._files_loaded = True

    @BaseMetric.dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        """Set by the evaluation loop before it starts: load the subset and
        twin files relative to the dataset's ``data_root`` now, so that a
        bad path fails before any video is encoded."""
        self._dataset_meta = dataset_meta
        self._load_files((dataset_meta or {}).get('data_root'))

    @staticmethod
    def _load_twins(path: str) -> Dict[str, str]:
        """Load and validate ``{video key: twin video key}`` (symmetric)."""
        if not osp.isfile(path):
            raise FileNotFoundError(f'twin_file {path!r} does not exist')
        with open(path, encoding='utf-8') as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(
                    f'twin_file {path!r} is not valid JSON: {e}') from e
        if not isinstance(data, dict) or not all(
                isinstance(k, str) and isinstance(v, str)
                for k, v in data.items()):
            raise ValueError(f'twin_file {path!r} must hold a JSON object '
                             '{"<video key>": "<twin video key>"}')
        for key, twin in data.items():
            if twin == key or data.get(twin) != key:
                raise ValueError(
                    f'twin_file {path!r}: {key!r} -> {twin!r} is not a '
                    'symmetric pair (the twin must map back to the video)')
        return data

    @staticmethod
    def _load_subsets(path: str) -> Dict[str, Dict[str, List[int]]]:
        """Load and validate the structure of a subset file.

        Args:
            path (str): Path of the JSON subset file.

        Returns:
            dict[str, dict[str, list[int]]]: Subset name -> video key ->
            caption indices.
        """
        if not osp.isfile(path):
            raise FileNotFoundError(f'subset_file {path!r} does not exist')
        with open(path, encoding='utf-8') as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(
                    f'subset_file {path!r} is not valid JSON: {e}') from e
        if not isinstance(data, dict):
            raise ValueError(
                f'subset_file {path!r} must hold a JSON object '
                '{"<subset name>": {"<video key>": [caption indices]}}, got '
                f'{type(data).__name__}')
        subsets = {}
        for name, videos in data.items():
            if not isinstance(videos, dict) or not videos:
                raise ValueError(
                    f'subset {name!r} in subset_file {path!r} must be a '
                    'non-empty object {"<video key>": [caption indices]}')
            subset = {}
            for key, indices in videos.items():
                if (not isinstance(indices, list) or not indices or not all(
                        isinstance(i, int) and not isinstance(i, bool)
                        and i >= 0 for i in indices)):
                    raise ValueError(
                        f'subset {name!r}, video {key!r} in subset_file '
                        f'{path!r}: expected a non-empty list of caption '
                        f'indices (ints >= 0), got {indices!r}')
                if len(set(indices)) != len(indices):
                    raise ValueError(
                        f'subset {name!r}, video {key!r} in subset_file '
                        f'{path!r}: duplicate caption indices {indices!r}')
                subset[key] = list(indices)
            subsets[name] = subset
        return subsets

    def process(self, data_batch: Any,
                data_samples: Sequence[Any]) -> None:
        """Store the features and key of each video of a batch.

        Args:
            data_batch (Any): A batch from the dataloader (unused).
            data_samples (Sequence[BaseDataElement | dict]): The model's
                outputs, one per video, with ``video_feature`` ``[D]``,
                ``text_feature`` ``[n_i, D]`` and metainfo ``video_key``.
        """
        for sample in data_samples:
            key = _get_field(sample, 'video_key')
            video = _get_field(sample, 'video_feature')
            text = _get_field(sample, 'text_feature')
            if key is None:
                raise KeyError(
                    'RetrievalMetric: a data sample has no metainfo '
                    "'video_key'; the model must set it in predict mode")
            for name, value in (('video_feature', video),
                                ('text_feature', text)):
                if not isinstance(value, torch.Tensor):
                    raise KeyError(
                        f'RetrievalMetric: data sample {key!r} has no tensor '
                        f'field {name!r} (got {type(value).__name__})')
            if video.ndim != 1:
                raise ValueError(
                    f'RetrievalMetric: video_feature of {key!r} must be '
                    f'[D], got shape {tuple(video.shape)}')
            if text.ndim != 2 or text.shape[0] < 1:
                raise ValueError(
                    f'RetrievalMetric: text_feature of {key!r} must be '
                    f'[n_captions >= 1, D], got shape {tuple(text.shape)}')
            if text.shape[1] != video.shape[0]:
                raise ValueError(
                    f'RetrievalMetric: feature size mismatch for {key!r}: '
                    f'video_feature has D={video.shape[0]}, text_feature '
                    f'has D={text.shape[1]}')
            self.results.append(
                dict(
                    video_key=str(key),
                    video_feature=video.detach().to(
                        'cpu', torch.float32).clone(),
                    text_feature=text.detach().to('cpu',
                                                  torch.float32).clone()))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Rank all captions against all videos and summarise.

        Args:
            results (list[dict]): The processed results of all videos, in
                dataset order.

        Returns:
            dict[str, float]: The metrics (see the class docstring).
        """
        if not results:
            raise ValueError('RetrievalMetric got no results to evaluate')
        if not self._files_loaded:
            self._load_files((self.dataset_meta or {}).get('data_root'))
        positions: Dict[str, int] = {}
        text_to_video = []
        caption_offsets = []
        n_texts = 0
        for i, res in enumerate(results):
            key = res['video_key']
            if key in positions:
                raise ValueError(
                    f'RetrievalMetric: video key {key!r} appears twice in the '
                    f'results (positions {positions[key]} and {i}); each '
                    'video must be evaluated exactly once')
            positions[key] = i
            n_i = res['text_feature'].shape[0]
            caption_offsets.append(n_texts)
            text_to_video.extend([i] * n_i)
            n_texts += n_i

        video = torch.stack([res['video_feature'] for res in results])
        text = torch.cat([res['text_feature'] for res in results])
        MMLogger.get_current_instance().info(
            f'RetrievalMetric: n_videos={len(results)}, n_texts={n_texts}, '
            f'V2T protocol: {self.v2t_protocol!r}')
        t2v_ranks, v2t_ranks = feature_retrieval_ranks(
            text.numpy(), video.numpy(), text_to_video, self.v2t_protocol)
        metrics = metrics_from_ranks(t2v_ranks, v2t_ranks)
        if self.twins:
            metrics.update(self._twin_accuracy(results, positions))
        for name, subset in self.subsets.items():
            text_idx, video_idx = [], []
            for key, indices in subset.items():
                if key not in positions:
                    raise KeyError(
                        f'subset {name!r} in subset_file '
                        f'{self.subset_file!r} names video {key!r}, which '
                        'is not among the evaluated videos (unknown key, or '
                        'evaluation ran on part of the data)')
                v = positions[key]
                n_i = results[v]['text_feature'].shape[0]
                for j in indices:
                    if j >= n_i:
                        raise IndexError(
                            f'subset {name!r} in subset_file '
                            f'{self.subset_file!r}: caption index {j} of '
                            f'video {key!r} is out of range (the video has '
                            f'{n_i} captions)')
                    text_idx.append(caption_offsets[v] + j)
                video_idx.append(v)
            metrics.update(summarize_ranks(t2v_ranks[text_idx], f'{name}/t2v'))
            metrics.update(
                summarize_ranks(v2t_ranks[video_idx], f'{name}/v2t'))
        return metrics

    def _twin_accuracy(self, results: List[dict],
                       positions: Dict[str, int]) -> Dict[str, float]:
        """``twin/acc``: own first caption scored above the twin's."""
        correct = []
        for key, twin in self.twins.items():
            for k in (key, twin):
                if k not in positions:
                    raise KeyError(
                        f'twin_file {self.twin_file!r} names video {k!r}, '
                        'which is not among the evaluated videos (unknown '
                        'key, or evaluation ran on part of the data)')
            video = results[positions[key]]['video_feature']
            own = results[positions[key]]['text_feature'][0] @ video
            other = results[positions[twin]]['text_feature'][0] @ video
            correct.append(bool(own > other))
        return {'twin/acc': 100.0 * sum(correct) / len(correct),
                'twin/n': float(len(correct))}
