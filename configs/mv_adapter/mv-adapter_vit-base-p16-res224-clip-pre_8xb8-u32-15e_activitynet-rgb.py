# MV-Adapter, ViT-B/16, ActivityNet Captions paragraph-to-video retrieval
# (train on train, test on val_1), 32 frames, 64 words, 15 epochs, global
# batch 64. The authors' ActivityNet setting: CMT on layer 11 only, Down-In,
# and a LayerNorm on every adapter's input in both towers (their lnin=True). ActivityNet has no separate validation
# split in this protocol: the last epoch is tested. Data:
# tools/data/activitynet/README.md.
_base_ = ['./mv-adapter_vit-base-p16-res224-clip-pre_8xb8-u32-15e_didemo-rgb.py']
model = dict(adapter=dict(cmt_layers=(11, ), cmt_position='down_in',
                          input_norm=True))
data_root = 'data/activitynet'
train_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='annotations/train.json'))
test_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='annotations/val_1.json'))
val_dataloader = None
val_evaluator = None
val_cfg = None
train_cfg = dict(val_begin=None, val_interval=None)
default_hooks = dict(checkpoint=dict(interval=1, save_best=None,
                                     max_keep_ckpts=1))
