"""Tokenise captions with OpenCLIP's tokenizer."""
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

    Args:
        max_words (int): Context length in tokens, start/end tokens included.
            Defaults to 32.
        arch (str, optional): An OpenCLIP model name whose tokenizer to use
            (``open_clip.get_tokenizer``); None uses CLIP's BPE tokenizer.
            Defaults to None.
    """

    def __init__(self, max_words: int = 32, arch: Optional[str] = None):
        import open_clip
        self.max_words = max_words
        self.arch = arch
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
        tokens = self.tokenizer(captions, context_length=self.max_words)
        results['text'] = torch.as_tensor(tokens, dtype=torch.long)
        results['raw_text'] = captions
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_words={self.max_words}, '
                f'arch={self.arch})')
