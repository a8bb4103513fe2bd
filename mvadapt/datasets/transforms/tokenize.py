"""Tokenise captions with OpenCLIP's tokenizer."""
from collections import OrderedDict
from typing import Optional

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mvadapt.registry import TRANSFORMS


@TRANSFORMS.register_module()
class OpenCLIPTokenize(BaseTransform):
    """Turn ``results['text']`` (a caption or a list of captions) into token
    ids ``[n, max_words]`` (``n`` = number of captions).

    Captions longer than ``max_words`` tokens are truncated and still end
    with the end-of-text token, so the CLIP text feature is well defined.
    Works offline: the BPE vocabulary ships with OpenCLIP.

    Each caption's tokens are remembered (least recently used first out), so
    a caption met again in a later epoch, or shared by several videos, is
    not tokenised again: the same ids, without the BPE's cost (a quarter of
    a millisecond a caption on a 2-core CPU, a third of the demo's
    pretraining data time). The memo lives in the process that runs the
    pipeline: with ``num_workers=0`` for the whole run, with data-loader
    workers only as long as they do (``persistent_workers=True``; otherwise
    each epoch's workers start from the main process's memo). A tokenizer
    that drops tokens at random to fit (OpenCLIP's ``reduction_mask``) is
    not memoised: each call draws anew.

    Args:
        max_words (int): Context length in tokens, start/end tokens included.
            Defaults to 32.
        arch (str, optional): An OpenCLIP model name whose tokenizer to use
            (``open_clip.get_tokenizer``); None uses CLIP's BPE tokenizer.
            Defaults to None.
        cache_size (int): How many captions' tokens to remember (per
            data-loader worker); 0 turns the memo off. Defaults to 100000
            (about 33 MB at 32 tokens besides the captions: NumPy rows; a
            tensor a row took 1.3 kB, and a shared-memory file descriptor
            each when the transform was pickled to a spawned worker).
    """

    def __init__(self, max_words: int = 32, arch: Optional[str] = None,
                 cache_size: int = 100000):
        import open_clip
        self.max_words = max_words
        self.arch = arch
        self.cache_size = int(cache_size)
        self._memo: 'OrderedDict[str, np.ndarray]' = OrderedDict()
        if arch is None:
            self.tokenizer = open_clip.tokenizer.SimpleTokenizer(
                context_length=max_words)
        else:
            self.tokenizer = open_clip.get_tokenizer(
                arch, context_length=max_words)
        if getattr(self.tokenizer, 'reduction_fn', None) is not None:
            self.cache_size = 0  # random token dropping: nothing to remember

    def transform(self, results: dict) -> dict:
        text = results['text']
        captions = [text] if isinstance(text, str) else list(text)
        if not captions or not all(isinstance(c, str) for c in captions):
            raise ValueError('OpenCLIPTokenize expects a caption or a '
                             f'non-empty list of captions, got {text!r} '
                             f"for {results.get('filename', 'a sample')}")
        results['text'] = torch.from_numpy(
            np.stack([self._tokens(c) for c in captions]))
        results['raw_text'] = captions
        return results

    def _tokens(self, caption: str) -> np.ndarray:
        """The ids of one caption ``[max_words]`` (int64, read-only), from
        the memo when there."""
        memo = self._memo
        row = memo.get(caption)
        if row is not None:
            memo.move_to_end(caption)
            return row
        row = torch.as_tensor(
            self.tokenizer([caption], context_length=self.max_words)[0],
            dtype=torch.long).numpy().copy()
        row.setflags(write=False)
        if self.cache_size > 0:
            memo[caption] = row
            if len(memo) > self.cache_size:
                memo.popitem(last=False)
        return row

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_words={self.max_words}, '
                f'arch={self.arch})')
