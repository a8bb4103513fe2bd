"""Tokenise captions with OpenCLIP's tokenizer."""
from collections import OrderedDict
from typing import Optional

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
    pretraining data time).

    Args:
        max_words (int): Context length in tokens, start/end tokens included.
            Defaults to 32.
        arch (str, optional): An OpenCLIP model name whose tokenizer to use
            (``open_clip.get_tokenizer``); None uses CLIP's BPE tokenizer.
            Defaults to None.
        cache_size (int): How many captions' tokens to remember (per
            data-loader worker); 0 turns the memo off. Defaults to 100000
            (about 25 MB at 32 tokens).
    """

    def __init__(self, max_words: int = 32, arch: Optional[str] = None,
                 cache_size: int = 100000):
        import open_clip
        self.max_words = max_words
        self.arch = arch
        self.cache_size = int(cache_size)
        self._memo: 'OrderedDict[str, torch.Tensor]' = OrderedDict()
        if arch is None:
            self.tokenizer = open_clip.tokenizer.SimpleTokenizer(
                context_length=max_words)
        else:
            self.tokenizer = open_clip.get_tokenizer(
                arch, context_length=max_words)

    def transform(self, results: dict) -> dict:
        text = results['text']
        captions = [text] if isinstance(text, str) else list(text)
        if not captions or not all(isinstance(c, str) for c in captions):
            raise ValueError('OpenCLIPTokenize expects a caption or a '
                             f'non-empty list of captions, got {text!r} '
                             f"for {results.get('filename', 'a sample')}")
        results['text'] = torch.stack([self._tokens(c) for c in captions])
        results['raw_text'] = captions
        return results

    def _tokens(self, caption: str) -> torch.Tensor:
        """The ids of one caption ``[max_words]``, from the memo when
        there."""
        memo = self._memo
        row = memo.get(caption)
        if row is not None:
            memo.move_to_end(caption)
            return row
        row = torch.as_tensor(
            self.tokenizer([caption], context_length=self.max_words)[0],
            dtype=torch.long)
        if self.cache_size > 0:
            memo[caption] = row
            if len(memo) > self.cache_size:
                memo.popitem(last=False)
        return row

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_words={self.max_words}, '
                f'arch={self.arch})')
