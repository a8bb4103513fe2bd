"""OpenCLIP as a video-text backbone.

:class:`CLIPBackbone` loads an OpenCLIP model (a named architecture such as
``'ViT-B-16'`` or a custom architecture given as a dict), loads pretrained
weights (an OpenCLIP tag such as ``'openai'``, a local file, or none), applies a
freezing policy, and encodes

* videos ``[B, T, C, H, W]`` frame by frame: each frame's CLS token goes through
  ``ln_post`` and ``proj``; frame features are L2-normalised, mean-pooled over
  the (unmasked) frames and L2-normalised again (CLIP4Clip mean pooling);
* texts ``[B, L]`` with the positional embedding and causal mask cut to ``L``
  (``max_words``), pooled at the end-of-text token.

Adapters (MV-Adapter, MSTA) are injected into the transformer blocks by
wrapping them; the encoders below call the blocks one by one so a wrapped
block sees the per-video context it needs (number of frames, frame mask).
"""
import hashlib
import os.path as osp
import re
from typing import Dict, Iterable, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from mvadapt.registry import MODELS
from ..adapters.base import FrameContext


#: The oldest OpenCLIP this code runs with: it uses ``VisionTransformer.
#: _embeds`` / ``_pool`` and batch-first transformers, which came with 3.0.
MIN_OPEN_CLIP = (3, 0)


def check_open_clip_version(version: str) -> None:
    """Refuse an OpenCLIP older than :data:`MIN_OPEN_CLIP` with a message
    that says what to do.

    Raises:
        ImportError: ``version`` is older than 3.0.
    """
    parts = []
    for piece in version.split('.')[:2]:
        digits = ''.join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    if tuple(parts) < MIN_OPEN_CLIP:
        need = '.'.join(map(str, MIN_OPEN_CLIP))
        raise ImportError(
            f'mvadapt needs open_clip_torch >= {need}, found {version}: the '
            'backbone uses VisionTransformer._embeds/_pool and batch-first '
            'transformers. Upgrade with: pip install "open_clip_torch>='
            f'{need},<4"')


def _build_open_clip(arch: Union[str, dict], pretrained: Optional[str],
                     cache_dir: Optional[str] = None) -> nn.Module:
    """Build an OpenCLIP ``CLIP`` model and load its weights.

    Args:
        arch (str | dict): An OpenCLIP model name (``'ViT-B-16'``) or the
            keyword arguments of :class:`open_clip.model.CLIP` (``embed_dim``,
            ``vision_cfg``, ``text_cfg``, ``quick_gelu``...).
        pretrained (str, optional): An OpenCLIP pretrained tag (``'openai'``,
            downloads when online), a path to a local checkpoint (an OpenCLIP
            state dict, a ``.safetensors`` file or an OpenAI JIT archive) or
            None for random initialisation.
        cache_dir (str, optional): Where OpenCLIP caches downloads.
    """
    import open_clip
    check_open_clip_version(open_clip.__version__)
    from open_clip.model import CLIP

    if pretrained is not None and not isinstance(pretrained, str):
        raise TypeError(f'clip.pretrained must be a str or None, got '
                        f'{type(pretrained).__name__}')
    is_file = pretrained is not None and (
        osp.sep in pretrained or pretrained.endswith(
            ('.pt', '.pth', '.bin', '.safetensors')))
    if is_file and not osp.isfile(pretrained):
        raise FileNotFoundError(
            f'clip.pretrained: no such file {pretrained!r}. Pass an existing '
            "local checkpoint, an OpenCLIP tag such as 'openai' (needs "
            'network on first use), or None for random weights.')

    if isinstance(arch, dict):
        model = CLIP(**arch)
        if pretrained is not None:
            if not is_file:
                raise ValueError(
                    'A custom (dict) clip.arch needs a local checkpoint file '
                    f'as clip.pretrained, got the tag {pretrained!r}.')
            open_clip.load_checkpoint(model, pretrained)
        return model

    if arch not in open_clip.list_models():
        raise ValueError(f'Unknown OpenCLIP architecture {arch!r}; choose one '
                         'of open_clip.list_models() or give a dict.')
    try:
        # on the current default device (meta when only shapes are wanted,
        # e.g. tools/analysis_tools/count_params.py)
        model = open_clip.create_model(
            arch, pretrained=pretrained, cache_dir=cache_dir,
            device=torch.get_default_device())
    except RuntimeError as e:
        if pretrained is not None and not is_file:
            raise RuntimeError(
                f'Could not load OpenCLIP weights {arch}/{pretrained}: {e}. '
                'Without network access, download the checkpoint elsewhere '
                'and pass its local path as clip.pretrained.') from e
        raise
    return model


@MODELS.register_module()
class CLIPBackbone(nn.Module):
    """OpenCLIP image and text towers used as a per-frame video encoder.

    Args:
        arch (str | dict): OpenCLIP architecture name or a dict of
            :class:`open_clip.model.CLIP` keyword arguments. Defaults to
            ``'ViT-B-16'``.
        pretrained (str, optional): OpenCLIP tag, local file or None.
            Defaults to None.
        max_words (int): Text context used by :meth:`encode_text`; the
            positional embedding and causal mask are cut to this length.
            Defaults to 32.
        frozen (bool): Freeze every CLIP parameter except those matching
            ``trainable``. Defaults to False.
        trainable (Sequence[str]): Regular expressions (``re.search``) of CLIP
            parameter names that stay trainable when ``frozen``; for example
            ``('bias',)`` for BitFit-style bias tuning. Defaults to ().
        train_logit_scale (bool): Whether ``logit_scale`` trains when the rest
            of CLIP trains. Defaults to True.
        grad_checkpointing (bool): Activation checkpointing in both towers
            (each block is recomputed in backward; the vision blocks get the
            frame context video adapters need). Defaults to False.
        cache_dir (str, optional): OpenCLIP download cache. Defaults to None.
    """

    def __init__(self,
                 arch: Union[str, dict] = 'ViT-B-16',
                 pretrained: Optional[str] = None,
                 max_words: int = 32,
                 frozen: bool = False,
                 trainable: Sequence[str] = (),
                 train_logit_scale: bool = True,
                 grad_checkpointing: bool = False,
                 cache_dir: Optional[str] = None) -> None:
        super().__init__()
        self.arch = arch
        self.pretrained = pretrained
        self.clip = _build_open_clip(arch, pretrained, cache_dir)
        if max_words > self.clip.context_length:
            raise ValueError(f'max_words={max_words} exceeds the text '
                             f'context of {arch}: {self.clip.context_length}')
        self.max_words = max_words
        self.frozen = frozen
        self.trainable = tuple(trainable)
        self.train_logit_scale = train_logit_scale
        if grad_checkpointing:
            self.clip.set_grad_checkpointing(True)
        # Read by video adapters: frames per clip and frame mask of the
        # clips being encoded (tokens arrive as [B*T, ...]).
        self.frame_context = FrameContext()
        self.apply_freezing()

    # ------------------------------------------------------------------ setup
    @property
    def embed_dim(self) -> int:
        return self.clip.visual.output_dim

    @property
    def logit_scale(self) -> nn.Parameter:
        return self.clip.logit_scale

    def apply_freezing(self) -> None:
        """Set ``requires_grad`` on CLIP's parameters by the policy."""
        patterns = [re.compile(p) for p in self.trainable]
        for name, param in self.clip.named_parameters():
            if self.frozen:
                param.requires_grad = any(p.search(name) for p in patterns)
            else:
                param.requires_grad = True
        if not self.train_logit_scale or self.frozen:
            self.clip.logit_scale.requires_grad = False
            if getattr(self.clip, 'logit_bias', None) is not None:
                self.clip.logit_bias.requires_grad = False

    def weights_hash(self, frozen_only: bool = False) -> str:
        """SHA-256 over the backbone's weights (names and values).

        Args:
            frozen_only (bool): Hash only the parameters that do not train
                (they never change, so the hash of a trained model equals that
                of the pretrained backbone it started from). Defaults to False.

        Used to refuse loading an adapter onto a different backbone.
        """
        trainable = frozenset(n for n, p in self.clip.named_parameters()
                              if p.requires_grad)
        key = (frozen_only, trainable if frozen_only else None)
        cache = self.__dict__.setdefault('_hash_cache', {})
        if frozen_only and key in cache:  # frozen weights never change
            return cache[key]
        h = hashlib.sha256()
        for name, tensor in sorted(self.clip.state_dict().items()):
            if frozen_only and name in trainable:
                continue
            h.update(name.encode())
            h.update(tensor.detach().to('cpu', torch.float32).numpy()
                     .tobytes())
        if frozen_only:
            cache[key] = h.hexdigest()
        return h.hexdigest()

    # ----------------------------------------------------------------- vision
    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Encode images ``[N, C, H, W]`` to projected CLS features ``[N, D]``.

        Not normalised. Runs OpenCLIP's vision tower block by block, so
        wrapped (adapted) blocks are used.
        """
        visual = self.clip.visual
        x = visual._embeds(frames)  # [N, 1+P, W]
        x = self._vision_blocks(x)
        pooled, _ = visual._pool(x)
        if visual.proj is not None:
            pooled = pooled @ visual.proj
        return pooled

    def _vision_blocks(self, x: torch.Tensor) -> torch.Tensor:
        """Run the vision transformer on ``[N, 1+P, W]`` tokens.

        With activation checkpointing, backward recomputes each block after
        :meth:`encode_video` has cleared the frame context; so the blocks are
        checkpointed here with the frame count and mask as arguments of the
        checkpointed function, which sets the context again when it is
        recomputed.
        """
        transformer = self.clip.visual.transformer
        if not (getattr(transformer, 'grad_checkpointing', False)
                and torch.is_grad_enabled()):
            return transformer(x)
        batch_first = getattr(transformer, 'batch_first', True)
        if not batch_first:
            x = x.transpose(0, 1).contiguous()
        ctx = self.frame_context
        for block in transformer.resblocks:
            x = checkpoint(self._block_in_context, block, x, ctx.num_frames,
                           ctx.mask, use_reentrant=False)
        return x if batch_first else x.transpose(0, 1)

    def _block_in_context(self, block: nn.Module, x: torch.Tensor,
                          num_frames: Optional[int],
                          mask: Optional[torch.Tensor]) -> torch.Tensor:
        """``block(x)`` with the frame context set to ``num_frames`` and
        ``mask`` (restored afterwards); checkpointed by
        :meth:`_vision_blocks`."""
        ctx = self.frame_context
        previous = ctx.num_frames, ctx.mask
        ctx.set(num_frames, mask)
        try:
            return block(x)
        finally:
            ctx.set(*previous)

    def encode_video(self,
                     imgs: torch.Tensor,
                     video_mask: Optional[torch.Tensor] = None,
                     return_frames: bool = False):
        """Encode videos ``[B, T, C, H, W]`` to L2-normalised ``[B, D]``.

        Args:
            imgs (Tensor): Normalised frames ``[B, T, C, H, W]``.
            video_mask (Tensor, optional): ``[B, T]``, 1 for real frames and 0
                for padding. Defaults to all ones.
            return_frames (bool): Also return the normalised per-frame
                features ``[B, T, D]``.
        """
        if imgs.dim() != 5:
            raise ValueError('encode_video expects [B, T, C, H, W], got '
                             f'{tuple(imgs.shape)}')
        b, t = imgs.shape[:2]
        if video_mask is None:
            video_mask = imgs.new_ones(b, t)
        video_mask = video_mask.to(imgs.dtype)
        self.frame_context.set(t, video_mask)
        try:
            frames = self.encode_frames(imgs.flatten(0, 1))  # [B*T, D]
        finally:
            self.frame_context.clear()
        frames = F.normalize(frames, dim=-1).view(b, t, -1)
        pooled = (frames * video_mask.unsqueeze(-1)).sum(1)
        pooled = pooled / video_mask.sum(1, keepdim=True).clamp(min=1.0)
        video = F.normalize(pooled, dim=-1)
        return (video, frames) if return_frames else video

    # ------------------------------------------------------------------- text
    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        """Encode token ids ``[B, L]`` (L <= context) to normalised ``[B, D]``.

        The positional embedding and the causal mask are cut to ``L``; the
        feature is taken at the end-of-text token (the largest token id, as in
        CLIP) after ``ln_final`` and ``text_projection``.
        """
        clip = self.clip
        length = tokens.shape[1]
        if length > clip.context_length:
            raise ValueError(f'text of {length} tokens exceeds the context '
                             f'length {clip.context_length}')
        cast_dtype = clip.transformer.get_cast_dtype()
        x = clip.token_embedding(tokens).to(cast_dtype)  # [B, L, W]
        x = x + clip.positional_embedding[:length].to(cast_dtype)
        attn_mask = clip.attn_mask
        if attn_mask is not None:
            attn_mask = attn_mask[:length, :length]
        x = clip.transformer(x, attn_mask=attn_mask)
        x = clip.ln_final(x)
        if clip.text_pool_type == 'argmax':
            x = x[torch.arange(x.shape[0], device=x.device),
                  tokens.argmax(dim=-1)]
        else:
            from open_clip.transformer import text_global_pool
            x = text_global_pool(x, tokens, clip.text_pool_type,
                                 eos_token_id=getattr(clip, 'text_eos_id',
                                                      None))
        proj = clip.text_projection
        if proj is not None:
            x = proj(x) if isinstance(proj, nn.Linear) else x @ proj
        return F.normalize(x, dim=-1)

    # ------------------------------------------------------------- reporting
    def param_groups_summary(self) -> Dict[str, List[int]]:
        """Trainable / total parameter counts of the vision, text and other
        parts of CLIP."""
        groups: Dict[str, List[int]] = {}
        for name, p in self.clip.named_parameters():
            key = 'vision' if name.startswith('visual.') else (
                'logit' if name.startswith('logit') else 'text')
            g = groups.setdefault(key, [0, 0])
            g[0] += p.numel() if p.requires_grad else 0
            g[1] += p.numel()
        return groups


def count_parameters(module: nn.Module,
                     exclude: Iterable[str] = ()) -> Dict[str, int]:
    """Count trainable and total parameters of ``module``."""
    trainable = total = 0
    for name, p in module.named_parameters():
        if any(name.startswith(e) for e in exclude):
            continue
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return dict(trainable=trainable, total=total)

