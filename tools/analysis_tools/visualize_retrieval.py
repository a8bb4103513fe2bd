"""Look at what a trained model does on its test set: one HTML page.

    python tools/analysis_tools/visualize_retrieval.py CONFIG [CHECKPOINT] \\
        [--num 20] [--k 5] [--out report.html] [--cfg-options k=v ...]

CHECKPOINT is what ``tools/test.py`` takes (a runner ``.pth`` or an
``adapter.safetensors``; none for zero-shot CLIP). The model runs over the
config's test data loader, as ``tools/test.py`` does, and the page depends
on the model:

- **Retrieval** (``VideoTextRetriever``): ``--num`` test captions (drawn
  with ``--seed``) as queries, each with its top-``k`` videos as animated
  thumbnails (the frames the model saw: the test pipeline's sampling and
  crop; padded frames left out), their scores, and the ground-truth video
  marked; a ground truth below the top ``k`` is shown after them with its
  rank (the metric's rank: ties count against the model). The page starts
  with the test set's T2V / V2T recall. One self-contained file: the GIFs
  are inline.
- **Recognition** (``CLIPRecognizer``): the confusion matrix and the
  per-class accuracy as PNGs next to the page
  (``<out stem>_confusion.png``, ``<out stem>_per_class.png``), and the page
  with both and a per-class table. Base-to-novel configs
  (``BaseNovelMetric``) colour base and novel classes; the matrix is in the
  joint label space the test list uses.

``--num-workers`` overrides the data loader's workers (0 decodes in this
process).
"""
import argparse
import base64
import html
import io
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import DictAction

# The repository root, so configs can load plugins from projects/ with
# custom_imports (as tools/train.py and tools/test.py do).
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin: 1.4em 0 .4em; }
.meta { color: #555; font-size: .9em; }
.row { display: flex; gap: 10px; align-items: flex-start; flex-wrap: wrap; }
.cell { font-size: .78em; text-align: center; width: 140px; }
.thumb { border: 3px solid #ccc; background-size: contain;
         background-repeat: no-repeat; background-position: center;
         margin: 0 auto 3px; }
.thumb.gt { border-color: #1a9641; }
.cell.gt { font-weight: bold; color: #1a9641; }
.sep { align-self: center; color: #999; padding: 0 6px; }
table { border-collapse: collapse; font-size: .85em; }
td, th { border: 1px solid #ddd; padding: 2px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
img.plot { max-width: 100%; }
"""


# ------------------------------------------------------------ model, data
def build(config: str, checkpoint: Optional[str], cfg_options: Optional[dict],
          device: str, num_workers: Optional[int]):
    """The model (``mvadapt.apis.init_model``), its config and the config's
    test data loader."""
    from mmengine.runner import Runner

    from mvadapt.apis import init_model
    from mvadapt.utils import load_config, register_all_modules

    register_all_modules()
    cfg = load_config(config, cfg_options)
    if not cfg.get('test_dataloader'):
        raise ValueError(f'{config} has no test_dataloader to visualise')
    if num_workers is not None:
        cfg.test_dataloader.num_workers = num_workers
        if num_workers == 0:
            cfg.test_dataloader.persistent_workers = False
    model = init_model(cfg, checkpoint, device)
    loader = Runner.build_dataloader(cfg.test_dataloader)
    return model, cfg, loader


def model_kind(model) -> str:
    name = type(model).__name__
    if hasattr(model, 'encode_text') and hasattr(model, 'encode_video') \
            and name != 'CLIPRecognizer':
        return 'retrieval'
    if name == 'CLIPRecognizer':
        return 'recognition'
    raise TypeError(f'{name}: this tool shows VideoTextRetriever (retrieval) '
                    'and CLIPRecognizer (recognition) models')


def run_model(model, loader):
    """Yield the model's predicted data samples over the loader."""
    from mmengine.utils import ProgressBar
    bar = ProgressBar(len(loader.dataset), file=sys.stderr)
    with torch.no_grad():
        for batch in loader:
            samples = model.test_step(batch)
            for sample in samples:
                yield sample
                bar.update()
    sys.stderr.write('\n')


# ---------------------------------------------------------------- retrieval
def retrieval_features(model, loader) -> dict:
    """Features of every test video and caption, in dataset order:
    ``keys`` (video keys), ``video`` ``[V, D]``, ``text`` ``[N, D]``,
    ``text_to_video`` ``[N]``, ``captions`` ``[N]`` and ``index`` (video key
    -> dataset index)."""
    dataset = loader.dataset
    index = {dataset.get_data_info(i)['video_key']: i
             for i in range(len(dataset))}
    keys, videos, texts, text_to_video, captions = [], [], [], [], []
    for sample in run_model(model, loader):
        key = sample.metainfo['video_key']
        texts.append(sample.text_feature.float().cpu())
        videos.append(sample.video_feature.float().cpu())
        raw = dataset.get_data_info(index[key])['text']
        raw = [raw] if isinstance(raw, str) else list(raw)
        if len(raw) != texts[-1].shape[0]:
            raise ValueError(f'{key}: {len(raw)} captions but '
                             f'{texts[-1].shape[0]} caption features')
        text_to_video += [len(keys)] * len(raw)
        captions += raw
        keys.append(key)
    return dict(keys=keys, video=torch.stack(videos).numpy(),
                text=torch.cat(texts).numpy(),
                text_to_video=np.asarray(text_to_video), captions=captions,
                index=index)


def pick_queries(n_texts: int, num: int, seed: int) -> np.ndarray:
    """``num`` caption indices drawn without replacement (sorted); all of
    them when there are no more than ``num``."""
    if num >= n_texts:
        return np.arange(n_texts)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_texts, size=num, replace=False))


def top_k(text: np.ndarray, video: np.ndarray, queries: np.ndarray,
          k: int) -> Tuple[np.ndarray, np.ndarray]:
    """The ``k`` best videos of each query caption (highest dot product
    first; equal scores in gallery order) and their scores."""
    scores = text[queries] @ video.T
    order = np.argsort(-scores, axis=1, kind='stable')[:, :k]
    return order, np.take_along_axis(scores, order, axis=1)


def video_frames(dataset, idx: int) -> List[np.ndarray]:
    """The frames the model saw of one video (``H x W x 3`` uint8): the test
    pipeline's output, padded frames (``video_mask`` 0) left out, the first
    view of a multi-view clip."""
    inputs = dataset[idx]['inputs']
    mask = None
    if isinstance(inputs, dict):
        mask = inputs.get('video_mask')
        inputs = inputs['imgs']
    imgs = inputs.numpy() if isinstance(inputs, torch.Tensor) else \
        np.asarray(inputs)
    if imgs.ndim == 5:  # [views, C, T, H, W] (NCTHW) -> first view
        imgs = imgs[0].transpose(1, 0, 2, 3)
    if imgs.ndim != 4:
        raise ValueError(f'unexpected clip shape {imgs.shape}')
    if mask is not None:
        mask = np.asarray(mask).astype(bool).reshape(-1)
        if len(mask) == len(imgs):
            imgs = imgs[mask]
    frames = imgs.transpose(0, 2, 3, 1)  # [T, H, W, C]
    return [np.ascontiguousarray(f[..., :3]).astype(np.uint8) for f in frames]


def gif_base64(frames: Sequence[np.ndarray], size: int,
               frame_ms: int) -> Tuple[str, Tuple[int, int]]:
    """An animated GIF of the frames, longer side ``size`` pixels, as base64,
    and its (width, height)."""
    from PIL import Image
    images = []
    for frame in frames:
        image = Image.fromarray(frame)
        scale = size / max(image.size)
        image = image.resize((max(1, round(image.width * scale)),
                              max(1, round(image.height * scale))),
                             Image.BICUBIC)
        images.append(image)
    buf = io.BytesIO()
    images[0].save(buf, format='GIF', save_all=True,
                   append_images=images[1:], duration=frame_ms, loop=0)
    return base64.b64encode(buf.getvalue()).decode('ascii'), images[0].size


def retrieval_page(feats: dict, queries: np.ndarray, order: np.ndarray,
                   scores: np.ndarray, t2v_ranks: np.ndarray,
                   metrics: Dict[str, float], gifs: Dict[int, Tuple[str, tuple]],
                   title: str, k: int) -> str:
    """The retrieval report (self-contained HTML)."""
    esc = html.escape
    style = [STYLE]
    for v, (data, _) in gifs.items():
        style.append(f'.g{v} {{ background-image: '
                     f'url("data:image/gif;base64,{data}"); }}')

    def cell(v: int, label: str, gt: bool) -> str:
        width, height = gifs[v][1]
        cls = ' gt' if gt else ''
        return (f'<div class="cell{cls}"><div class="thumb g{v}{cls}" '
                f'style="width:{width}px;height:{height}px" '
                f'title="{esc(feats["keys"][v])}"></div>{label}'
                f'<br>{esc(feats["keys"][v])}</div>')

    summary = ', '.join(f'{name} {metrics[key]:.1f}' for name, key in (
        ('T2V R@1', 't2v/R1'), ('R@5', 't2v/R5'), ('R@10', 't2v/R10'),
        ('V2T R@1', 'v2t/R1'), ('R@5', 'v2t/R5'), ('R@10', 'v2t/R10')))
    body = [f'<h1>{esc(title)}</h1>',
            f'<p class="meta">{len(feats["keys"])} test videos, '
            f'{len(feats["captions"])} captions. {summary} (%). '
            f'{len(queries)} sample queries below, top {k} each; the '
            'ground-truth video has a green frame.</p>']
    for q, (query, row, row_scores) in enumerate(zip(queries, order,
                                                     scores)):
        gt = int(feats['text_to_video'][query])
        rank = int(t2v_ranks[query])
        body.append(f'<h2>{q + 1}. &ldquo;{esc(feats["captions"][query])}'
                    f'&rdquo; &mdash; ground truth at rank {rank}</h2>')
        cells = [cell(int(v), f'#{j + 1} &middot; {s:.3f}', int(v) == gt)
                 for j, (v, s) in enumerate(zip(row, row_scores))]
        if gt not in row:
            cells.append('<div class="sep">&hellip;</div>')
            cells.append(cell(gt, f'ground truth &middot; #{rank}', True))
        body.append('<div class="row">' + ''.join(cells) + '</div>')
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f'<title>{esc(title)}</title><style>{"".join(style)}</style>'
            '</head><body>\n' + '\n'.join(body) + '\n</body></html>\n')


def retrieval_report(model, cfg, loader, args) -> str:
    from mvadapt.evaluation.functional import (feature_retrieval_ranks,
                                               metrics_from_ranks)
    feats = retrieval_features(model, loader)
    protocol = 'video'
    for evaluator in _evaluators(cfg):
        protocol = evaluator.get('v2t_protocol', protocol)
    t2v_ranks, v2t_ranks = feature_retrieval_ranks(
        feats['text'], feats['video'], feats['text_to_video'], protocol)
    metrics = metrics_from_ranks(t2v_ranks, v2t_ranks)
    queries = pick_queries(len(feats['captions']), args.num, args.seed)
    order, scores = top_k(feats['text'], feats['video'], queries, args.k)
    shown = sorted(set(order.ravel().tolist()) |
                   {int(feats['text_to_video'][q]) for q in queries})
    gifs = {}
    for v in shown:
        frames = video_frames(loader.dataset, feats['index'][feats['keys'][v]])
        gifs[v] = gif_base64(frames, args.thumb_size, args.frame_ms)
    title = f'{osp.basename(args.config)}: text-to-video retrieval'
    page = retrieval_page(feats, queries, order, scores, t2v_ranks, metrics,
                          gifs, title, args.k)
    with open(args.out, 'w') as f:
        f.write(page)
    return (f'Wrote {args.out}: {len(queries)} queries, top {args.k} videos '
            f'each ({len(shown)} animated thumbnails, inline); T2V R@1 '
            f'{metrics["t2v/R1"]:.1f}. Open it in a browser.')


def _evaluators(cfg) -> List[dict]:
    evaluator = cfg.get('test_evaluator') or []
    return list(evaluator) if isinstance(evaluator, (list, tuple)) else \
        [evaluator]


# -------------------------------------------------------------- recognition
def confusion_matrix(labels: Sequence[int], preds: Sequence[int],
                     num_classes: int) -> np.ndarray:
    """``[true, predicted]`` counts."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels), np.asarray(preds)), 1)
    return cm


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    """Top-1 accuracy (%) of each class; NaN for a class without videos."""
    counts = cm.sum(1)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(counts > 0, 100.0 * np.diag(cm) / counts, np.nan)


def plot_confusion(cm: np.ndarray, names: Sequence[str], out_png: str,
                   title: str) -> str:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    n = len(names)
    counts = cm.sum(1, keepdims=True)
    rates = np.divide(cm, counts, out=np.zeros(cm.shape, float),
                      where=counts > 0)
    side = min(24.0, max(5.0, 0.28 * n + 2.5))
    fig, ax = plt.subplots(figsize=(side + 1.2, side))
    image = ax.imshow(rates, cmap='Blues', vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04,
                 label='fraction of the true class\'s videos')
    if n <= 80:
        font = max(4, min(9, 500 // max(n, 1)))
        ax.set_xticks(range(n), names, rotation=90, fontsize=font)
        ax.set_yticks(range(n), names, fontsize=font)
    ax.set_xlabel('predicted class')
    ax.set_ylabel('true class')
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png


def plot_per_class(acc: np.ndarray, names: Sequence[str], out_png: str,
                   title: str, novel: Optional[set] = None) -> str:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    order = sorted(range(len(names)),
                   key=lambda i: (np.nan_to_num(acc[i], nan=-1.0), i))
    values = [0.0 if np.isnan(acc[i]) else acc[i] for i in order]
    colors = ['#d95f02' if novel and names[i] in novel else '#1f78b4'
              for i in order]
    n = len(names)
    fig, ax = plt.subplots(figsize=(7, min(40.0, max(3.0, 0.2 * n + 1))))
    ax.barh(range(n), values, color=colors)
    if n <= 120:
        ax.set_yticks(range(n), [names[i] for i in order],
                      fontsize=max(4, min(8, 600 // max(n, 1))))
        for tick, color in zip(ax.get_yticklabels(), colors):
            tick.set_color(color)  # also for classes at 0 %
    ax.set_xlim(0, 100)
    ax.set_xlabel('top-1 accuracy (%)')
    ax.set_title(title, fontsize=10)
    if novel:
        ax.legend(handles=[Patch(color='#1f78b4', label='base'),
                           Patch(color='#d95f02', label='novel')],
                  fontsize=8, loc='lower right')
    ax.grid(axis='x', alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png


def _png_base64(path: str) -> str:
    with open(path, 'rb') as f:
        return base64.b64encode(f.read()).decode('ascii')


def recognition_report(model, cfg, loader, args) -> str:
    from mvadapt.utils.descriptions import read_class_names
    names = list(model.test_class_names)
    labels, preds = [], []
    for sample in run_model(model, loader):
        labels.append(int(sample.gt_label.reshape(-1)[0]))
        preds.append(int(sample.pred_score.argmax()))
    cm = confusion_matrix(labels, preds, len(names))
    acc = per_class_accuracy(cm)
    novel = None
    for evaluator in _evaluators(cfg):
        if str(evaluator.get('type', '')).endswith('BaseNovelMetric'):
            novel = set(read_class_names(evaluator['novel_classes']))
    stem = osp.splitext(args.out)[0]
    top1 = 100.0 * np.trace(cm) / max(cm.sum(), 1)
    mean_class = float(np.nanmean(acc)) if np.isfinite(acc).any() else 0.0
    what = osp.basename(args.config)
    confusion = plot_confusion(
        cm, names, stem + '_confusion.png',
        f'{what}\nconfusion matrix (rows: true class, normalised)')
    per_class = plot_per_class(
        acc, names, stem + '_per_class.png',
        f'{what}\nper-class top-1 accuracy', novel)
    esc = html.escape
    rows = ''.join(
        f'<tr><td>{esc(names[i])}'
        f'{" (novel)" if novel and names[i] in novel else ""}</td>'
        f'<td>{"&ndash;" if np.isnan(acc[i]) else f"{acc[i]:.1f}"}</td>'
        f'<td>{int(cm[i].sum())}</td>'
        f'<td>{esc(names[int(np.argmax(cm[i]))]) if cm[i].sum() else ""}'
        '</td></tr>'
        for i in sorted(range(len(names)),
                        key=lambda i: (np.nan_to_num(acc[i], nan=-1.0), i)))
    page = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f'<title>{esc(what)}</title><style>{STYLE}</style></head><body>'
            f'<h1>{esc(what)}: recognition</h1>'
            f'<p class="meta">{len(labels)} test videos, {len(names)} '
            f'classes: top-1 {top1:.1f} %, mean class accuracy '
            f'{mean_class:.1f} % (joint label space).</p>'
            f'<img class="plot" src="data:image/png;base64,'
            f'{_png_base64(confusion)}" alt="confusion matrix">'
            f'<img class="plot" src="data:image/png;base64,'
            f'{_png_base64(per_class)}" alt="per-class accuracy">'
            '<h2>Per-class accuracy (worst first)</h2><table><tr><th>class'
            '</th><th>top-1 %</th><th>videos</th><th>most often predicted'
            f'</th></tr>{rows}</table></body></html>\n')
    with open(args.out, 'w') as f:
        f.write(page)
    return (f'Wrote {confusion} and {per_class} (top-1 {top1:.1f} %, '
            f'{len(names)} classes), and {args.out} with both and a '
            'per-class table. Open it in a browser.')


# --------------------------------------------------------------------- main
def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Top-k retrieval results as animated thumbnails, or a '
        'recognition confusion matrix, on the config\'s test set.')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', nargs='?', default=None,
                        help='.pth checkpoint or adapter .safetensors '
                        '(optional: zero-shot without)')
    parser.add_argument('--num', type=int, default=20,
                        help='retrieval: number of sample query captions')
    parser.add_argument('--k', type=int, default=5,
                        help='retrieval: videos shown per query')
    parser.add_argument('--seed', type=int, default=0,
                        help='retrieval: seed of the query sample')
    parser.add_argument('--out', default='report.html', help='HTML page')
    parser.add_argument('--thumb-size', type=int, default=128,
                        help='thumbnail size (longer side, pixels)')
    parser.add_argument('--frame-ms', type=int, default=250,
                        help='thumbnail frame duration (ms)')
    parser.add_argument('--device', default=None,
                        help='default: cuda if available, else cpu')
    parser.add_argument('--num-workers', type=int, default=None,
                        help='data loader workers (default: the config\'s)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    args = parser.parse_args(argv)
    if args.num < 1 or args.k < 1:
        parser.error('--num and --k must be at least 1')
    return args


def main(argv=None) -> str:
    args = parse_args(argv)
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    model, cfg, loader = build(args.config, args.checkpoint,
                               args.cfg_options, device, args.num_workers)
    if model_kind(model) == 'retrieval':
        message = retrieval_report(model, cfg, loader, args)
    else:
        message = recognition_report(model, cfg, loader, args)
    print(message)
    return args.out


if __name__ == '__main__':
    main()
