"""Load a config the way every mvadapt entry point does: ``--cfg-options``
merged, then run-time placeholders resolved.

A string anywhere in a config may name a top-level key that holds a string
or an integer in braces, ``'{data_root}/annotations/class_names.txt'``;
:func:`resolve_placeholders` replaces it by that key's value (itself
resolved first, so placeholders may nest). Because this happens after
``--cfg-options`` are merged, ``--cfg-options data_root=/elsewhere`` moves
every path written in terms of ``{data_root}``, which a value computed when
the config is parsed (``data_root + '/annotations/...'``) cannot follow.

Left as they are: ``{}`` (prompt templates such as ``'a photo of a {}.'``),
braces around anything but a name, and names that are no top-level string
or integer key, except in a path (a string with ``/``), where an unknown
name is an error: it is a typo or a key a base was meant to set. A cycle
(``a = '{b}'``, ``b = '{a}/x'``) is an error too.
"""
import re
from typing import Optional, Union

from mmengine.config import Config

__all__ = ['PlaceholderError', 'resolve_placeholders', 'load_config']

_PLACEHOLDER = re.compile(r'\{([A-Za-z_]\w*)\}')


class PlaceholderError(ValueError):
    """A placeholder cycle, or an unknown name in a path."""


def _substitutable(value) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _values(cfg) -> dict:
    """The top-level string and integer keys, their placeholders resolved."""
    raw = {k: v for k, v in cfg.items()
           if isinstance(k, str) and _substitutable(v)}
    done = {}

    def value(name, chain):
        if name in done:
            return done[name]
        if name in chain:
            cycle = chain[chain.index(name):] + (name, )
            raise PlaceholderError(
                'config placeholders form a cycle: ' + ' -> '.join(
                    f'{k} = {raw[k]!r}' for k in cycle[:-1]))
        v = raw[name]
        if isinstance(v, str):
            v = _PLACEHOLDER.sub(
                lambda m: str(value(m.group(1), chain + (name, )))
                if m.group(1) in raw else m.group(0), v)
        done[name] = v
        return v

    for name in raw:
        value(name, ())
    return done


def _substitute(text: str, values: dict, where: str) -> str:
    out = _PLACEHOLDER.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values
        else m.group(0), text)
    unknown = _PLACEHOLDER.findall(out)
    if unknown and '/' in out:
        shown = repr(text) if out == text else f'{text!r} -> {out!r}'
        raise PlaceholderError(
            f'{where} = {shown}: {{{unknown[0]}}} names no top-level string '
            f'or integer key of the config (there are: '
            f'{", ".join(sorted(values)) or "none"}); set {unknown[0]} = ... '
            f'in the config or with --cfg-options {unknown[0]}=...')
    return out


def _walk(node, values: dict, where: str):
    """``node`` with its strings substituted: dicts and lists in place,
    tuples rebuilt."""
    if isinstance(node, str):
        return _substitute(node, values, where)
    if isinstance(node, (dict, Config)):
        for key in list(node.keys()):
            old = node[key]
            new = _walk(old, values, f'{where}.{key}' if where else key)
            if new is not old:
                node[key] = new
        return node
    if isinstance(node, list):
        for i, old in enumerate(node):
            new = _walk(old, values, f'{where}[{i}]')
            if new is not old:
                node[i] = new
        return node
    if isinstance(node, tuple):
        new = tuple(_walk(v, values, f'{where}[{i}]')
                    for i, v in enumerate(node))
        return node if all(a is b for a, b in zip(new, node)) else new
    return node


def resolve_placeholders(cfg: Union[Config, dict]) -> Union[Config, dict]:
    """Replace ``{name}`` by the value of the top-level key ``name`` in every
    string of ``cfg`` (in place; returns ``cfg``).

    Run it after ``--cfg-options`` are merged, so that an override of a
    top-level key (``data_root=...``) reaches every string that names it.
    Resolving twice changes nothing.

    Raises:
        PlaceholderError: on a cycle, or on a path (a string with ``/``)
            naming a key that is no top-level string or integer.
    """
    return _walk(cfg, _values(cfg), '')


def load_config(config: Union[str, Config, dict],
                cfg_options: Optional[dict] = None) -> Config:
    """A config file (or a copy of a config), ``cfg_options`` merged, its
    placeholders resolved: what the entry points run.

    Args:
        config (str | Config | dict): A config file, or a config to copy.
        cfg_options (dict, optional): ``--cfg-options`` style overrides
            (``{'data_root': '/data/hmdb51'}``).
    """
    if isinstance(config, str):
        cfg = Config.fromfile(config)
    elif isinstance(config, Config):
        cfg = Config(config.to_dict(), filename=config.filename)
    else:
        cfg = Config(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return resolve_placeholders(cfg)
