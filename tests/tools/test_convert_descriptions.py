"""convert_descriptions.py: the authors' index-keyed files (ViFi-CLIP's
label order) to one name-keyed file, matched by class name."""
import json
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'data', 'convert_descriptions.py')

# miniature of ETL4Video's 2_{s,t}_description_hmdb_{base,novel}.json, keyed
# in ViFi-CLIP's base / novel order
BASE = ['pour', 'sword exercise', 'sword']
NOVEL = ['kick ball', 'kick']
OURS = ['kick', 'kick_ball', 'pour', 'sword', 'sword_exercise']


def authors_pair(tmp_path, part, names):
    for kind in ('s', 't'):
        data = {str(i): [
            (f'A video about {n}, view {k}.' if kind == 's' else
             f'A video of {n} generally involves the following step: '
             f'step {k}, which is a sub-step.') for k in range(2)]
            for i, n in enumerate(names)}
        (tmp_path / f'2_{kind}_{part}.json').write_text(json.dumps(data))
    labels = tmp_path / f'{part}_labels.txt'
    labels.write_text('\n'.join(names) + '\n')
    return ['--spatial', str(tmp_path / f'2_s_{part}.json'), '--temporal',
            str(tmp_path / f'2_t_{part}.json'), '--labels', str(labels)]


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_convert_base_and_novel_to_our_names(tmp_path):
    names = tmp_path / 'class_names.txt'
    names.write_text('\n'.join(OURS) + '\n')
    out = tmp_path / 'descriptions.json'
    proc = run(*authors_pair(tmp_path, 'base', BASE),
               *authors_pair(tmp_path, 'novel', NOVEL),
               '--class-names', names, '--out', out)
    assert proc.returncode == 0, proc.stderr
    assert f'Wrote descriptions of 5 classes to {out}' in proc.stdout
    data = json.loads(out.read_text())
    assert sorted(data) == sorted(OURS)
    for name in OURS:  # each class has its own descriptions
        readable = name.replace('_', ' ')
        assert data[name]['spatial'][1] == f'A video about {readable}, view 1.'
        assert data[name]['temporal'][0].startswith(
            f'A video of {readable} generally')
    # the result is what the model loads
    from mvadapt.utils.descriptions import load_descriptions
    loaded = load_descriptions(str(out), OURS, num_per_class=2)
    assert loaded['temporal'][3][0].startswith('A video of sword generally')


def test_wrong_label_list_is_an_error(tmp_path):
    args = authors_pair(tmp_path, 'base', BASE)
    # the novel files read through the base list: indices 0, 1 are 'pour',
    # 'sword exercise' there, but the descriptions are of kick ball, kick
    novel = authors_pair(tmp_path, 'novel', NOVEL)
    novel[-1] = args[-1].replace('base_labels', 'novel_labels')
    (tmp_path / 'novel_labels.txt').write_text('pour\nsword exercise\n')
    proc = run(*novel, '--out', tmp_path / 'x.json')
    assert proc.returncode == 1
    assert 'do not name the class' in proc.stderr
    assert not (tmp_path / 'x.json').exists()
    # --no-name-check converts as told, and lists the classes not named
    proc = run(*novel, '--no-name-check', '--out', tmp_path / 'x.json')
    assert proc.returncode == 0, proc.stderr
    assert "do not name them: ['pour', 'sword exercise']" in proc.stdout
    # a class outside --class-names
    names = tmp_path / 'names.txt'
    names.write_text('pour\nsword\n')
    proc = run(*args, '--class-names', names, '--out', tmp_path / 'y.json')
    assert proc.returncode == 1 and "'sword exercise' is not in" in \
        proc.stderr
