"""Video-text retrieval dataset in MMAction2's JSON format."""
import json
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Union

from mmaction.datasets import BaseActionDataset
from mmengine.logging import MMLogger

from mvadapt.registry import DATASETS

from .frame_cache import FrameCacheError, FrameCacheMixin


class AnnotationError(ValueError):
    """A malformed annotation file; the message names the file and entry."""


def load_video_text_json(path: str) -> Dict[str, List[str]]:
    """Load and validate ``{video: [captions]}`` (MMAction2's format).

    Raises:
        FileNotFoundError: the file does not exist.
        AnnotationError: not JSON, not a mapping, a video listed twice, a
            value that is not a non-empty list of non-empty strings.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'Annotation file not found: {path}. Check data_root/ann_file in '
            'the config, or generate it (see docs/data_preparation.md).')

    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise AnnotationError(
                    f'{path}: video {key!r} is listed twice; merge its '
                    'captions into one list.')
            seen[key] = value
        return seen

    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise AnnotationError(f'{path}: not valid JSON ({e}).') from e
    if not isinstance(data, dict):
        raise AnnotationError(
            f'{path}: expected a JSON object {{"video.mp4": ["caption", ...]}}'
            f', got {type(data).__name__}.')
    if not data:
        raise AnnotationError(f'{path}: no videos listed.')
    for video, captions in data.items():
        if not isinstance(captions, list) or not captions:
            raise AnnotationError(
                f'{path}: video {video!r} must map to a non-empty list of '
                f'captions, got {captions!r}.')
        for i, caption in enumerate(captions):
            if not isinstance(caption, str) or not caption.strip():
                raise AnnotationError(
                    f'{path}: video {video!r}, caption {i} is empty or not a '
                    f'string: {caption!r}.')
    return data


@DATASETS.register_module()
class RetrievalDataset(FrameCacheMixin, BaseActionDataset):
    """Video-text retrieval dataset reading MMAction2's video-text JSON.

    The annotation file maps each video (path relative to
    ``data_prefix['video']``) to a list of captions, so files written by
    MMAction2's data tools work unchanged.

    * Training (``test_mode=False``): one sample per caption.
    * Evaluation (``test_mode=True``): one sample per video carrying all its
      captions (``text`` is a list), so no video is encoded twice; the metric
      ranks every caption against every video.
    * ``join_captions=True``: a video's captions are joined into one paragraph
      (the DiDeMo / ActivityNet paragraph-to-video protocol), in both modes.

    A video that is missing or cannot be decoded during training is logged by
    name, counted and replaced by another random sample (at most
    ``max_refetch`` retries per item); training stops with an error once more
    than ``max_failed_fraction`` of the videos failed. During evaluation every
    video must exist (checked when the dataset loads) and a decoding failure
    is an error: a benchmark with silently dropped videos is a different
    benchmark. A missing, stale or partial frame cache (``frame_cache``) is
    always an error.

    Args:
        ann_file (str): Path to the JSON annotation file.
        pipeline (list): Data transforms.
        data_prefix (dict): ``dict(video=folder)``. Defaults to
            ``dict(video='')``.
        test_mode (bool): Evaluation layout. Defaults to False.
        join_captions (bool): Paragraph mode. Defaults to False.
        max_failed_fraction (float): Fraction of videos allowed to fail in
            training before stopping. Defaults to 0.01.
        check_files (bool): In test mode, check that every video exists when
            the dataset loads. Defaults to True.
        max_refetch (int): Retries for a failed training sample. Defaults
            to 10.
        frame_cache (str | dict, optional): Read frames from this frame cache
            (``tools/data/build_frame_cache.py``) instead of decoding: a
            folder (relative to ``data_root`` if one is set) or
            ``dict(dir=folder, fps=K)``. Defaults to None (decode).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]],
                 data_prefix: dict = dict(video=''),
                 test_mode: bool = False,
                 join_captions: bool = False,
                 max_failed_fraction: float = 0.01,
                 check_files: bool = True,
                 max_refetch: int = 10,
                 frame_cache: Optional[Union[str, dict]] = None,
                 **kwargs) -> None:
        self.join_captions = join_captions
        self.max_failed_fraction = max_failed_fraction
        self.check_files = check_files
        self.failed_videos: Dict[str, str] = {}
        self.num_videos = 0
        pipeline = self._frame_cache_pipeline(pipeline, frame_cache,
                                              kwargs.get('data_root'))
        super().__init__(ann_file, pipeline=pipeline, data_prefix=data_prefix,
                         test_mode=test_mode, max_refetch=max_refetch,
                         **kwargs)
        # metrics resolve their relative files (subsets, twins) against it
        self._metainfo['data_root'] = self.data_root

    #: The ``data_prefix`` key of the media folder.
    prefix_key = 'video'

    def load_data_list(self) -> List[dict]:
        data = load_video_text_json(self.ann_file)
        prefix = self.data_prefix.get(self.prefix_key, '')
        self.num_videos = len(data)
        data_list = []
        for video_idx, (video, captions) in enumerate(data.items()):
            filename = osp.join(prefix, video)
            if self.join_captions:
                captions = [' '.join(c.strip() for c in captions)]
            base = dict(filename=filename, video_key=video,
                        video_idx=video_idx)
            if self.test_mode:
                data_list.append(dict(base, text=list(captions)))
            else:
                for i, caption in enumerate(captions):
                    data_list.append(dict(base, text=caption,
                                          caption_idx=i))
        if self.test_mode and self.check_files:
            missing = [d['filename'] for d in data_list
                       if not osp.isfile(d['filename'])]
            if missing:
                shown = ', '.join(missing[:5])
                raise FileNotFoundError(
                    f'{len(missing)} of {len(data_list)} videos listed in '
                    f'{self.ann_file} are missing (first: {shown}). '
                    'Evaluation needs every video; restore them or fix the '
                    'annotation file.')
        return data_list

    def prepare_data(self, idx: int):
        if self.test_mode:
            try:
                return super().prepare_data(idx)
            except FrameCacheError:
                raise
            except Exception as e:
                filename = self.get_data_info(idx)['filename']
                raise RuntimeError(
                    f'Failed to load evaluation video {filename}: {e}') from e
        try:
            return super().prepare_data(idx)
        except FrameCacheError:  # the cache, not this video, is at fault
            raise
        except Exception as e:  # a missing or corrupt video
            info = self.get_data_info(idx)
            self._record_failure(info['filename'], e)
            return None  # BaseDataset fetches another random sample

    #: Folder where every data-loader process appends its failed videos
    #: (set by :class:`~mvadapt.engine.hooks.FailedVideosHook` before the
    #: workers start), so the hook can count them over all workers and
    #: ranks and log one summary per epoch.
    failure_log: Optional[str] = None

    def _record_failure(self, filename: str, error: Exception) -> None:
        message = f'{type(error).__name__}: {error}'
        first = filename not in self.failed_videos
        self.failed_videos[filename] = message
        if self.failure_log is not None:
            os.makedirs(self.failure_log, exist_ok=True)
            with open(osp.join(self.failure_log, f'{os.getpid()}.jsonl'),
                      'a', encoding='utf-8') as f:
                f.write(json.dumps(dict(filename=filename,
                                        error=message)) + '\n')
        if first:  # each video is reported once per process
            MMLogger.get_current_instance().warning(
                f'Skipping unreadable training video {filename} '
                f'({message}); {len(self.failed_videos)} failed in this '
                'data-loader process so far.')
        allowed = self.max_failed_fraction * max(self.num_videos, 1)
        if len(self.failed_videos) > allowed:
            listing = '\n'.join(f'  {k}: {v}' for k, v in
                                list(self.failed_videos.items())[:10])
            raise RuntimeError(
                f'{len(self.failed_videos)} of {self.num_videos} training '
                f'videos in {self.ann_file} failed to load (more than '
                f'max_failed_fraction={self.max_failed_fraction}):\n'
                f'{listing}\nRepair or remove them, or raise '
                'max_failed_fraction.')
