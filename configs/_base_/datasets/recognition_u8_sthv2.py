# Something-Something v2 in the ViFi-CLIP / MSTA protocol: as
# recognition_u8.py but without horizontal flips in training, because a flip
# turns "Pushing something from left to right" into its mirrored class (and
# in base-to-novel a base class into a novel one; ViFi-CLIP flips SSv2 too,
# a deviation listed in configs/msta/README.md); test views 2 clips x 3
# crops, softmax averaged over views. The data: sthv2_recognition.py.
_base_ = ['./recognition_u8.py']

train_pipeline = [step for step in _base_.train_pipeline
                  if step['type'] != 'Flip']
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=_base_.num_frames, num_clips=2,
         test_mode=True),
    *_base_.three_crop_test_steps,
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
