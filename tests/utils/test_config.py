"""Run-time placeholders (mvadapt.utils.config): ``{name}`` in any string
of a config is the value of the top-level key ``name``, resolved after
``--cfg-options``."""
import pytest
from mmengine.config import Config

from mvadapt.utils import PlaceholderError, load_config, resolve_placeholders

CONFIG = """
data_root = 'data/hmdb51'
split_no = 1
split = '{data_root}/annotations/b2n_split{split_no}'
class_names = '{data_root}/annotations/class_names.txt'
model = dict(
    class_names='{split}/base_class_names.txt',
    test_class_names='{class_names}',
    template='a photo of a {}.',
    crops=(224, '{data_root}/crops'),
    heads=[dict(file='{class_names}'), dict(text='a {thing} in {}')])
train_dataloader = dict(dataset=dict(ann_file='{split}/train_base.txt'))
test_evaluator = dict(type='BaseNovelMetric', class_names='{class_names}',
                      novel_classes='{split}/novel_class_names.txt')
"""


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text(CONFIG)
    return str(path)


def test_nested_placeholders_resolve(config_file):
    cfg = load_config(config_file)
    split = 'data/hmdb51/annotations/b2n_split1'
    assert cfg.split == split
    assert cfg.model.class_names == split + '/base_class_names.txt'
    assert cfg.model.test_class_names == \
        'data/hmdb51/annotations/class_names.txt'
    assert cfg.model.crops == (224, 'data/hmdb51/crops')
    assert cfg.model.heads[0].file == cfg.class_names
    assert cfg.train_dataloader.dataset.ann_file == split + '/train_base.txt'
    assert cfg.test_evaluator.novel_classes == \
        split + '/novel_class_names.txt'


def test_an_override_follows_through(config_file):
    """--cfg-options data_root=... (and split_no=...) reach the class
    names, the training list and the metric's files."""
    cfg = load_config(config_file, {'data_root': '/elsewhere/hmdb',
                                    'split_no': 3})
    split = '/elsewhere/hmdb/annotations/b2n_split3'
    assert cfg.model.class_names == split + '/base_class_names.txt'
    assert cfg.model.test_class_names == \
        '/elsewhere/hmdb/annotations/class_names.txt'
    assert cfg.train_dataloader.dataset.ann_file == split + '/train_base.txt'
    assert cfg.test_evaluator.class_names == \
        '/elsewhere/hmdb/annotations/class_names.txt'
    assert cfg.test_evaluator.novel_classes == \
        split + '/novel_class_names.txt'
    # an override of a derived key wins over its derivation
    cfg = load_config(config_file, {'split': '/my/split'})
    assert cfg.model.class_names == '/my/split/base_class_names.txt'


def test_templates_and_unknown_names_outside_paths_stay(config_file):
    cfg = load_config(config_file)
    assert cfg.model.template == 'a photo of a {}.'
    assert cfg.model.heads[1].text == 'a {thing} in {}'


def test_resolving_twice_changes_nothing(config_file):
    cfg = load_config(config_file, {'data_root': '/x'})
    again = resolve_placeholders(Config(cfg.to_dict()))
    assert again.to_dict() == cfg.to_dict()


def test_load_config_copies_a_config(config_file):
    cfg = Config.fromfile(config_file)
    resolved = load_config(cfg, {'data_root': '/x'})
    assert resolved.model.test_class_names == '/x/annotations/class_names.txt'
    assert cfg.model.test_class_names == '{class_names}'  # untouched
    assert cfg.data_root == 'data/hmdb51'


def test_a_cycle_is_an_error():
    with pytest.raises(PlaceholderError, match='cycle: a = .* -> b = '):
        resolve_placeholders(dict(a='{b}', b='{a}/x', c='{a}'))
    with pytest.raises(PlaceholderError, match='cycle'):
        load_config(Config(dict(data_root='data')),
                    {'data_root': '{data_root}/sub'})


def test_an_unknown_name_in_a_path_is_an_error():
    with pytest.raises(PlaceholderError) as e:
        resolve_placeholders(dict(
            data_root='data', model=dict(f='{data_rot}/class_names.txt')))
    assert 'model.f' in str(e.value) and '{data_rot}' in str(e.value)
    assert 'data_root' in str(e.value)  # the names there are


def test_only_strings_and_integers_are_substituted():
    cfg = resolve_placeholders(dict(
        epochs=5, lr=0.1, flag=True, sizes=dict(a=1),
        s='{epochs} {lr} {flag} {sizes}'))
    assert cfg['s'] == '5 {lr} {flag} {sizes}'


def test_an_unknown_name_reached_through_a_key_is_an_error():
    with pytest.raises(PlaceholderError, match=r"\{shots\} names no"):
        resolve_placeholders(dict(
            stem='data/x/train', train_list='{stem}_{shots}shot.txt',
            loader=dict(ann_file='{train_list}')))
