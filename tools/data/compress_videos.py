#!/usr/bin/env python
"""Re-encode a folder of videos small and low-frame-rate for fast training.

This is the preprocessing CLIP4Clip recommends for MSR-VTT & co. (its
``preprocess/compress_video.py``: ``ffmpeg -r 3 -vf scale=...:224``), done
with PyAV so no ``ffmpeg`` binary is needed::

    python tools/data/compress_videos.py SRC_DIR DST_DIR \\
        [--short-side 224] [--fps 3] [--workers N] [--crf 23] \\
        [--preset veryfast] [--ext .mp4] [--keep-name] [--overwrite]

Every video below ``SRC_DIR`` (by extension, see ``VIDEO_EXTS``) is written to
the same relative path below ``DST_DIR``:

* resized so the short side is ``--short-side`` (aspect kept, never upscaled,
  both dimensions rounded to even numbers as yuv420p requires);
* resampled to ``--fps`` by timestamp: output frame ``k`` (time ``k / fps``)
  shows the input frame nearest to that time, so frames are dropped or
  duplicated, never blended (``--fps 0`` keeps the source rate);
* encoded as H.264 (libx264, yuv420p, ``--crf``/``--preset``); audio and other
  streams are dropped.

File names: by default the output is ``<relative stem><--ext>`` (e.g.
``video1.avi`` -> ``video1.mp4``), so the name tells the truth about the
container.  Since the annotation files key videos by file name, a note is
printed whenever a name changes; update the keys, or pass ``--keep-name`` to
keep every original name (extension included).  With ``--keep-name`` the file
still holds H.264 in the ``--ext`` container (mp4 by default); decord, PyAV
and FFmpeg detect the container from the content, not the name, so
``video1.avi`` then decodes fine.  For MSR-VTT (``.mp4`` in, ``.mp4`` out) the
two are the same.

Resumable: each output is written to ``<output>.part`` and atomically renamed
when complete, so an existing output is always complete and is skipped (unless
``--overwrite``); leftover ``.part`` files of an interrupted run are removed.
A corrupt or unreadable input is reported by name and does not stop the
others; the failures are listed (``<relative path><TAB><error>``) in
``DST_DIR/failed.txt`` and the exit code is 1.  A run without failures removes
a stale ``failed.txt``.
"""
import argparse
import multiprocessing
import os
import os.path as osp
import sys
import time
from fractions import Fraction
from typing import Dict, List, Optional, Tuple

VIDEO_EXTS = ('.mp4', '.avi', '.mkv', '.mov', '.webm', '.m4v', '.flv',
              '.mpg', '.mpeg', '.wmv', '.3gp', '.ts', '.mts', '.ogv')
# output extension -> FFmpeg muxer able to hold H.264
CONTAINERS = {'.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov',
              '.mkv': 'matroska'}
TMP_SUFFIX = '.part'
FAILED_LIST = 'failed.txt'


def output_size(width: int, height: int,
                short_side: int) -> Tuple[int, int]:
    """Output (width, height): short side ``short_side``, even, no upscale.

    The short side becomes ``short_side`` rounded down to even (or the source
    short side rounded down to even if that is not larger); the long side
    keeps the aspect ratio, rounded to the nearest even number but never above
    the source.
    """
    short, long_ = min(width, height), max(width, height)
    if short_side > 0 and short > short_side:
        new_short = max(2, short_side // 2 * 2)
    else:
        new_short = max(2, short // 2 * 2)
    new_long = int(round(long_ * new_short / short / 2)) * 2
    new_long = max(2, min(long_ // 2 * 2, new_long))
    if width <= height:
        return new_short, new_long
    return new_long, new_short


def _frame_time(frame, index: int, rate: Fraction) -> float:
    if frame.pts is not None and frame.time_base is not None:
        return float(frame.pts * frame.time_base)
    return index / float(rate)


def compress_video(src: str, dst: str, short_side: int = 224,
                   fps: float = 3, crf: int = 23, preset: str = 'veryfast',
                   *, container_format: Optional[str] = None,
                   threads: int = 0) -> Dict:
    """Re-encode one video (see the module docstring); atomic.

    Args:
        src (str): Input video.
        dst (str): Output path; written as ``dst + '.part'`` and renamed.
            Its folder must exist.
        short_side (int): Target short side (no upscaling); <= 0 keeps size.
        fps (float): Output frame rate; <= 0 keeps the source rate.
        crf (int): x264 constant rate factor (lower = better, larger).
        preset (str): x264 preset.
        container_format (str, optional): FFmpeg muxer; by default derived
            from ``dst``'s extension (see ``CONTAINERS``), else ``'mp4'``.
        threads (int): Decoder/encoder threads; 0 lets FFmpeg/x264 choose.

    Returns:
        dict: ``src``, ``dst``, ``src_bytes``, ``dst_bytes``, ``src_size`` and
        ``dst_size`` (width, height), ``src_fps``, ``dst_fps``,
        ``src_frames``, ``dst_frames``, ``duration`` (s) and ``seconds`` (wall
        time).

    Raises:
        Exception: Whatever PyAV raises for an unreadable input, or
        ``ValueError`` for a file without video or without decodable frames.
        No output (and no temporary file) is left behind then.
    """
    import av  # local import: workers import it themselves
    start = time.perf_counter()
    if container_format is None:
        container_format = CONTAINERS.get(osp.splitext(dst)[1].lower(), 'mp4')
    tmp = dst + TMP_SUFFIX
    info = dict(src=src, dst=dst, src_bytes=osp.getsize(src))
    try:
        with av.open(src, mode='r') as inp:
            if not inp.streams.video:
                raise ValueError('no video stream')
            vin = inp.streams.video[0]
            vin.thread_type = 'AUTO'
            if threads:
                vin.codec_context.thread_count = threads
            src_rate = vin.average_rate or vin.guessed_rate or Fraction(25)
            src_rate = Fraction(src_rate)
            rate = (Fraction(fps).limit_denominator(1001) if fps > 0
                    else src_rate.limit_denominator(1001))
            width, height = vin.codec_context.width, vin.codec_context.height
            if not width or not height:
                raise ValueError('video stream without frame size')
            out_w, out_h = output_size(width, height, short_side)
            info.update(src_size=(width, height), dst_size=(out_w, out_h),
                        src_fps=float(src_rate), dst_fps=float(rate))

            options = {'crf': str(crf), 'preset': preset}
            if threads:
                options['threads'] = str(threads)
            mux_options = ({'movflags': '+faststart'}
                           if container_format in ('mp4', 'mov') else {})
            n_in = n_out = 0
            t0 = None
            with av.open(tmp, mode='w', format=container_format,
                         options=mux_options) as out:
                vout = out.add_stream('libx264', rate=rate, options=options)
                vout.width, vout.height = out_w, out_h
                vout.pix_fmt = 'yuv420p'
                tb = Fraction(1) / rate

                def emit(frame, until: float) -> None:
                    """Encode ``frame`` for every output slot before
                    ``until`` (seconds since the first frame)."""
                    nonlocal n_out
                    while n_out / rate < until:
                        o = frame.reformat(width=out_w, height=out_h,
                                           format='yuv420p',
                                           interpolation='BICUBIC')
                        o.pts, o.time_base = n_out, tb
                        o.pict_type = av.video.frame.PictureType.NONE
                        for packet in vout.encode(o):
                            out.mux(packet)
                        n_out += 1

                prev, prev_t = None, 0.0
                for frame in inp.decode(vin):
                    t = _frame_time(frame, n_in, src_rate)
                    if t0 is None:
                        t0 = t
                    t = max(t - t0, prev_t)  # guard against non-monotonic pts
                    if prev is not None:
                        # prev is nearest for slots before the midpoint
                        emit(prev, (prev_t + t) / 2)
                    prev, prev_t = frame, t
                    n_in += 1
                if prev is None:
                    raise ValueError('no decodable video frames')
                # the last frame lasts one source frame period
                emit(prev, prev_t + 1 / float(src_rate))
                for packet in vout.encode():
                    out.mux(packet)
        os.replace(tmp, dst)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    info.update(dst_bytes=osp.getsize(dst), src_frames=n_in,
                dst_frames=n_out,
                duration=prev_t + 1 / float(src_rate),
                seconds=time.perf_counter() - start)
    return info


def find_videos(src_dir: str, exclude: Optional[str] = None) -> List[str]:
    """Relative paths of the videos below ``src_dir``, sorted; the folder
    ``exclude`` (e.g. DST_DIR inside SRC_DIR) is not searched."""
    found = []
    exclude = osp.realpath(exclude) if exclude else None
    for root, dirs, files in os.walk(src_dir):
        dirs[:] = sorted(d for d in dirs
                         if osp.realpath(osp.join(root, d)) != exclude)
        for name in files:
            if osp.splitext(name)[1].lower() in VIDEO_EXTS:
                found.append(osp.relpath(osp.join(root, name), src_dir))
    return sorted(found)


def output_name(rel: str, ext: str, keep_name: bool) -> str:
    return rel if keep_name else osp.splitext(rel)[0] + ext


def _worker(job: Tuple) -> Tuple[str, Optional[Dict], Optional[str]]:
    rel, src, dst, kwargs = job
    try:
        return rel, compress_video(src, dst, **kwargs), None
    except Exception as e:  # noqa: BLE001 - report, never stop the others
        msg = ' '.join(f'{type(e).__name__}: {e}'.split())
        return rel, None, msg


def _mb(n: int) -> str:
    """Human-readable size."""
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if n < 1024 or unit == 'GiB':
            return f'{n:.0f} {unit}' if unit == 'B' else f'{n:.1f} {unit}'
        n /= 1024
    return f'{n:.1f} TiB'


def _ratio(before: int, after: int) -> str:
    return f'{after / before:.1%} of the input' if before else 'n/a'


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Re-encode videos (short side, fps, H.264) for fast '
        'training, keeping the folder structure; resumable.',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('src_dir', help='folder with the source videos')
    p.add_argument('dst_dir', help='output folder (created)')
    p.add_argument('--short-side', type=int, default=224,
                   help='short side of the output (never upscaled; <= 0 '
                   'keeps the size)')
    p.add_argument('--fps', type=float, default=3,
                   help='output frame rate (<= 0 keeps the source rate)')
    p.add_argument('--workers', type=int,
                   default=min(4, os.cpu_count() or 1),
                   help='parallel processes')
    p.add_argument('--crf', type=int, default=23, help='x264 CRF')
    p.add_argument('--preset', default='veryfast', help='x264 preset')
    p.add_argument('--ext', default='.mp4', choices=sorted(CONTAINERS),
                   help='extension of the outputs, selects the container')
    p.add_argument('--keep-name', action='store_true',
                   help='keep each original file name (extension included) '
                   'so annotation keys stay valid; the content is still '
                   'H.264 in the --ext container')
    p.add_argument('--overwrite', action='store_true',
                   help='re-encode even if the output exists')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    src_dir, dst_dir = osp.abspath(args.src_dir), osp.abspath(args.dst_dir)
    if not osp.isdir(src_dir):
        print(f'error: {args.src_dir} is not a folder', file=sys.stderr)
        return 2
    if src_dir == dst_dir:
        print('error: SRC_DIR and DST_DIR must differ', file=sys.stderr)
        return 2
    rels = find_videos(src_dir, exclude=dst_dir)
    if not rels:
        print(f'no videos ({", ".join(VIDEO_EXTS)}) found in {src_dir}')
        return 0

    outs = {}
    for rel in rels:
        outs.setdefault(output_name(rel, args.ext, args.keep_name),
                        []).append(rel)
    clashes = {o: r for o, r in outs.items() if len(r) > 1}
    if clashes:
        print('error: several inputs map to the same output; use '
              '--keep-name:', file=sys.stderr)
        for o, r in sorted(clashes.items()):
            print(f'  {o} <- {", ".join(r)}', file=sys.stderr)
        return 2
    renamed = [r for r in rels
               if output_name(r, args.ext, args.keep_name) != r]
    if renamed:
        print(f'note: {len(renamed)} of {len(rels)} outputs get the '
              f'extension {args.ext} (e.g. {renamed[0]} -> '
              f'{output_name(renamed[0], args.ext, False)}); update the '
              'annotation keys or rerun with --keep-name.')

    workers = max(1, args.workers)
    threads = max(1, (os.cpu_count() or 1) // workers)
    kwargs = dict(short_side=args.short_side, fps=args.fps, crf=args.crf,
                  preset=args.preset,
                  container_format=CONTAINERS[args.ext], threads=threads)
    jobs, skipped = [], []
    for rel in rels:
        src = osp.join(src_dir, rel)
        dst = osp.join(dst_dir, output_name(rel, args.ext, args.keep_name))
        os.makedirs(osp.dirname(dst), exist_ok=True)
        if osp.exists(dst + TMP_SUFFIX):  # left by an interrupted run
            os.remove(dst + TMP_SUFFIX)
        if (not args.overwrite and osp.isfile(dst)
                and osp.getsize(dst) > 0):
            skipped.append((rel, src, dst))
        else:
            jobs.append((rel, src, dst, kwargs))

    print(f'{len(rels)} videos: {len(jobs)} to encode, {len(skipped)} '
          f'already done; short side {args.short_side}, fps {args.fps:g}, '
          f'crf {args.crf}, preset {args.preset}, {workers} workers')
    from tqdm import tqdm
    done, failed = [], []
    start = time.perf_counter()
    pool = multiprocessing.Pool(workers) if workers > 1 and \
        len(jobs) > 1 else None
    try:
        results = (pool.imap_unordered(_worker, jobs) if pool
                   else map(_worker, jobs))
        for rel, info, err in tqdm(results, total=len(jobs), unit='video',
                                   dynamic_ncols=True):
            if err is None:
                done.append(info)
            else:
                failed.append((rel, err))
                tqdm.write(f'FAILED {rel}: {err}')
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    elapsed = time.perf_counter() - start

    before = sum(i['src_bytes'] for i in done)
    after = sum(i['dst_bytes'] for i in done)
    print(f'converted: {len(done)} ({_mb(before)} -> {_mb(after)}, '
          f'{_ratio(before, after)}) in {elapsed:.1f} s')
    s_before = sum(osp.getsize(s) for _, s, _ in skipped)
    s_after = sum(osp.getsize(d) for _, _, d in skipped)
    print(f'skipped:   {len(skipped)} existing outputs ({_mb(s_before)} -> '
          f'{_mb(s_after)})')
    print(f'failed:    {len(failed)}')
    print(f'total:     {_mb(before + s_before)} -> {_mb(after + s_after)} '
          f'({_ratio(before + s_before, after + s_after)})')
    failed_path = osp.join(dst_dir, FAILED_LIST)
    if failed:
        failed.sort()
        with open(failed_path, 'w') as f:
            for rel, err in failed:
                f.write(f'{rel}\t{err}\n')
        print(f'failed inputs listed in {failed_path}:')
        for rel, _ in failed:
            print(f'  {rel}')
        return 1
    if osp.exists(failed_path):
        os.remove(failed_path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
