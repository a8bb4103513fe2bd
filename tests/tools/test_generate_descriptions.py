"""generate_descriptions.py against local HTTP servers that answer well,
fail, time out and return malformed output."""
import importlib.util
import json
import os.path as osp
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mvadapt.utils.descriptions import load_descriptions

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'data', 'generate_descriptions.py')
KEY = 'sk-test-SECRET-123'


def load_module():
    spec = importlib.util.spec_from_file_location('gen', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def good_answer(cls, n=2):
    return json.dumps({'spatial': [f'A video about {cls} {i}.'
                                   for i in range(n)],
                       'temporal': [f'{cls} step {"abcdef"[i]}'
                                    for i in range(n)]})


class Server:
    """Serve /v1/chat/completions; ``behaviour(n, cls)`` picks the reply of
    request n: 'ok', 'ok_fenced', 'error' (503), an int (that HTTP status),
    'slow', 'malformed', 'bad_json'. Good answers hold as many strings as the
    prompt asks for."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(
                    int(self.headers['Content-Length'])))
                prompt = body['messages'][0]['content']
                cls = prompt.split('"')[1]
                n = int(re.search(r'\[(\d+) strings\]', prompt).group(1))
                outer.requests.append(
                    (cls, self.headers.get('Authorization')))
                kind = outer.behaviour(len(outer.requests), cls)
                if kind == 'error' or isinstance(kind, int):
                    self.send_response(503 if kind == 'error' else kind)
                    self.end_headers()
                    return
                if kind == 'slow':
                    time.sleep(3.0)
                content = {'ok': good_answer(cls, n),
                           'slow': good_answer(cls, n),
                           'ok_fenced': '```json\n' + good_answer(cls, n) +
                           '\n```',
                           'malformed': 'Sure! Here you go: spatial ...'}
                if kind == 'bad_json':
                    payload = b'not json'
                else:
                    payload = json.dumps({'choices': [{'message': {
                        'content': content[kind]}}]}).encode()
                self.send_response(200)
                self.send_header('Content-Type', 'application/json')
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.httpd.server_port}/v1'
        threading.Thread(target=self.httpd.serve_forever,
                         daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def names(tmp_path):
    path = tmp_path / 'names.txt'
    path.write_text('jump\nrun\nswim\n')
    return str(path)


def run_cli(names, out, url, *extra, key=KEY):
    env = {'PATH': '/usr/bin:/bin', 'MY_KEY': key}
    return subprocess.run(
        [sys.executable, SCRIPT, names, '--out-dir', str(out), '--base-url',
         url, '--model', 'm', '--api-key-env', 'MY_KEY', '--backoff', '0.01',
         '--timeout', '1.5', *extra], capture_output=True, text=True,
        env=env, timeout=120)


def test_success_with_fences_and_key_never_written(tmp_path, names):
    server = Server(lambda n, c: 'ok_fenced' if n % 2 else 'ok')
    try:
        proc = run_cli(names, tmp_path / 'out', server.url)
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert all(auth == f'Bearer {KEY}' for _, auth in server.requests)
    out = tmp_path / 'out'
    classes = ['jump', 'run', 'swim']
    a = load_descriptions(str(out / 'descriptions.json'), classes, 2)
    b = load_descriptions(dict(spatial=str(out / 'spatial.json'),
                               temporal=str(out / 'temporal.json'),
                               class_names=str(names)), classes, 2)
    assert a == b
    for f in out.iterdir():
        assert KEY not in f.read_text()
    assert KEY not in proc.stdout + proc.stderr


def test_retries_errors_timeouts_and_malformed(tmp_path, names):
    # request 1: 503, 2: too slow (timeout 1.5 s), 3: malformed text,
    # 4: not JSON at all, then fine
    plan = {1: 'error', 2: 'slow', 3: 'malformed', 4: 'bad_json'}
    server = Server(lambda n, c: plan.get(n, 'ok'))
    try:
        proc = run_cli(names, tmp_path / 'out', server.url, '--retries', '6')
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert [c for c, _ in server.requests][:5] == ['jump'] * 5


def test_failure_is_reported_and_resumable(tmp_path, names):
    server = Server(lambda n, c: 'error' if c == 'run' else 'ok')
    try:
        proc = run_cli(names, tmp_path / 'out', server.url, '--retries', '2')
    finally:
        server.close()
    assert proc.returncode == 1
    assert '1 of 3 classes failed' in proc.stderr and 'run' in proc.stderr
    cache = json.loads((tmp_path / 'out' / 'cache.json').read_text())
    (settings, answers), = cache.items()
    assert 'model=m n=2 ' in settings
    assert set(answers) == {'jump', 'swim'}
    assert not (tmp_path / 'out' / 'descriptions.json').exists()
    # rerun: only the missing class is requested
    server = Server(lambda n, c: 'ok')
    try:
        proc = run_cli(names, tmp_path / 'out', server.url)
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert [c for c, _ in server.requests] == ['run']


def test_parse_answer_rules():
    gen = load_module()
    assert gen.parse_answer('x ' + good_answer('a') + ' y', 2)['temporal'] \
        == ['a step a', 'a step b']
    with pytest.raises(gen.GenerationError, match='2 non-empty'):
        gen.parse_answer('{"spatial": ["a"], "temporal": ["b", "c"]}', 2)
    with pytest.raises(gen.GenerationError, match='no JSON'):
        gen.parse_answer('nothing here', 2)


def test_unreachable_endpoint(tmp_path, names):
    proc = run_cli(names, tmp_path / 'out', 'http://127.0.0.1:9/v1',
                   '--retries', '1')
    assert proc.returncode == 1 and 'failed' in proc.stderr
    assert KEY not in proc.stderr


@pytest.mark.parametrize('status', [401, 403, 404])
def test_client_errors_fail_fast(tmp_path, names, status):
    server = Server(lambda n, c: status)
    try:
        proc = run_cli(names, tmp_path / 'out', server.url, '--retries', '6')
    finally:
        server.close()
    assert len(server.requests) == 1  # neither retried nor other classes
    assert proc.returncode == 1
    assert f'HTTP {status}' in proc.stderr
    assert server.url + '/chat/completions' in proc.stderr
    assert 'not retried' in proc.stderr
    assert KEY not in proc.stdout + proc.stderr
    assert not (tmp_path / 'out' / 'descriptions.json').exists()


@pytest.mark.parametrize('status', [408, 429, 500])
def test_retryable_statuses(tmp_path, names, status):
    server = Server(lambda n, c: status if n == 1 else 'ok')
    try:
        proc = run_cli(names, tmp_path / 'out', server.url, '--retries', '1')
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert [c for c, _ in server.requests] == ['jump', 'jump', 'run', 'swim']


def test_rerun_with_larger_n_does_not_reuse_short_answers(tmp_path, names):
    classes = ['jump', 'run', 'swim']
    out = tmp_path / 'out'

    def run(n):
        server = Server(lambda i, c: 'ok')
        try:
            proc = run_cli(names, out, server.url, '--n', str(n))
        finally:
            server.close()
        assert proc.returncode == 0, proc.stderr
        return [c for c, _ in server.requests]

    assert run(1) == classes
    assert len(load_descriptions(str(out / 'descriptions.json'),
                                 classes)['spatial'][0]) == 1
    assert run(2) == classes  # asked again, not the 1-string answers
    d = load_descriptions(str(out / 'descriptions.json'), classes, 2)
    assert all(len(texts) == 2 for kind in d.values() for texts in kind)
    assert run(2) == [] and run(1) == []  # each setting still resumes


def test_short_and_legacy_cache_entries_are_misses(tmp_path):
    gen = load_module()

    class Client:
        model, temperature = 'm', 0.7

        def __init__(self):
            self.asked = []

        def complete(self, prompt):
            self.asked.append(prompt.split('"')[1])
            return good_answer(self.asked[-1], 2)

    out = tmp_path / 'out'
    out.mkdir()
    short = json.loads(good_answer('a', 1))
    # the old class-keyed layout: settings unknown, never reused
    (out / 'cache.json').write_text(json.dumps({'a': short, 'b': short}))
    client = Client()
    gen.generate(['a', 'b'], str(out), client, n=1, progress=False)
    assert client.asked == ['a', 'b']
    # an entry under the right settings but with fewer than n strings
    key = gen.cache_key(client, 2)
    (out / 'cache.json').write_text(json.dumps(
        {key: {'a': short, 'b': json.loads(good_answer('b', 2))}}))
    client = Client()
    named = gen.generate(['a', 'b'], str(out), client, n=2, progress=False)
    assert client.asked == ['a']
    assert len(named['a']['spatial']) == 2
