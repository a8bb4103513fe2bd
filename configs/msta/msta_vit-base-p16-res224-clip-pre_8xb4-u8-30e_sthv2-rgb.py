# MSTA, fully supervised Something-Something v2: the Kinetics-400 recipe (30
# epochs, 8 frames), no flips, test 2 clips x 3 crops on the full val set
# (configs/_base_/datasets/recognition_u8_sthv2.py). Protocol (model,
# schedule, epoch selection by top-1):
# ../_base_/protocols/msta_fully-supervised.py; data:
# ../_base_/datasets/sthv2_recognition.py. SSv2 has no labelled test set: the
# val list is also the test list, so the epoch is selected on it, as in the
# published recipes (set default_hooks.checkpoint.save_best=None to test the
# last epoch instead).
_base_ = [
    '../_base_/protocols/msta_fully-supervised.py',
    '../_base_/datasets/sthv2_recognition.py'
]
