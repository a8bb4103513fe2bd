# MSTA, fully supervised Kinetics-400: 30 epochs, 8 frames, test 4 clips x 3 crops.
# Protocol (model, schedule, epoch selection by top-1):
# ../_base_/protocols/msta_fully-supervised.py; data:
# ../_base_/datasets/kinetics400_recognition.py.
_base_ = [
    '../_base_/protocols/msta_fully-supervised.py',
    '../_base_/datasets/kinetics400_recognition.py'
]
