import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from mvadapt.models.losses import SymmetricInfoNCELoss
from mvadapt.models.utils import all_gather_with_grad


def test_matches_hand_computation():
    text = F.normalize(torch.tensor([[1.0, 0.0], [0.6, 0.8]]), dim=-1)
    video = F.normalize(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), dim=-1)
    scale = torch.tensor(0.0)  # exp(0) = 1
    loss = SymmetricInfoNCELoss()(text, video, scale)['loss']
    sim = text @ video.t()  # [[1, 0], [0.6, 0.8]]
    t2v = -(torch.log_softmax(sim, 1).diagonal()).mean()
    v2t = -(torch.log_softmax(sim.t(), 1).diagonal()).mean()
    assert torch.allclose(loss, (t2v + v2t) / 2)


def test_logit_scale_is_clamped_at_100():
    t = F.normalize(torch.randn(4, 8), dim=-1)
    v = F.normalize(torch.randn(4, 8), dim=-1)
    loss = SymmetricInfoNCELoss()
    big = loss(t, v, torch.tensor(10.0))['loss']
    at_cap = loss(t, v, torch.log(torch.tensor(100.0)))['loss']
    assert torch.allclose(big, at_cap)


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match='pair up'):
        SymmetricInfoNCELoss()(torch.randn(3, 4), torch.randn(2, 4),
                               torch.tensor(1.0))


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _make_problem():
    g = torch.Generator().manual_seed(0)
    text_enc = torch.nn.Linear(6, 4)
    video_enc = torch.nn.Linear(10, 4)
    with torch.no_grad():
        for p in list(text_enc.parameters()) + list(video_enc.parameters()):
            p.copy_(torch.randn(p.shape, generator=g))
    x_text = torch.randn(8, 6, generator=g)
    x_video = torch.randn(8, 10, generator=g)
    scale = torch.nn.Parameter(torch.tensor(2.0))
    return text_enc, video_enc, scale, x_text, x_video


def _loss_and_grads(text_enc, video_enc, scale, xt, xv, gather_grad='global'):
    t = F.normalize(text_enc(xt), dim=-1)
    v = F.normalize(video_enc(xv), dim=-1)
    loss = SymmetricInfoNCELoss(gather_grad=gather_grad)(t, v, scale)['loss']
    loss.backward()
    params = list(text_enc.parameters()) + list(video_enc.parameters())
    return loss.detach(), [p.grad.clone() for p in params], scale.grad.clone()


def _worker(rank, world, port, sizes, out_path, gather_grad='global'):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world)
    text_enc, video_enc, scale, xt, xv = _make_problem()
    start = sum(sizes[:rank])
    sl = slice(start, start + sizes[rank])
    loss, grads, scale_grad = _loss_and_grads(text_enc, video_enc, scale,
                                              xt[sl], xv[sl], gather_grad)
    # What DDP does: average parameter gradients over ranks.
    for g in grads + [scale_grad]:
        dist.all_reduce(g)
        g /= world
    if rank == 0:
        torch.save(dict(loss=loss, grads=grads, scale_grad=scale_grad),
                   out_path)
    dist.destroy_process_group()


@pytest.mark.parametrize('sizes', [(4, 4), (5, 3)])
def test_two_processes_equal_one_process(tmp_path, sizes):
    """2 ranks (gloo, CPU) with half batches each = 1 process, full batch."""
    text_enc, video_enc, scale, xt, xv = _make_problem()
    ref_loss, ref_grads, ref_scale_grad = _loss_and_grads(
        text_enc, video_enc, scale, xt, xv)
    out = str(tmp_path / 'dist.pt')
    mp.spawn(_worker, args=(2, _free_port(), list(sizes), out), nprocs=2,
             join=True)
    got = torch.load(out)
    torch.testing.assert_close(got['loss'], ref_loss)
    for g, r in zip(got['grads'], ref_grads):
        torch.testing.assert_close(g, r, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(got['scale_grad'], ref_scale_grad,
                               rtol=1e-5, atol=1e-6)


def test_local_gather_grad_is_clip4clips(tmp_path):
    """CLIP4Clip's / the MV-Adapter authors' gather (``gather_grad='local'``)
    gives, after DDP's average over 2 ranks, half the exact gradient: their
    ``clip_grad_norm_(1.0)`` acts on that vector, and so does ours with this
    option; the loss value is unchanged."""
    text_enc, video_enc, scale, xt, xv = _make_problem()
    ref_loss, ref_grads, ref_scale_grad = _loss_and_grads(
        text_enc, video_enc, scale, xt, xv)
    out = str(tmp_path / 'dist.pt')
    mp.spawn(_worker, args=(2, _free_port(), [4, 4], out, 'local'), nprocs=2,
             join=True)
    got = torch.load(out)
    torch.testing.assert_close(got['loss'], ref_loss)
    for g, r in zip(got['grads'], ref_grads):
        torch.testing.assert_close(g, r / 2, rtol=1e-5, atol=1e-6)
    # the (not gathered) logit scale gets every rank's full gradient, as in
    # CLIP4Clip (where it is frozen in MV-Adapter anyway)
    torch.testing.assert_close(got['scale_grad'], ref_scale_grad,
                               rtol=1e-5, atol=1e-6)


def test_gather_grad_is_validated():
    with pytest.raises(ValueError, match='gather_grad'):
        SymmetricInfoNCELoss(gather_grad='mean')


def test_gather_is_identity_without_dist():
    x = torch.randn(3, 2, requires_grad=True)
    assert all_gather_with_grad(x) is x
