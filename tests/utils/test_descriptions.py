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
    temporal = write(tmp_path, 't.json', {'0': ['f run', 'g'],
                                          '1': ['jumping h', 'i']})
    out = load_descriptions(dict(spatial=spatial, temporal=temporal,
                                 class_names=CLASSES),
                            CLASSES, num_per_class=2)
    assert out['spatial'] == [['a', 'b'], ['d', 'e']]
    assert out['temporal'][1] == ['jumping h', 'i']


# The authors' files (ETL4Video description/*_base.json) in miniature: keyed
# by index in ViFi-CLIP's label order, which is not the alphabetical order of
# a dataset's class_names.txt.
VIFICLIP_ORDER = ['pour', 'sword exercise', 'sword', 'wave', 'brush hair']
OUR_NAMES = ['brush_hair', 'pour', 'sword', 'sword_exercise', 'wave']


def authors_files(tmp_path):
    spatial, temporal = {}, {}
    for i, name in enumerate(VIFICLIP_ORDER):
        spatial[str(i)] = [f'A video about {name} {k}.' for k in range(2)]
        temporal[str(i)] = [
            f'A video of {name} generally involves the following step: '
            f'step {k}, which is a sub-step.' for k in range(2)]
    labels = tmp_path / 'labels.csv'  # ViFi-CLIP's labels/*.csv format
    labels.write_text('id,name\n' + ''.join(
        f'{i},{n}\n' for i, n in enumerate(VIFICLIP_ORDER)))
    return (write(tmp_path, 's.json', spatial),
            write(tmp_path, 't.json', temporal), str(labels))


def test_authors_files_are_matched_by_class_name(tmp_path):
    spatial, temporal, labels = authors_files(tmp_path)
    # without their label list the indices cannot be trusted
    with pytest.raises(DescriptionError, match='need class_names'):
        load_descriptions(dict(spatial=spatial, temporal=temporal),
                          OUR_NAMES)
    out = load_descriptions(dict(spatial=spatial, temporal=temporal,
                                 class_names=labels), OUR_NAMES)
    for name, texts in zip(OUR_NAMES, out['temporal']):
        assert texts[0].startswith(
            f'A video of {name.replace("_", " ")} generally'), name
    assert out['spatial'][0] == ['A video about brush hair 0.',
                                 'A video about brush hair 1.']
    # a subset of the classes (a base split) in our own order
    sub = load_descriptions(dict(spatial=spatial, temporal=temporal,
                                 class_names=labels), ['wave', 'pour'])
    assert sub['spatial'][0][0] == 'A video about wave 0.'
    # the wrong label list (ours, alphabetical): the temporal descriptions
    # do not name the classes of their indices
    ours = tmp_path / 'ours.txt'
    ours.write_text('\n'.join(OUR_NAMES) + '\n')
    with pytest.raises(DescriptionError, match='do not name the class'):
        load_descriptions(dict(spatial=spatial, temporal=temporal,
                               class_names=str(ours)), OUR_NAMES)
    missing = tmp_path / 'four.txt'
    missing.write_text('\n'.join(VIFICLIP_ORDER[:4]) + '\n')
    with pytest.raises(DescriptionError, match="lacks classes \\['brush_hair'"):
        load_descriptions(dict(spatial=spatial, temporal=temporal,
                               class_names=str(missing)), OUR_NAMES)


def test_names_its_class():
    from mvadapt.utils.descriptions import names_its_class
    assert names_its_class('situp', ['A video of situps generally ...'])
    assert names_its_class('stand', ['A video of standing generally ...'])
    assert names_its_class('ApplyEyeMakeup', ['apply eye make-up: ...'])
    assert names_its_class('petting animal (not cat)',
                           ['A video of petting animal generally ...'])
    assert not names_its_class('brush hair', ['A video of pour generally'])


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
    temporal = write(tmp_path, 't.json', {'0': ['run'], '1': ['jump']})
    with pytest.raises(DescriptionError, match='missing'):
        load_descriptions(dict(spatial=spatial, temporal=temporal,
                               class_names=CLASSES), CLASSES)
    ok = write(tmp_path, 'ok.json', {'0': ['a'], '1': ['b']})
    with pytest.raises(DescriptionError, match='2 are required'):
        load_descriptions(dict(spatial=ok, temporal=temporal,
                               class_names=CLASSES), CLASSES,
                          num_per_class=2)
    with pytest.raises(FileNotFoundError, match='generate_descriptions'):
        load_descriptions(dict(spatial=str(tmp_path / 'x.json'),
                               temporal=temporal, class_names=CLASSES),
                          CLASSES)


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
            temporal=osp.join(d, 'descriptions', 'temporal.json'),
            class_names=names), names, 2)
        assert a == b
