# MV-Adapter, ViT-B/16, DiDeMo paragraph-to-video retrieval: a video's
# descriptions joined into one paragraph, 32 frames, 64 words, 15 epochs,
# global batch 64. CMT on layers 10-11 at Down-Out (the authors' DiDeMo
# setting). Model selection on the val split. Data: tools/data/didemo.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mv-adapter_vit-base-p16.py',
    '../_base_/datasets/retrieval_u32-w64.py',
    '../_base_/schedules/mv-adapter_5e.py'
]
model = dict(
    clip=dict(max_words=64),
    adapter=dict(max_frames=32, cmt_layers=(10, 11), cmt_position='down_out'))
data_root = 'data/didemo'
train_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='annotations/train.json'))
val_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='annotations/val.json'))
test_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='annotations/test.json'))

max_epochs = 15
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
         end=0.1 * max_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=0.9 * max_epochs, eta_min=0,
         by_epoch=True, begin=0.1 * max_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
auto_scale_lr = dict(base_batch_size=64)
default_hooks = dict(checkpoint=dict(save_best='retrieval/t2v/R1',
                                     rule='greater', max_keep_ckpts=1))
