import importlib
import sys

import torch

import mvadapt
from mvadapt import compat


def test_import_mmaction_models_works():
    import mmaction.models  # noqa: F401  (fails on 1.2.0 without compat)
    assert 'mmaction.models.localizers.drn' in sys.modules


def test_apply_is_idempotent():
    compat.apply()
    compat.apply()
    importlib.reload(mvadapt)


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    """A checkpoint with mmengine's message hub state loads under
    torch.load(weights_only=True) (the torch >= 2.6 default)."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(1.5)
    ckpt = dict(meta=dict(message_hub=dict(log_scalars={'loss': buf}),
                          seed=np.int64(3), arr=np.zeros(2)),
                state_dict={'w': torch.ones(2)})
    path = tmp_path / 'ckpt.pth'
    torch.save(ckpt, path)
    loaded = torch.load(path, weights_only=True)
    assert loaded['meta']['message_hub']['log_scalars']['loss'].current() \
        == 1.5


def test_arbitrary_globals_still_refused(tmp_path):
    import pickle

    import pytest
    path = tmp_path / 'evil.pth'
    torch.save({'x': pickle.PickleError('boom')}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


class _GetattrPayload:
    """Pickles as getattr(HistoryBuffer, '__subclasses__'): an allowed class
    but a lookup mmengine never needs."""

    def __reduce__(self):
        from mmengine.logging import HistoryBuffer
        return (getattr, (HistoryBuffer, '__subclasses__'))


def test_getattr_is_restricted_to_history_buffer(tmp_path):
    import pickle

    import pytest
    path = tmp_path / 'getattr.pth'
    torch.save({'x': _GetattrPayload()}, path)
    with pytest.raises(pickle.UnpicklingError, match='refusing getattr'):
        torch.load(path, weights_only=True)


def test_openai_clip_imports_without_leaving_a_pkg_resources_stand_in():
    """openai-clip 1.0.1 imports pkg_resources, gone from setuptools >= 81;
    the stand-in lives only during that import."""
    clip = compat.import_openai_clip()
    assert callable(clip.load) and callable(clip.tokenize)
    pkg_resources = sys.modules.get('pkg_resources')
    assert pkg_resources is None or hasattr(pkg_resources,
                                            'get_distribution')


def test_config_text_is_formatted_once_and_the_same(monkeypatch):
    import mmengine.config.config as mm_config
    from mmengine.config import Config
    memoized = mm_config.FormatCode
    assert memoized.mvadapt_memo is not None  # applied on import
    yapf_format = memoized.__wrapped__
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[0])
        return yapf_format(*args, **kwargs)

    monkeypatch.setattr(memoized, '__wrapped__', counting)
    # a config of its own, not formatted yet in this process
    cfg = Config(dict(model=dict(type='Net', depth=len(calls) + 7),
                      lr=[0.1, 0.01], name='memo-test'))
    first = cfg.pretty_text
    assert cfg.pretty_text == first and len(calls) == 1  # once, then memo
    cfg.lr = [0.5]  # another text is formatted anew
    assert '0.5' in cfg.pretty_text and len(calls) == 2
    # and the memo gives what yapf gives
    monkeypatch.setattr(mm_config, 'FormatCode', yapf_format)
    assert Config(dict(model=dict(type='Net', depth=7), lr=[0.1, 0.01],
                       name='memo-test')).pretty_text == first
