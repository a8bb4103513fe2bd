"""mvadapt's registries: children of MMAction2's, scope ``mvadapt``.

A config with ``default_scope='mvadapt'`` finds mvadapt's modules first and
falls back to MMAction2's (``DecordInit``, ``PackActionInputs``, ...) and then
MMEngine's.
"""
from mmaction.registry import DATA_SAMPLERS as MMACTION_DATA_SAMPLERS
from mmaction.registry import DATASETS as MMACTION_DATASETS
from mmaction.registry import EVALUATOR as MMACTION_EVALUATOR
from mmaction.registry import HOOKS as MMACTION_HOOKS
from mmaction.registry import INFERENCERS as MMACTION_INFERENCERS
from mmaction.registry import LOG_PROCESSORS as MMACTION_LOG_PROCESSORS
from mmaction.registry import LOOPS as MMACTION_LOOPS
from mmaction.registry import METRICS as MMACTION_METRICS
from mmaction.registry import MODEL_WRAPPERS as MMACTION_MODEL_WRAPPERS
from mmaction.registry import MODELS as MMACTION_MODELS
from mmaction.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMACTION_OPTIM_WRAPPER_CONSTRUCTORS
from mmaction.registry import OPTIM_WRAPPERS as MMACTION_OPTIM_WRAPPERS
from mmaction.registry import OPTIMIZERS as MMACTION_OPTIMIZERS
from mmaction.registry import PARAM_SCHEDULERS as MMACTION_PARAM_SCHEDULERS
from mmaction.registry import RUNNER_CONSTRUCTORS as MMACTION_RUNNER_CONSTRUCTORS
from mmaction.registry import RUNNERS as MMACTION_RUNNERS
from mmaction.registry import TASK_UTILS as MMACTION_TASK_UTILS
from mmaction.registry import TRANSFORMS as MMACTION_TRANSFORMS
from mmaction.registry import VISBACKENDS as MMACTION_VISBACKENDS
from mmaction.registry import VISUALIZERS as MMACTION_VISUALIZERS
from mmaction.registry import \
    WEIGHT_INITIALIZERS as MMACTION_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

SCOPE = 'mvadapt'

MODELS = Registry('model', parent=MMACTION_MODELS, scope=SCOPE,
                  locations=['mvadapt.models'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMACTION_MODEL_WRAPPERS,
                          scope=SCOPE, locations=['mvadapt.models'])
DATASETS = Registry('dataset', parent=MMACTION_DATASETS, scope=SCOPE,
                    locations=['mvadapt.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMACTION_DATA_SAMPLERS,
                         scope=SCOPE, locations=['mvadapt.datasets'])
TRANSFORMS = Registry('transform', parent=MMACTION_TRANSFORMS, scope=SCOPE,
                      locations=['mvadapt.datasets.transforms'])
METRICS = Registry('metric', parent=MMACTION_METRICS, scope=SCOPE,
                   locations=['mvadapt.evaluation'])
EVALUATOR = Registry('evaluator', parent=MMACTION_EVALUATOR, scope=SCOPE,
                     locations=['mvadapt.evaluation'])
HOOKS = Registry('hook', parent=MMACTION_HOOKS, scope=SCOPE,
                 locations=['mvadapt.engine.hooks'])
LOOPS = Registry('loop', parent=MMACTION_LOOPS, scope=SCOPE,
                 locations=['mvadapt.engine'])
OPTIMIZERS = Registry('optimizer', parent=MMACTION_OPTIMIZERS, scope=SCOPE,
                      locations=['mvadapt.engine'])
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=MMACTION_OPTIM_WRAPPERS,
                          scope=SCOPE, locations=['mvadapt.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMACTION_OPTIM_WRAPPER_CONSTRUCTORS, scope=SCOPE,
    locations=['mvadapt.engine'])
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=MMACTION_PARAM_SCHEDULERS, scope=SCOPE,
                            locations=['mvadapt.engine'])
VISBACKENDS = Registry('vis_backend', parent=MMACTION_VISBACKENDS,
                       scope=SCOPE, locations=['mvadapt.engine'])
VISUALIZERS = Registry('visualizer', parent=MMACTION_VISUALIZERS,
                       scope=SCOPE, locations=['mvadapt.engine'])
LOG_PROCESSORS = Registry('log_processor', parent=MMACTION_LOG_PROCESSORS,
                          scope=SCOPE, locations=['mvadapt.engine'])
RUNNERS = Registry('runner', parent=MMACTION_RUNNERS, scope=SCOPE,
                   locations=['mvadapt.engine'])
RUNNER_CONSTRUCTORS = Registry('runner constructor',
                               parent=MMACTION_RUNNER_CONSTRUCTORS,
                               scope=SCOPE, locations=['mvadapt.engine'])
WEIGHT_INITIALIZERS = Registry('weight initializer',
                               parent=MMACTION_WEIGHT_INITIALIZERS,
                               scope=SCOPE, locations=['mvadapt.models'])
TASK_UTILS = Registry('task util', parent=MMACTION_TASK_UTILS, scope=SCOPE,
                      locations=['mvadapt.models'])
INFERENCERS = Registry('inferencer', parent=MMACTION_INFERENCERS,
                       scope=SCOPE, locations=['mvadapt.apis'])
