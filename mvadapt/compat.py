"""The one place where mvadapt adapts third-party libraries.

Everything that works around a defect of a dependency lives here, is applied
once when :mod:`mvadapt` is imported, and is idempotent.

1. ``mmaction2==1.2.0`` as published on PyPI lacks the package
   ``mmaction/models/localizers/drn`` (open-mmlab/mmaction2#2714), so
   ``import mmaction.models`` fails. When (and only when) that module is absent
   we register a placeholder module whose ``DRN`` raises a clear error if
   someone actually builds the DRN localizer. Nothing in mvadapt uses it.
2. torch >= 2.6 loads checkpoints with ``weights_only=True`` by default, and
   mmengine 0.10.x checkpoints contain a few non-tensor globals (the message
   hub's ``HistoryBuffer`` and its statistics methods, numpy arrays, scalars
   and dtypes). We allow-list exactly those globals with
   :func:`torch.serialization.add_safe_globals` (``getattr`` only in a form
   restricted to ``HistoryBuffer``'s statistics methods) instead of disabling
   ``weights_only``: a checkpoint is untrusted input.
3. mmcv-lite's import-time warning about its missing compiled deformable
   attention (unused here) is silenced.
4. OpenAI's ``clip`` package (``openai-clip`` 1.0.1 on PyPI, needed by
   MMAction2's ``CLIPSimilarity``) runs ``from pkg_resources import
   packaging`` on import, and setuptools >= 81 no longer ships
   ``pkg_resources``. :func:`import_openai_clip` imports it with a stand-in
   ``pkg_resources`` that exposes only ``packaging``, present in
   ``sys.modules`` during that import alone (libraries that probe for the
   real ``pkg_resources`` still find it absent). Not applied by
   :func:`apply`: only code that uses ``clip`` calls it.
5. MMEngine formats a config's text with yapf each time it needs it
   (``Config.pretty_text``: the log, the dump and every checkpoint's meta),
   about 0.5 s a time for the demo's configs on 2 CPU cores, 4 of a
   training run's first 28 s. yapf's ``FormatCode`` is a function of its
   arguments only, so MMEngine's reference to it is wrapped in a memo of
   the last 8 results: the same text, once per process.
"""
import importlib.util
import sys
import types

_APPLIED = False


def _install_drn_placeholder() -> bool:
    """Register a stand-in for ``mmaction.models.localizers.drn``.

    Returns:
        bool: True if the placeholder was installed, False if the real module
        exists (a fixed mmaction2 release or a source install).
    """
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules:
        return False
    try:
        if importlib.util.find_spec('mmaction') is None:
            return False
        import mmaction
        import os.path as osp
        pkg_dir = osp.join(osp.dirname(mmaction.__file__), 'models',
                           'localizers', 'drn')
        if osp.isdir(pkg_dir):
            return False
    except ImportError:
        return False

    class DRN:  # noqa: D401 - placeholder
        """Placeholder for the DRN localizer missing from mmaction2 1.2.0."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'mmaction2 1.2.0 as published lacks mmaction.models.localizers'
                '.drn (open-mmlab/mmaction2#2714); install mmaction2 from '
                'source to use the DRN localizer.')

    pkg = types.ModuleType(name)
    pkg.__path__ = []  # mark it as a package
    sub = types.ModuleType(name + '.drn')
    sub.DRN = DRN
    pkg.drn = sub
    pkg.DRN = DRN
    sys.modules[name] = pkg
    sys.modules[name + '.drn'] = sub
    return True


def _history_buffer_getattr(obj, name):
    """``getattr`` restricted to what mmengine checkpoints need.

    A ``HistoryBuffer`` pickles its statistics methods (``min``, ``max``,
    ``current``, ``mean`` and registered ones) as
    ``getattr(HistoryBuffer, 'min')``; nothing else may be looked up.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    allowed = {'min', 'max', 'current', 'mean',
               *HistoryBuffer._statistics_methods}
    if (obj is HistoryBuffer or isinstance(obj, HistoryBuffer)) and \
            name in allowed:
        return getattr(obj, name)
    import pickle
    raise pickle.UnpicklingError(
        f'refusing getattr({type(obj).__name__}, {name!r}) while loading a '
        'checkpoint: only HistoryBuffer statistics methods are allowed')


def _allow_mmengine_checkpoint_globals() -> None:
    """Allow-list the non-tensor globals found in mmengine checkpoints.

    Measured on a checkpoint written by mmengine 0.10.7's runner: the message
    hub's ``HistoryBuffer`` (whose statistics methods are pickled through
    ``builtins.getattr``), numpy arrays, dtypes and scalars. ``getattr`` is
    mapped to :func:`_history_buffer_getattr`, which only returns
    ``HistoryBuffer`` statistics methods.
    """
    import numpy as np
    import torch
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 has no allow-list (and defaults to full pickle)
    from mmengine.logging.history_buffer import HistoryBuffer
    try:  # numpy >= 2
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(t)) for t in (
        'float64', 'float32', 'float16', 'int64', 'int32', 'int16', 'int8',
        'uint8', 'bool')]
    torch.serialization.add_safe_globals([
        HistoryBuffer, np.ndarray, np.dtype, _reconstruct, scalar,
        *dtype_classes, (_history_buffer_getattr, 'builtins.getattr')
    ])


def _quiet_mmcv_lite() -> None:
    """mmcv-lite warns on import that its compiled deformable attention is
    missing; nothing in mvadapt uses it, so the warning is noise."""
    import warnings
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')


def import_openai_clip() -> types.ModuleType:
    """Import and return OpenAI's ``clip`` package (``pip install
    openai-clip``), with a ``pkg_resources`` stand-in during the import when
    setuptools no longer provides one."""
    if 'clip' in sys.modules:
        return sys.modules['clip']
    if importlib.util.find_spec('clip') is None:
        raise ImportError("OpenAI's clip package is missing (MMAction2's "
                          'CLIPSimilarity needs it): pip install openai-clip')
    stand_in = None
    if importlib.util.find_spec('pkg_resources') is None:
        import packaging.version
        stand_in = types.ModuleType('pkg_resources')
        stand_in.packaging = packaging
        sys.modules['pkg_resources'] = stand_in
    try:
        import clip
    finally:
        if stand_in is not None and \
                sys.modules.get('pkg_resources') is stand_in:
            del sys.modules['pkg_resources']
    return clip


def _memoize_config_formatting() -> None:
    """Let ``mmengine.config.config`` call yapf's ``FormatCode`` through a
    memo (item 5)."""
    from collections import OrderedDict

    import mmengine.config.config as mm_config
    original = mm_config.FormatCode
    if getattr(original, 'mvadapt_memo', None) is not None:
        return
    memo = OrderedDict()

    def FormatCode(unformatted_source, *args, **kwargs):
        key = (unformatted_source, repr(args), repr(sorted(kwargs.items())))
        if key in memo:
            memo.move_to_end(key)
            return memo[key]
        result = FormatCode.__wrapped__(unformatted_source, *args, **kwargs)
        memo[key] = result
        if len(memo) > 8:
            memo.popitem(last=False)
        return result

    FormatCode.mvadapt_memo = memo
    FormatCode.__wrapped__ = original
    mm_config.FormatCode = FormatCode


def apply() -> None:
    """Apply every compatibility fix once."""
    global _APPLIED
    if _APPLIED:
        return
    _quiet_mmcv_lite()
    _install_drn_placeholder()
    _allow_mmengine_checkpoint_globals()
    _memoize_config_formatting()
    _APPLIED = True
