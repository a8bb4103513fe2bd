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
so an interrupted run resumes where it stopped. Failed requests (timeouts,
HTTP 429/5xx, malformed answers) are retried with exponential backoff. The
outputs are the two formats ``mvadapt.utils.descriptions`` reads:
``descriptions.json`` (keyed by class name) and ``spatial.json`` /
``temporal.json`` (keyed by class index).
"""
import argparse
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


class GenerationError(RuntimeError):
    pass


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
            raise GenerationError(f'HTTP {e.code} from {self.url}') from None
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


def generate(class_names: List[str], out_dir: str, client: ChatClient,
             n: int = 2, retries: int = 5, backoff: float = 2.0,
             sleep: Callable[[float], None] = time.sleep,
             progress: bool = True) -> Dict[str, Dict[str, List[str]]]:
    """Describe every class (resuming from ``out_dir/cache.json``) and write
    the output files. Raises :class:`GenerationError` listing the classes
    that still failed after all retries (the others stay cached)."""
    os.makedirs(out_dir, exist_ok=True)
    cache_path = osp.join(out_dir, 'cache.json')
    cache: Dict[str, Dict[str, List[str]]] = {}
    if osp.isfile(cache_path):
        with open(cache_path, encoding='utf-8') as f:
            cache = json.load(f)
    todo = [c for c in class_names if c not in cache]
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
                _write_json(cache_path, cache)
                break
            except GenerationError as e:
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
    named = {c: cache[c] for c in class_names}
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
          'temporal.json); validate with mvadapt.utils.descriptions.'
          'load_descriptions.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
