"""tools/search_app.py in a real headless browser (the system Chromium,
driven by Playwright): a MovingShapes query finds its video first, the
results play, and an uploaded video is classified.

The index holds 12 MovingShapes videos encoded by a tiny retriever whose
towers agree on them (``aligned_retriever`` in tests/conftest.py). Set
MVADAPT_SCREENSHOTS=DIR to keep the page's screenshots.
"""
import os
import os.path as osp
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
QUERY_KEY = 'test_00000.mp4'  # "a magenta triangle staying still"
UPLOAD_KEY = 'test_00008.mp4'  # "a magenta circle staying still"


def find_chromium():
    for name in (os.environ.get('MVADAPT_CHROMIUM'), 'chromium',
                 'chromium-browser', 'google-chrome'):
        path = name and shutil.which(name)
        if path:
            return path
    return None


def skip_reason():
    for module, hint in (('faiss', 'pip install faiss-cpu'),
                         ('gradio', 'pip install -e ".[app]"'),
                         ('playwright', 'pip install -e ".[browser-tests]"')):
        try:
            __import__(module)
        except ImportError:
            return f'{module} is not installed ({hint})'
    if find_chromium() is None:
        return ('no Chromium browser installed (Debian: apt-get install '
                'chromium; .ci/run installs it; or set MVADAPT_CHROMIUM)')
    return None


needs_browser = pytest.mark.skipif(skip_reason() is not None,
                                   reason=skip_reason() or '')


def test_previews(moving_shapes_test_split, tmp_path):
    """Results play as WebM (VP8) previews: the video's frames, scaled so
    the longer side is 256 px, cut after the given seconds, cached."""
    import importlib.util

    import av
    spec = importlib.util.spec_from_file_location(
        'search_app', osp.join(ROOT, 'tools', 'search_app.py'))
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    video = osp.join(moving_shapes_test_split[0], 'videos', QUERY_KEY)
    out = app.make_preview(video, str(tmp_path))
    assert out.endswith('.webm') and osp.dirname(out) == str(tmp_path)
    with av.open(out) as f:
        stream = f.streams.video[0]
        assert stream.codec_context.name == 'vp8'
        frames = list(f.decode(stream))
    assert len(frames) == 16  # 2 s at 8 fps
    assert (frames[0].width, frames[0].height) == (256, 256)
    mtime = os.stat(out).st_mtime_ns
    assert app.make_preview(video, str(tmp_path)) == out
    assert os.stat(out).st_mtime_ns == mtime  # cached
    short = app.make_preview(video, str(tmp_path), side=100, seconds=1)
    with av.open(short) as f:
        frames = list(f.decode(video=0))
    assert len(frames) == 8 and frames[0].width == 100


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(aligned_retriever, tmp_path):
    """The app serving an index of the 12 videos, on 127.0.0.1."""
    from mvadapt.apis import VideoSearcher
    index = str(tmp_path / 'index')
    VideoSearcher.from_config(
        aligned_retriever['config'], aligned_retriever['checkpoint'],
        num_workers=0, progress=False).build_index(
            osp.join(aligned_retriever['root'], 'videos'), index)
    classes = tmp_path / 'captions.txt'
    classes.write_text('\n'.join(aligned_retriever['captions'].values()))
    port = free_port()
    log = open(tmp_path / 'app.log', 'w+')
    proc = subprocess.Popen(
        [sys.executable, 'tools/search_app.py', index, '--port', str(port),
         '--classes', str(classes)], cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED='1'))
    url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.time() + 180
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f'the app exited ({proc.returncode}):\n'
                            f'{log.read()[-3000:]}')
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.time() < deadline, 'the app did not start in 180 s'
            time.sleep(0.5)
        log.seek(0)
        assert f'at {url[:-1]} - open it in a browser' in log.read()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@needs_browser
def test_search_page_in_a_browser(app_url, aligned_retriever, tmp_path):
    from playwright.sync_api import sync_playwright
    captions = aligned_retriever['captions']
    videos = osp.join(aligned_retriever['root'], 'videos')
    assert aligned_retriever['twins'][QUERY_KEY] is None
    shots = os.environ.get('MVADAPT_SCREENSHOTS') or str(tmp_path)
    os.makedirs(shots, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(),
                                    headless=True, args=['--no-sandbox'])
        try:
            page = browser.new_page(viewport=dict(width=1280, height=1000))
            page.goto(app_url)
            page.locator('#query textarea').fill(captions[QUERY_KEY])
            page.locator('#search').click()
            page.wait_for_selector('#ranking li', timeout=60_000)
            ranking = page.locator('#ranking li')
            assert ranking.count() == 5
            assert ranking.first.get_attribute('data-path') == osp.join(
                videos, QUERY_KEY)
            assert float(ranking.first.get_attribute('data-score')) == \
                pytest.approx(1.0, abs=1e-3)
            assert float(ranking.nth(1).get_attribute('data-score')) < 0.99
            # the five results play in the page, the expected one first
            assert QUERY_KEY in page.locator('#result-0').inner_text()
            assert '1. 1.000' in page.locator('#result-0').inner_text()
            assert not page.locator('#result-5').is_visible()
            page.wait_for_function(
                '''() => [0, 1, 2, 3, 4].every(i => {
                       const v = document.querySelector(`#result-${i} video`);
                       return v && v.readyState >= 2 && !v.error; })''',
                timeout=30_000)
            first = page.evaluate('''() => {
                const v = document.querySelector('#result-0 video');
                return {width: v.videoWidth, duration: v.duration,
                        autoplay: v.autoplay, loop: v.loop}; }''')
            assert first['width'] == 256 and first['duration'] == \
                pytest.approx(2.0, abs=0.2)
            assert first['autoplay'] and first['loop']
            page.screenshot(path=osp.join(shots, 'search_app_search.png'),
                            full_page=True)

            # upload a video: classified among the captions in the box
            page.locator('#upload input[type=file]').set_input_files(
                osp.join(videos, UPLOAD_KEY))
            page.wait_for_selector('#upload video', timeout=60_000)
            page.locator('#classify').click()
            heading = page.locator('#classification .output-class')
            heading.wait_for(timeout=60_000)
            page.wait_for_function(
                '''(name) => document.querySelector(
                       '#classification .output-class').innerText.trim()
                       === name''', arg=captions[UPLOAD_KEY],
                timeout=60_000)
            page.screenshot(path=osp.join(shots, 'search_app_classify.png'),
                            full_page=True)
        finally:
            browser.close()
