"""Generate MSTA's spatial and temporal class descriptions with an LLM.

    python tools/data/generate_descriptions.py CLASS_NAMES --out-dir DIR \\
        --base-url https://api.deepseek.com/v1 --model deepseek-chat \\
        [--api-key-env OPENAI_API_KEY] [--n 2] [--timeout 60] [--retries 5]

Works with any OpenAI-compatible chat endpoint (``POST {base_url}/chat/
completions``). The API key is read from the environment variable named by
``--api-key-env`` (default ``OPENAI_API_KEY``); it is sent only in the
``Authorization`` header and never printed, logged or written.

Every class's answer is validated (JSON with N non-empty ``spatial`` and
``temporal`` strings) and stored in ``DIR/cache.json`` as soon as it arrives,
so an interrupted run resumes where it stopped. The cache is keyed by what
determines the answer (model, N, temperature and the prompt) as well as the
class, so a rerun with another ``--n`` or ``--model`` asks again instead of
reusing answers made for other settings. Failed requests (connection errors,
timeouts, HTTP 408, 429 and 5xx, malformed answers) are retried with
exponential backoff; any other HTTP error (401, 403, 404, ...) stops the run
at once with the status and the endpoint. The outputs are the two formats
``mvadapt.utils.descriptions`` reads: ``descriptions.json`` (keyed by class
name) and ``spatial.json`` / ``temporal.json`` (keyed by class index in
CLASS_NAMES, which is read with them: ``class_names=CLASS_NAMES``).
Validate them, or a file from elsewhere, with
``tools/data/check_descriptions.py``.
"""
import argparse
import hashlib
import json
import os
import os.path as osp
import re
import sys
import time
import urllib.error
import urllib.request
from typing import Callable, Dict, List, Optional

PROMPT = (
    'Describe the action class "{cls}" for a video classifier. Answer with '
    'JSON only: {{"spatial": [{n} strings], "temporal": [{n} strings]}}. '
    'Each spatial string has the form "A video about <visual phrase>." and '
    'describes what the scene and actors look like. Each temporal string has '
    'the form "A video of {cls} generally involves the following step: '
    '<sub-step>, which is a sub-step." and the sub-steps follow the order in '
    'which the action unfolds.')


# HTTP statuses worth retrying; any other error status is final.
RETRY_STATUS = (408, 429)


class GenerationError(RuntimeError):
    """A failed request or answer; retried (up to ``--retries``) unless
    ``retry`` is False."""

    def __init__(self, message: str, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


def parse_answer(content: str, n: int) -> Dict[str, List[str]]:
    """Extract ``{"spatial": [...], "temporal": [...]}`` (N each) from a
    model answer, tolerating a code fence around the JSON."""
    text = content.strip()
    fence = re.search(r'```(?:json)?\s*(.*?)```', text, re.S)
    if fence:
        text = fence.group(1)
    start, end = text.find('{'), text.rfind('}')
    if start < 0 or end < start:
        raise GenerationError('answer holds no JSON object')
    try:
        data = json.loads(text[start:end + 1])
    except json.JSONDecodeError as e:
        raise GenerationError(f'answer is not valid JSON ({e})') from e
    out = {}
    for kind in ('spatial', 'temporal'):
        items = data.get(kind) if isinstance(data, dict) else None
        if not isinstance(items, list) or len(items) < n or not all(
                isinstance(s, str) and s.strip() for s in items[:n]):
            raise GenerationError(f'answer lacks {n} non-empty {kind!r} '
                                  'strings')
        out[kind] = [s.strip() for s in items[:n]]
    return out


class ChatClient:
    """Minimal OpenAI-compatible chat client (standard library only)."""

    def __init__(self, base_url: str, model: str, api_key: Optional[str],
                 timeout: float = 60.0, temperature: float = 0.7) -> None:
        self.url = base_url.rstrip('/') + '/chat/completions'
        self.model = model
        self._key = api_key
        self.timeout = timeout
        self.temperature = temperature

    def complete(self, prompt: str) -> str:
        body = json.dumps(dict(
            model=self.model, temperature=self.temperature,
            messages=[dict(role='user', content=prompt)])).encode()
        headers = {'Content-Type': 'application/json'}
        if self._key:
            headers['Authorization'] = f'Bearer {self._key}'
        request = urllib.request.Request(self.url, data=body,
                                         headers=headers, method='POST')
        try:
            with urllib.request.urlopen(request,
                                        timeout=self.timeout) as resp:
                payload = json.loads(resp.read().decode('utf-8'))
        except urllib.error.HTTPError as e:
            if e.code in RETRY_STATUS or 500 <= e.code < 600:
                raise GenerationError(f'HTTP {e.code} from {self.url}') \
                    from None
            raise GenerationError(
                f'HTTP {e.code} ({e.reason}) from {self.url}; not retried '
                '(check the API key, --base-url and --model)',
                retry=False) from None
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            reason = getattr(e, 'reason', e)
            raise GenerationError(f'request to {self.url} failed: '
                                  f'{type(reason).__name__}') from None
        except json.JSONDecodeError:
            raise GenerationError('endpoint returned non-JSON') from None
        try:
            return payload['choices'][0]['message']['content']
        except (KeyError, IndexError, TypeError):
            raise GenerationError('endpoint answer has no '
                                  'choices[0].message.content') from None


def _write_json(path: str, obj) -> None:
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


def cache_key(client: ChatClient, n: int) -> str:
    """The settings an answer depends on (the class aside): model, N,
    temperature and the prompt text (hashed)."""
    prompt = hashlib.sha256(PROMPT.encode('utf-8')).hexdigest()[:12]
    return (f'model={client.model} n={n} '
            f'temperature={client.temperature} prompt={prompt}')


def _usable(entry, n: int) -> bool:
    """A cached answer with N non-empty strings of each kind."""
    return isinstance(entry, dict) and all(
        isinstance(entry.get(kind), list) and len(entry[kind]) >= n and all(
            isinstance(s, str) and s.strip() for s in entry[kind][:n])
        for kind in ('spatial', 'temporal'))


def generate(class_names: List[str], out_dir: str, client: ChatClient,
             n: int = 2, retries: int = 5, backoff: float = 2.0,
             sleep: Callable[[float], None] = time.sleep,
             progress: bool = True) -> Dict[str, Dict[str, List[str]]]:
    """Describe every class (resuming from ``out_dir/cache.json``) and write
    the output files. Raises :class:`GenerationError` listing the classes
    that still failed after all retries (the others stay cached), or at the
    first error that is not retried.

    ``cache.json`` holds ``{settings: {class: answer}}`` with ``settings``
    from :func:`cache_key`; only answers made with the same settings and
    holding N descriptions of each kind are reused."""
    os.makedirs(out_dir, exist_ok=True)
    cache_path = osp.join(out_dir, 'cache.json')
    store: Dict[str, Dict[str, Dict[str, List[str]]]] = {}
    if osp.isfile(cache_path):
        with open(cache_path, encoding='utf-8') as f:
            store = json.load(f)
        if any(_usable(v, 1) for v in store.values()):
            # a cache of the old class-keyed layout: its settings are
            # unknown, so keep it aside and ask again
            store = {'legacy (settings unknown, not reused)': store}
    key = cache_key(client, n)
    cache = store.setdefault(key, {})
    todo = [c for c in class_names if not _usable(cache.get(c), n)]
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(class_names), initial=len(class_names) -
                   len(todo), desc='descriptions', unit='class')
    failed = {}
    for cls in todo:
        for attempt in range(retries + 1):
            try:
                cache[cls] = parse_answer(
                    client.complete(PROMPT.format(cls=cls, n=n)), n)
                _write_json(cache_path, store)
                break
            except GenerationError as e:
                if not e.retry:
                    if bar is not None:
                        bar.close()
                    raise
                failed[cls] = str(e)
                if attempt < retries:
                    sleep(backoff * 2**attempt)
        else:
            if bar is not None:
                bar.update(1)
            continue
        failed.pop(cls, None)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    if failed:
        listing = '; '.join(f'{c}: {e}' for c, e in list(failed.items())[:5])
        raise GenerationError(
            f'{len(failed)} of {len(class_names)} classes failed after '
            f'{retries} retries ({listing}). Rerun to resume; '
            f'{len(class_names) - len(failed)} are cached in {cache_path}.')
    named = {c: {kind: cache[c][kind][:n] for kind in ('spatial', 'temporal')}
             for c in class_names}
    _write_json(osp.join(out_dir, 'descriptions.json'), named)
    for kind in ('spatial', 'temporal'):
        _write_json(osp.join(out_dir, f'{kind}.json'),
                    {str(i): named[c][kind]
                     for i, c in enumerate(class_names)})
    return named


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('class_names', help='class-names file, one per line')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--base-url', required=True,
                        help='OpenAI-compatible API root, e.g. '
                        'https://api.openai.com/v1')
    parser.add_argument('--model', required=True)
    parser.add_argument('--api-key-env', default='OPENAI_API_KEY',
                        help='environment variable holding the API key')
    parser.add_argument('--n', type=int, default=2,
                        help='descriptions per class and kind')
    parser.add_argument('--timeout', type=float, default=60.0)
    parser.add_argument('--retries', type=int, default=5)
    parser.add_argument('--backoff', type=float, default=2.0,
                        help='first retry delay in seconds (doubles)')
    args = parser.parse_args(argv)
    try:
        with open(args.class_names, encoding='utf-8') as f:
            names = [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        print(f'error: class-names file not found: {args.class_names}',
              file=sys.stderr)
        return 1
    if not names:
        print(f'error: {args.class_names} lists no classes', file=sys.stderr)
        return 1
    client = ChatClient(args.base_url, args.model,
                        os.environ.get(args.api_key_env),
                        timeout=args.timeout)
    try:
        generate(names, args.out_dir, client, n=args.n,
                 retries=args.retries, backoff=args.backoff)
    except GenerationError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(f'Descriptions for {len(names)} classes written to '
          f'{osp.abspath(args.out_dir)} (descriptions.json, spatial.json, '
          'temporal.json); validate with tools/data/check_descriptions.py.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
