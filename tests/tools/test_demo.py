"""tools/demo.py: stage selection, --resume bookkeeping and the tables.

The demo's training runs themselves are covered by test_train_test_e2e.py
and test_msta_e2e.py; this checks the orchestration around them."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'demo.py')


@pytest.fixture(scope='module')
def demo():
    spec = importlib.util.spec_from_file_location('mvadapt_demo', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(name, seed, **metrics):
    return dict(name=name, method=name.upper(), seed=seed, trainable=1234,
                percent=1.5, metrics=metrics, seconds=10.0)


def test_default_stages_adapt_the_shipped_backbone(demo):
    # `make demo` runs retrieval and base-to-novel recognition on the
    # shipped pretrained tiny CLIP; --pretrain / --full pretrain it again.
    assert demo.DEFAULT_STAGES == tuple(s for s in demo.STAGES
                                        if s != 'pretrain')
    assert 'b2n' in demo.DEFAULT_STAGES and 'mv-adapter' in demo.STAGES
    assert osp.isfile(demo.SHIPPED_CLIP)
    assert demo.sha256(demo.SHIPPED_CLIP) == demo.SHIPPED_SHA256
    # the demo configs, run by hand from the repository root, load it too
    from mvadapt.utils import load_config
    for name in ('zero-shot', 'clip4clip', 'mv-adapter', 'b2n-msta'):
        cfg = load_config(demo.METHODS[name][1])
        assert osp.join(ROOT, cfg.model.clip.pretrained) == \
            demo.SHIPPED_CLIP, name
    # the L_CC ablation is make demo-full's
    assert 'b2n-msta-no-lcc' not in demo.B2N_METHODS
    assert set(demo.B2N_METHODS) < set(demo.FULL_B2N_METHODS)
    for name in demo.FULL_B2N_METHODS + demo.FULL_METHODS:
        label, config, extra, trains = demo.METHODS[name]
        assert osp.isfile(config), config


def test_pretrain_stage_with_pretrain_or_full(demo):
    def stages(stages=None, pretrain=False, full=False, sweep=False):
        return demo.select_stages(SimpleNamespace(
            stages=stages, pretrain=pretrain, full=full, sweep=sweep))

    assert stages() == list(demo.DEFAULT_STAGES)
    assert stages(pretrain=True) == list(demo.STAGES)
    assert stages(full=True) == list(demo.STAGES)
    assert stages('data,b2n', full=True) == ['data', 'b2n']  # as asked
    assert stages('b2n', pretrain=True) == ['pretrain', 'b2n']
    assert stages(sweep=True) == []


def test_unknown_stage_is_refused():
    proc = subprocess.run([sys.executable, SCRIPT, '--stages', 'data,nope'],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "unknown stage(s) ['nope']" in proc.stderr


def test_backbone_is_the_work_dirs_own_else_the_checked_shipped_one(
        demo, tmp_path, monkeypatch):
    args = SimpleNamespace(work_dir=str(tmp_path))
    own = tmp_path / 'tiny_clip_static.safetensors'
    path, line = demo.backbone_in_use(args, str(own))
    assert path == demo.SHIPPED_CLIP and 'shipped' in line
    own.write_bytes(b'pretrained here')
    path, line = demo.backbone_in_use(args, str(own))
    assert path == str(own) and 'pretrained in this work dir' in line
    own.unlink()
    # a changed or truncated shipped file is refused, naming the file
    bad = tmp_path / 'shipped.safetensors'
    bad.write_bytes(b'not the weights')
    monkeypatch.setattr(demo, 'SHIPPED_CLIP', str(bad))
    with pytest.raises(SystemExit, match='shipped.safetensors has SHA-256 '
                       '.*Restore it .* or pass --pretrain'):
        demo.backbone_in_use(args, str(own))
    bad.unlink()
    with pytest.raises(SystemExit, match='shipped.safetensors is missing.*'
                       'pass --pretrain'):
        demo.backbone_in_use(args, str(own))


def test_a_fresh_pretraining_is_compared_with_the_shipped_weights(
        demo, tmp_path, monkeypatch):
    import torch
    from safetensors.torch import save_file
    weights = {'a': torch.arange(6.).view(2, 3), 'b': torch.ones(4)}
    save_file(weights, str(tmp_path / 'shipped.safetensors'))
    monkeypatch.setattr(demo, 'SHIPPED_CLIP',
                        str(tmp_path / 'shipped.safetensors'))
    save_file(weights, str(tmp_path / 'same.safetensors'))
    assert demo.compare_with_shipped(
        str(tmp_path / 'same.safetensors')).startswith('Bit-identical')
    weights['b'] = weights['b'] + 0.25
    save_file(weights, str(tmp_path / 'other.safetensors'))
    assert demo.compare_with_shipped(
        str(tmp_path / 'other.safetensors')).startswith(
            'Differs from the shipped weights by up to 0.25')
    # the same names in other shapes are another architecture, not a crash
    weights['a'] = torch.zeros(3, 2)
    save_file(weights, str(tmp_path / 'wider.safetensors'))
    assert demo.compare_with_shipped(
        str(tmp_path / 'wider.safetensors')).startswith(
            'Not the shipped architecture')


def test_resume_reuses_a_finished_run(demo, tmp_path):
    wd = tmp_path / 'b2n-msta'
    wd.mkdir()
    done = _row('b2n-msta', 0, **{'b2n/base': 1.0})
    (wd / 'demo_result.json').write_text(json.dumps(done))
    args = SimpleNamespace(work_dir=str(tmp_path), full=False, resume=True,
                           data_root='unused')
    # would fail (no config run possible) if it did not reuse the result
    assert demo.run_method('b2n-msta', 0, args, 'missing.safetensors') == done


def test_resume_reruns_a_run_on_another_backbone(demo, tmp_path,
                                                monkeypatch):
    # `make demo`, then `--pretrain --resume`: the runs on the shipped CLIP
    # are not results of the work dir's own one
    tested = []

    def fake_test(config, work_dir, opts, checkpoint=None):
        os.makedirs(work_dir, exist_ok=True)
        tested.append(opts)
        return {'b2n/base': 2.0}

    monkeypatch.setattr(demo, 'test', fake_test)
    clip = tmp_path / 'clip.safetensors'
    clip.write_bytes(b'weights one')
    args = SimpleNamespace(work_dir=str(tmp_path), full=False, resume=True,
                           data_root='unused', no_frame_cache=True)
    first = demo.run_method('b2n-zero-shot', 0, args, str(clip))
    assert len(tested) == 1 and first['backbone'] == demo.sha256(str(clip))
    assert demo.run_method('b2n-zero-shot', 0, args, str(clip)) == first
    assert len(tested) == 1  # reused
    clip.write_bytes(b'weights two')  # pretrained again, same path
    second = demo.run_method('b2n-zero-shot', 0, args, str(clip))
    assert len(tested) == 2 and second['backbone'] != first['backbone']


def test_a_run_without_methods_needs_no_backbone(demo, tmp_path,
                                                 monkeypatch):
    # e.g. --stages data: the shipped weights are neither read nor required
    monkeypatch.setattr(demo, 'SHIPPED_CLIP', str(tmp_path / 'missing'))
    monkeypatch.setattr(sys, 'argv', ['demo.py', '--stages', '',
                                      '--work-dir', str(tmp_path / 'wd')])
    demo.main()
    assert (tmp_path / 'wd' / 'results.md').is_file()


def test_b2n_tables(demo):
    rows = [_row('b2n-msta', s, **{'b2n/base': b, 'b2n/novel': n,
                                   'b2n/HM': h})
            for s, (b, n, h) in enumerate([(50., 20., 28.), (60., 30., 40.)])]
    single = demo.fmt_b2n_table(rows[:1]).splitlines()
    assert single[2] == '| B2N-MSTA | 1,234 (1.50%) | 50.0 | 20.0 | 28.0 | 10 s |'
    seeds = demo.fmt_b2n_seed_table(rows).splitlines()
    # mean ± sample std over the two seeds
    assert seeds[2] == ('| B2N-MSTA | 1.50 | 0,1 | 55.0 ± 7.1 | 25.0 ± 7.1 '
                        '| 34.0 ± 8.5 |')


def test_retrieval_seed_table(demo):
    keys = ('retrieval/t2v/R1', 'retrieval/v2t/R1', 'retrieval/twin/acc',
            'retrieval/direction_sensitive/t2v/R1',
            'retrieval/direction_insensitive/t2v/R1')
    rows = [_row('mva', 0, **dict(zip(keys, (10., 8., 50., 4., 20.)))),
            _row('mva', 1, **dict(zip(keys, (12., 8., 60., 6., 22.)))),
            _row('zs', 0, **{'retrieval/t2v/R1': 5.0})]
    lines = demo.fmt_seed_table(rows).splitlines()
    assert lines[0].startswith('| method | trainable % | seeds | T2V R@1 | '
                               'V2T R@1 | twin accuracy |')
    assert lines[2] == ('| MVA | 1.50 | 0,1 | 11.0 ± 1.4 | 8.0 ± 0.0 | '
                        '55.0 ± 7.1 | 5.0 ± 1.4 | 21.0 ± 1.4 |')
    # a metric a method did not report is n/a, not a number
    assert lines[3] == '| ZS | 1.50 | 0 | 5.0 | n/a | n/a | n/a | n/a |'


def test_single_seed_table_and_probe_table(demo):
    metrics = {f'retrieval/{d}/{k}': 1.0 for d in ('t2v', 'v2t')
               for k in ('R1', 'R5', 'R10', 'MdR', 'MnR')}
    metrics['retrieval/twin/acc'] = 62.5
    table = demo.fmt_table([_row('mva', 0, **metrics)]).splitlines()
    assert 'twin accuracy' in table[0]
    assert '| 62.5 | n/a | n/a | 10 s |' in table[2]
    probe = dict(probes={'position': dict(num_classes=9, accuracy=91.25,
                                          chance=30.0)},
                 zero_shot=dict(accuracy=70.0, num_captions=800))
    text = demo.fmt_probe_table(probe)
    assert '| position | 9 | 91.2 | 30.0 |' in text
    assert 'Zero-shot image-to-caption top-1 among the 800' in text


def test_stages_read_the_frame_cache_of_the_data_stage(demo, tmp_path):
    args = SimpleNamespace(data_root=str(tmp_path), no_frame_cache=False)
    cache = str(tmp_path / 'frame_cache')
    assert demo.cache_options(args, ('train', 'test')) == [
        f'train_dataloader.dataset.frame_cache={cache}',
        f'test_dataloader.dataset.frame_cache={cache}']
    with pytest.raises(SystemExit, match='No frame cache in .*run the data '
                       'stage first'):
        demo.require_frame_cache(args)
    args.no_frame_cache = True  # decode instead
    assert demo.cache_options(args) == []
    demo.require_frame_cache(args)


def test_sweep_reports_each_setting_at_its_best_validation_epoch(
        demo, tmp_path, monkeypatch):
    # val T2V R@1 per epoch, as tools/train.py logs it in scalars.json
    curves = {'lr 1e-4': {2: 10.0, 4: 30.0, 5: 20.0},
              'lr 2e-4': {2: 40.0, 4: 40.0, 5: 35.0}}
    trained = []

    def fake_train(config, work_dir, seed, opts):
        setting = next(s for s in curves if s.replace(' ', '-') in work_dir)
        trained.append((setting, seed, opts))
        folder = osp.join(work_dir, '20261204_000000', 'vis_data')
        os.makedirs(folder)
        with open(osp.join(folder, 'scalars.json'), 'w') as f:
            f.write(json.dumps(dict(loss=1.0, iter=1, epoch=1)) + '\n')
            for epoch, r1 in curves[setting].items():
                f.write(json.dumps({'retrieval/t2v/R1': r1,
                                    'retrieval/twin/acc': 50.0 + epoch,
                                    'step': epoch}) + '\n')

    monkeypatch.setattr(demo, 'train', fake_train)
    monkeypatch.setattr(demo, 'SWEEPS', {'clip4clip': [
        ('lr 1e-4', demo._lr(1e-4)), ('lr 2e-4', demo._lr(2e-4))]})
    args = SimpleNamespace(work_dir=str(tmp_path), resume=False,
                           data_root='/data', no_frame_cache=True)
    rows = demo.run_sweep(args, 'clip.safetensors')
    assert [(r['setting'], r['epoch']) for r in rows] == [('lr 1e-4', 4),
                                                           ('lr 2e-4', 2)]
    assert rows[0]['val'] == {'retrieval/t2v/R1': 30.0,
                              'retrieval/twin/acc': 54.0}
    # seed 0, train and val data only: the test split is never touched
    for _, seed, opts in trained:
        assert seed == 0 and not any(o.startswith('test_') for o in opts)
    assert 'optim_wrapper.optimizer.lr=0.0001' in trained[0][2]
    table = demo.fmt_sweep_table(rows)
    assert '| lr 1e-4 | 4 | 30.0 | – | 54.0 | – |' in table
    # --resume reuses the finished settings without training again
    args.resume = True
    assert demo.run_sweep(args, 'clip.safetensors') == rows
    assert len(trained) == 2


def test_sweep_settings_name_real_methods_and_options(demo):
    for name, settings in demo.SWEEPS.items():
        assert demo.METHODS[name][3], f'{name} does not train'
        for setting, opts in settings:
            assert all('=' in o for o in opts), setting



def test_resume_reuses_an_earlier_pretraining(demo, tmp_path, monkeypatch,
                                              capsys):
    import shutil
    shutil.copy(demo.SHIPPED_CLIP, tmp_path / 'tiny_clip_static.safetensors')
    (tmp_path / 'pretrain').mkdir()
    (tmp_path / 'pretrain' / 'probe.json').write_text('{"probes": {}}')

    def no_training(*args, **kwargs):
        raise AssertionError('pretrained again despite --resume')

    monkeypatch.setattr(demo, 'train', no_training)
    monkeypatch.setattr(sys, 'argv', ['demo.py', '--stages', 'pretrain',
                                      '--resume', '--work-dir',
                                      str(tmp_path)])
    demo.main()
    out = capsys.readouterr().out
    assert 'Pretrained tiny CLIP of an earlier run reused' in out
    assert 'Bit-identical to the shipped weights' in out
    # without --resume it pretrains
    monkeypatch.setattr(sys, 'argv', ['demo.py', '--stages', 'pretrain',
                                      '--work-dir', str(tmp_path)])
    with pytest.raises(AssertionError, match='pretrained again'):
        demo.main()
