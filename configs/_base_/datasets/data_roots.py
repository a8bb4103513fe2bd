# Where each benchmark's data lives: the one place to change a data root.
# Every benchmark's dataset base (<benchmark>_<task>.py in this folder) reads
# its root from here, and so do the configs that use two benchmarks (the
# zero-shot transfer configs train on Kinetics-400 and test on HMDB-51,
# UCF-101 or Kinetics-600): MMEngine refuses two bases that define the same
# keys, so a config cannot inherit two dataset bases, but every dataset base
# inherits this file and sets data_root from it. The paths below a root are
# written '{data_root}/...' and filled in when a tool loads the config, after
# --cfg-options (mvadapt/utils/config.py): edit this file, link
# data/<benchmark> to your copy, or pass --cfg-options data_root=/your/copy
# (test_data_root=... for the benchmark a zero-shot transfer config tests).
# Layouts below each root: docs/data_preparation.md.
data_roots = dict(
    msrvtt='data/msrvtt',
    msvd='data/msvd',
    lsmdc='data/lsmdc',
    didemo='data/didemo',
    activitynet='data/activitynet',
    kinetics400='data/kinetics400',
    kinetics600='data/kinetics600',
    hmdb51='data/hmdb51',
    ucf101='data/ucf101',
    sthv2='data/sthv2',
)
