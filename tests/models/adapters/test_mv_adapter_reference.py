"""MV-Adapter's adapters compute what the authors' released modules compute.

The reference below re-derives, from the authors' code (github
zhangbw17/MV-Adapter, ``modules/adapter/mv_adapter.py`` ``VideoAdapter`` and
``TextTransfAdapter``, ``modules/module_ta.py`` ``TaModuleV1``), their
forward pass in their own layout: sequence-first tensors ``[L, N, D]``,
attention with an additive -1e6 mask repeated per head, the calibration
``b(ReLU(a(u))) + 1`` with ``a`` biased, and CMT as an elementwise rescaling
of the ``down`` weight's columns (Down-In) or rows (Down-Out). Every
parameter is randomised; the outputs must agree to 1e-5 in float32 with the
MSR-VTT settings (temporal=['c'], mean patch pooling, 12 frames, 2 heads).
"""
import math

import pytest
import torch

from mvadapt.models.adapters import (FrameContext, TemporalAdaptation,
                                     TextAdapter)

SCALE = 0.1


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


def layer_norm(x, ln):
    return torch.nn.functional.layer_norm(x, (x.shape[-1], ), ln.weight,
                                          ln.bias, ln.eps)


def seq_first_block(x, block, heads, additive_mask):
    """Pre-LN block on ``[L, N, d]`` with an additive mask ``[N*h, L, L]``
    (or ``[L, L]``), attention written out by hand."""
    length, n, d = x.shape
    hd = d // heads
    y = layer_norm(x, block.ln_1)
    w, b = block.attn.in_proj_weight, block.attn.in_proj_bias
    q, k, v = (y @ w[i * d:(i + 1) * d].T + b[i * d:(i + 1) * d]
               for i in range(3))

    def split(t):  # [L, N, d] -> [N*h, L, hd]
        return t.reshape(length, n * heads, hd).transpose(0, 1)

    scores = split(q) @ split(k).transpose(1, 2) / math.sqrt(hd)
    scores = scores + additive_mask
    attn = torch.softmax(scores, dim=-1) @ split(v)  # [N*h, L, hd]
    attn = attn.transpose(0, 1).reshape(length, n, d)
    x = x + attn @ block.attn.out_proj.weight.T + block.attn.out_proj.bias
    h = layer_norm(x, block.ln_2)
    h = quick_gelu(h @ block.mlp.c_fc.weight.T + block.mlp.c_fc.bias)
    return x + h @ block.mlp.c_proj.weight.T + block.mlp.c_proj.bias


def cmt_down_weight(adapter, factor, position):
    w = adapter.down.weight
    if position is None:
        return w
    beta = factor @ adapter.tied.md_proj.weight.T + adapter.tied.md_proj.bias
    if position == 'down_in':
        return torch.einsum('i,oi->oi', beta, w)
    return torch.einsum('o,oi->oi', beta, w)


def authors_video_adapter(m, x, frame_mask, factor, position, heads=2):
    """``VideoAdapter.forward`` with temporal=['c'], pca=False: ``x``
    ``[1+P, B*F, D]`` -> ``[1+P, B*F, D]`` (scale included)."""
    b, f = frame_mask.shape
    d = m.down.out_features
    down = quick_gelu(x @ cmt_down_weight(m, factor, position).T + m.down.bias)
    cls_down = down[0].reshape(b, f, d)
    patch_down = down[1:].reshape(-1, b, f, d)
    patch_mean = patch_down.mean(dim=0)
    cc = m.cc + torch.zeros(b, 1, d)
    seq = torch.cat([cc, cls_down, patch_mean], dim=1)
    seq = layer_norm(seq + m.pos_embed[:seq.shape[1]], m.ln).permute(1, 0, 2)
    keep = torch.cat([torch.ones(b, 1), frame_mask.repeat(1, 2)], dim=1)
    mask = ((1.0 - keep[:, None, :]) * -1000000.0).expand(-1, keep.shape[1],
                                                          -1)
    mask = mask.repeat_interleave(heads, dim=0)
    seq = quick_gelu(seq_first_block(seq, m.block, heads, mask).permute(
        1, 0, 2))
    cc_t, cls_t, patch_t = seq[:, 0], seq[:, 1:f + 1], seq[:, f + 1:]
    patch_up = torch.einsum('pbfi,oi->pbfo', patch_down, m.up.weight)
    patch_up = patch_up.reshape(patch_down.shape[0], -1, m.up.out_features)
    patch_up = patch_up + m.up.bias
    u = torch.cat([cls_t + patch_t,
                   (cc_t @ m.g.weight.T + m.g.bias)[:, None].expand(-1, f, -1)],
                  dim=-1)
    u = torch.einsum('bsc,bs->bsc', u, frame_mask)
    alpha = torch.relu(u @ m.fc1.weight.T + m.fc1.bias) @ m.fc2.weight.T + 1
    cls_up = torch.einsum('bfi,oi,bfi->bfo', alpha, m.up.weight, cls_t)
    cls_up = (cls_up + m.up.bias).reshape(1, -1, m.up.out_features)
    return SCALE * torch.cat([cls_up, patch_up])


def authors_text_adapter(m, x, factor, position, heads=2):
    """``TextTransfAdapter.forward`` with attn_type='uni': ``x`` ``[L, B, D]``
    (L = max_words) -> ``[L, B, D]`` (scale included)."""
    down = x @ cmt_down_weight(m, factor, position).T + m.down.bias
    down = layer_norm(down + m.pos_embed[:, None], m.ln)
    length = down.shape[0]
    causal = torch.full((length, length), float('-inf')).triu_(1)
    down = quick_gelu(seq_first_block(down, m.block, heads, causal))
    return SCALE * (down @ m.up.weight.T + m.up.bias)


def randomise(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(0.3 * torch.randn(p.shape, generator=g))


@pytest.mark.parametrize('position', [None, 'down_in', 'down_out'])
def test_video_adapter_matches_the_authors(position):
    b, f, patches, width = 2, 12, 9, 48
    ctx = FrameContext()
    ours = TemporalAdaptation(width, 16, max_frames=12, heads=2,
                              cmt_position=position, factor_dim=8,
                              context=ctx)
    randomise(ours, 0)
    factor = 0.5 * torch.randn(8, generator=torch.Generator().manual_seed(1))
    x = torch.randn(1 + patches, b * f, width,
                    generator=torch.Generator().manual_seed(2))
    frame_mask = torch.ones(b, f)
    frame_mask[1, 9:] = 0  # the second video has 9 real frames
    ctx.set(f, frame_mask)
    with torch.no_grad():
        got = SCALE * ours(x.transpose(0, 1), factor).transpose(0, 1)
        ref = authors_video_adapter(ours, x, frame_mask, factor, position)
    torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-5)
    assert ref.abs().mean() > 1e-2  # a real, non-trivial output


@pytest.mark.parametrize('position', [None, 'down_in', 'down_out'])
def test_text_adapter_matches_the_authors(position):
    length, b, width = 32, 3, 40
    ours = TextAdapter(width, 16, max_words=length, heads=2,
                       cmt_position=position, factor_dim=8)
    randomise(ours, 3)
    factor = 0.5 * torch.randn(8, generator=torch.Generator().manual_seed(4))
    x = torch.randn(length, b, width,
                    generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        got = SCALE * ours(x.transpose(0, 1), factor).transpose(0, 1)
        ref = authors_text_adapter(ours, x, factor, position)
    torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-5)
    assert ref.abs().mean() > 1e-2
