import json

import pytest

from mvadapt.utils.descriptions import DescriptionError, load_descriptions

CLASSES = ['run', 'jump']


def write(tmp_path, name, obj):
    path = tmp_path / name
    path.write_text(json.dumps(obj))
    return str(path)


def test_index_keyed_authors_format(tmp_path):
    spatial = write(tmp_path, 's.json', {'0': ['a', 'b', 'c'], '1': ['d', 'e']})
    temporal = write(tmp_path, 't.json', {'0': ['f', 'g'], '1': ['h', 'i']})
    out = load_descriptions(dict(spatial=spatial, temporal=temporal),
                            CLASSES, num_per_class=2)
    assert out['spatial'] == [['a', 'b'], ['d', 'e']]
    assert out['temporal'][1] == ['h', 'i']


def test_name_keyed_format(tmp_path):
    path = write(tmp_path, 'd.json', {
        'run': {'spatial': ['a'], 'temporal': ['b']},
        'jump': {'spatial': ['c'], 'temporal': ['d']}})
    out = load_descriptions(path, CLASSES)
    assert out['spatial'] == [['a'], ['c']]


@pytest.mark.parametrize('obj,match', [
    ({'run': {'spatial': ['a'], 'temporal': ['b']}}, 'no descriptions'),
    ({'run': {'spatial': ['a']}, 'jump': {'spatial': ['c'],
                                           'temporal': ['d']}}, 'lacks'),
    ({'run': {'spatial': [''], 'temporal': ['b']},
      'jump': {'spatial': ['c'], 'temporal': ['d']}}, 'non-empty'),
])
def test_name_keyed_errors(tmp_path, obj, match):
    path = write(tmp_path, 'd.json', obj)
    with pytest.raises(DescriptionError, match=match) as e:
        load_descriptions(path, CLASSES)
    assert path in str(e.value)


def test_index_keyed_errors(tmp_path):
    spatial = write(tmp_path, 's.json', {'0': ['a'], '2': ['b']})
    temporal = write(tmp_path, 't.json', {'0': ['f'], '1': ['h']})
    with pytest.raises(DescriptionError, match='missing'):
        load_descriptions(dict(spatial=spatial, temporal=temporal), CLASSES)
    ok = write(tmp_path, 'ok.json', {'0': ['a'], '1': ['b']})
    with pytest.raises(DescriptionError, match='2 are required'):
        load_descriptions(dict(spatial=ok, temporal=temporal), CLASSES,
                          num_per_class=2)
    with pytest.raises(FileNotFoundError, match='generate_descriptions'):
        load_descriptions(dict(spatial=str(tmp_path / 'x.json'),
                               temporal=temporal), CLASSES)


def test_moving_shapes_files_validate():
    import importlib.util
    import os.path as osp
    import tempfile
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    spec = importlib.util.spec_from_file_location(
        'ms', osp.join(root, 'tools', 'data', 'moving_shapes.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with tempfile.TemporaryDirectory() as d:
        module.generate(d, preset='tiny', progress=False, verbose=False)
        names = open(osp.join(d, 'class_names.txt')).read().split('\n')
        names = [n for n in names if n]
        a = load_descriptions(osp.join(d, 'descriptions',
                                       'descriptions.json'), names, 2)
        b = load_descriptions(dict(
            spatial=osp.join(d, 'descriptions', 'spatial.json'),
            temporal=osp.join(d, 'descriptions', 'temporal.json')), names, 2)
        assert a == b
