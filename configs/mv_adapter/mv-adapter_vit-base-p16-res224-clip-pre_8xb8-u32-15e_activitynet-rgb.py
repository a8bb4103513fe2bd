# MV-Adapter, ViT-B/16, ActivityNet Captions paragraph-to-video retrieval
# (train on train, test on val_1), 32 frames, 64 words, 15 epochs, global
# batch 64. The authors' ActivityNet setting: CMT on layer 11 only, Down-In,
# and a LayerNorm on every adapter's input in both towers (their lnin=True). ActivityNet has no separate validation
# split in this protocol: the last epoch is tested. Data:
# tools/data/activitynet/README.md.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mv-adapter_vit-base-p16.py',
    '../_base_/datasets/activitynet_retrieval.py',
    '../_base_/schedules/mv-adapter_15e.py'
]
model = dict(
    clip=dict(max_words=64),
    adapter=dict(max_frames=32, cmt_layers=(11, ), cmt_position='down_in',
                 input_norm=True))
val_cfg = None
train_cfg = dict(val_begin=None, val_interval=None)
default_hooks = dict(checkpoint=dict(interval=1, save_best=None,
                                     max_keep_ckpts=1))
