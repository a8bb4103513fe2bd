import mmaction.registry as mmaction_registry
from mmengine.registry import DefaultScope, Registry

import mvadapt.registry as registry
from mvadapt.utils import register_all_modules


def test_every_registry_is_a_child_of_mmactions():
    names = [n for n, v in vars(registry).items()
             if isinstance(v, Registry) and not n.startswith('MMACTION_')]
    assert {'MODELS', 'DATASETS', 'TRANSFORMS', 'METRICS', 'HOOKS',
            'LOG_PROCESSORS'} <= set(names)
    for name in names:
        child = getattr(registry, name)
        assert child.scope == 'mvadapt'
        assert child.parent is getattr(mmaction_registry, name)


def test_mvadapt_scope_finds_own_and_mmaction_modules():
    register_all_modules()
    assert DefaultScope.get_current_instance().scope_name == 'mvadapt'
    tokenize = registry.TRANSFORMS.build(dict(type='OpenCLIPTokenize'))
    assert type(tokenize).__module__.startswith('mvadapt')
    decord = registry.TRANSFORMS.build(dict(type='DecordInit'))
    assert type(decord).__module__.startswith('mmaction')
    assert registry.METRICS.get('RetrievalMetric').__module__.startswith(
        'mvadapt')
