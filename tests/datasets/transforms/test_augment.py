import pytest
def test_clip_random_grayscale_all_frames_or_none():
    import numpy as np

    from mvadapt.datasets.transforms import ClipRandomGrayscale
    rng = np.random.default_rng(0)
    imgs = [rng.integers(0, 255, (4, 4, 3), dtype=np.uint8) for _ in range(3)]
    out = ClipRandomGrayscale(prob=1.0)(dict(imgs=list(imgs)))['imgs']
    for frame in out:
        assert (frame[..., 0] == frame[..., 1]).all()
        assert (frame[..., 1] == frame[..., 2]).all()
    same = ClipRandomGrayscale(prob=0.0)(dict(imgs=list(imgs)))['imgs']
    assert all((a == b).all() for a, b in zip(same, imgs))
    with pytest.raises(ValueError):
        ClipRandomGrayscale(prob=2)
