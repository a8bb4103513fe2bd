"""A web page to search an index of videos by text and classify a video.

    python tools/search_app.py INDEX [--host 127.0.0.1] [--port 7860] [-k 5]
        [--classes FILE] [--classifier CONFIG [CHECKPOINT]] [--checkpoint CKPT]

INDEX is a folder made by ``tools/index_videos.py``. Type a query: the top-k
videos play with their scores. Upload a video to classify it: among the
names in the class box (prefilled from ``--classes``, one per line) with the
index's retrieval model, or with a recognizer (``--classifier``: MSTA,
ViFi-CLIP, zero-shot CLIP), whose own test classes are used when the box is
empty. Results play as small WebM previews (VP8, the first seconds, made
with PyAV), so any video the index holds plays in the browser.

Needs Gradio: ``pip install -e ".[app]"``. See docs/search_your_videos.md.
"""
import argparse
import hashlib
import html
import os
import os.path as osp
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)
from mvadapt.apis import VideoSearcher, classify, init_model  # noqa: E402

MAX_K = 10


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Search videos by text and classify videos in a browser')
    parser.add_argument('index', help='index folder (tools/index_videos.py)')
    parser.add_argument('--host', default='127.0.0.1',
                        help='address to serve on (0.0.0.0: the network)')
    parser.add_argument('--port', type=int, default=7860)
    parser.add_argument('-k', type=int, default=5,
                        help=f'results shown at first (at most {MAX_K})')
    parser.add_argument('--classes', help='class names for the upload box, '
                        'one per line')
    parser.add_argument('--classifier', nargs='+',
                        metavar='CONFIG [CHECKPOINT]',
                        help='a recognizer for uploads (default: the '
                        "index's retrieval model, among --classes)")
    parser.add_argument('--checkpoint', help='the checkpoint the index was '
                        'built with, if it moved')
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args(argv)
    if args.classifier and len(args.classifier) > 2:
        parser.error('--classifier takes a config and a checkpoint')
    if not 1 <= args.k <= MAX_K:
        parser.error(f'-k must be between 1 and {MAX_K}')
    return args


def make_preview(path: str, cache_dir: str, side: int = 256,
                 seconds: float = 10.0) -> str:
    """A WebM (VP8) copy of the first ``seconds`` of a video, scaled so its
    longer side is ``side`` pixels (at most 4x up): every browser plays it,
    whatever the source codec (e.g. lossless H.264). Cached by path, size
    and modification time."""
    import av
    stat = os.stat(path)
    key = hashlib.sha1(f'{osp.abspath(path)}:{stat.st_size}:'
                       f'{stat.st_mtime_ns}:{side}:{seconds}'.encode())
    out = osp.join(cache_dir, f'{key.hexdigest()[:20]}.webm')
    if osp.isfile(out):
        return out
    tmp = f'{out}.tmp{os.getpid()}.webm'
    with av.open(path) as src:
        stream = src.streams.video[0]
        rate = Fraction(stream.average_rate or 25).limit_denominator(1000)
        scale = min(side / max(stream.width, stream.height), 4.0)
        width = max(2, round(stream.width * scale / 2) * 2)
        height = max(2, round(stream.height * scale / 2) * 2)
        with av.open(tmp, mode='w', format='webm') as dst:
            enc = dst.add_stream('libvpx', rate=rate)
            enc.width, enc.height, enc.pix_fmt = width, height, 'yuv420p'
            enc.bit_rate = 1_500_000
            enc.options = {'deadline': 'realtime', 'cpu-used': '8'}
            for i, frame in enumerate(src.decode(stream)):
                if i >= seconds * rate:
                    break
                image = frame.reformat(width=width, height=height,
                                       format='yuv420p')
                image.pts, image.time_base = i, 1 / rate
                for packet in enc.encode(image):
                    dst.mux(packet)
            for packet in enc.encode():
                dst.mux(packet)
    os.replace(tmp, out)
    return out


def ranking_html(query: str, results, total: int) -> str:
    rows = ''.join(
        f'<li data-path="{html.escape(p)}" data-score="{s:.4f}">'
        f'<b>{s:.3f}</b> {html.escape(osp.basename(p))} '
        f'<small>{html.escape(osp.dirname(p))}</small></li>'
        for p, s in results)
    return (f'<p>Top {len(results)} of {total} videos for '
            f'<i>{html.escape(query)}</i>:</p><ol id="ranking">{rows}</ol>')


def build_app(searcher: VideoSearcher, classifier=None, classes=None,
              k: int = 5, cache_dir: str = None):
    """The Gradio page: query box, top-k videos playing with their scores,
    and a video upload for classification."""
    import gradio as gr
    cache_dir = cache_dir or tempfile.mkdtemp(prefix='mvadapt_previews_')
    classifier = classifier or searcher.model
    with gr.Blocks(title='mvadapt video search',
                   analytics_enabled=False) as app:
        built_by = searcher.manifest['model']
        weights = f"`{built_by['checkpoint']}`" if built_by['checkpoint'] \
            else 'the weights it builds (no checkpoint)'
        gr.Markdown(f'## Search {len(searcher.paths)} videos\n'
                    f'Index `{searcher.out_dir}`, built by '
                    f"`{built_by['config']}` with {weights}")
        with gr.Row():
            query = gr.Textbox(label='Query', placeholder='a red square '
                               'moving left', scale=4, elem_id='query')
            top_k = gr.Slider(1, MAX_K, value=k, step=1, label='Results',
                              scale=1, elem_id='top-k')
            button = gr.Button('Search', variant='primary', scale=1,
                               elem_id='search')
        ranking = gr.HTML(elem_id='results')
        videos = []
        for row in range(0, MAX_K, 5):
            with gr.Row():
                for i in range(row, row + 5):
                    videos.append(gr.Video(
                        visible=False, autoplay=True, loop=True,
                        interactive=False, elem_id=f'result-{i}',
                        height=220))

        def preview(path):
            try:
                return make_preview(path, cache_dir)
            except Exception as e:  # moved, unreadable: show the original
                print(f'No preview of {path} ({type(e).__name__}: {e}); '
                      'the page links the original file', flush=True)
                return path

        def search(text, count):
            text = (text or '').strip()
            if not text:
                raise gr.Error('Type what you are looking for.')
            results = searcher.search(text, int(count))
            updates = [gr.update(value=preview(p),
                                 label=f'{i + 1}. {s:.3f}  '
                                 f'{osp.basename(p)}', visible=True)
                       for i, (p, s) in enumerate(results)]
            updates += [gr.update(value=None, visible=False)] * (
                MAX_K - len(results))
            return [ranking_html(text, results, len(searcher.paths))] + \
                updates

        for event in (button.click, query.submit):
            event(search, [query, top_k], [ranking] + videos)

        gr.Markdown('## Classify a video')
        with gr.Row():
            upload = gr.Video(label='Video', sources=['upload'],
                              elem_id='upload', height=300)
            with gr.Column():
                names = gr.Textbox(
                    label='Classes, one per line' + (
                        '' if classifier is searcher.model else
                        " (empty: the model's own)"),
                    value='\n'.join(classes or []), lines=6,
                    elem_id='classes')
                classify_button = gr.Button('Classify', variant='primary',
                                            elem_id='classify')
        label = gr.Label(num_top_classes=k, label='Classes',
                         elem_id='classification')

        def run_classify(video, text, count):
            if not video:
                raise gr.Error('Upload a video first.')
            listed = [n.strip() for n in (text or '').splitlines()
                      if n.strip()]
            if not listed and classifier is searcher.model:
                raise gr.Error('Enter class names, one per line.')
            try:
                top = classify(classifier, video, listed or None,
                               k=int(count))
            except (ValueError, RuntimeError, FileNotFoundError) as e:
                raise gr.Error(str(e))
            return {name: prob for name, prob in top}

        classify_button.click(run_classify, [upload, names, top_k], label)
    app.preview_dir = cache_dir
    return app


def main(argv=None):
    args = parse_args(argv)
    try:
        import gradio  # noqa: F401
    except ImportError:
        print('The web page needs Gradio: pip install -e ".[app]"')
        return 1
    searcher = VideoSearcher.load(args.index, checkpoint=args.checkpoint,
                                  device=args.device, num_workers=0,
                                  progress=False)
    classifier = None
    if args.classifier:
        classifier = init_model(args.classifier[0],
                                (args.classifier[1:] or [None])[0],
                                device=args.device)
    classes = None
    if args.classes:
        from mvadapt.utils.descriptions import read_class_names
        classes = read_class_names(args.classes)
    app = build_app(searcher, classifier, classes, args.k)
    print(f'Serving the search page for {searcher.out_dir} '
          f'({len(searcher.paths)} videos) at http://{args.host}:'
          f'{args.port} - open it in a browser; Ctrl+C stops it. Previews '
          f'are written to {app.preview_dir}.', flush=True)
    app.queue().launch(server_name=args.host, server_port=args.port,
                       allowed_paths=[app.preview_dir] + sorted(
                           {osp.dirname(p) for p in searcher.paths}),
                       show_error=True,
                       inbrowser=False)
    return 0


if __name__ == '__main__':
    sys.exit(main())
