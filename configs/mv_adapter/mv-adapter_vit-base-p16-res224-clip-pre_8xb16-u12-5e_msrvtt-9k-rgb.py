# MV-Adapter, ViT-B/16, MSR-VTT 9k train / 1k-A test; 12 frames, 32 words,
# 5 epochs, global batch 128. CMT on layers 10-11 at Down-Out: the authors'
# MSR-VTT config (configs/msrvtt/msrvtt.py, position='down out'); the paper's
# default position is Down-In (model.adapter.cmt_position=down_in).
# MSR-VTT has no validation split in this protocol: no model selection, the
# last epoch is tested.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mv-adapter_vit-base-p16.py',
    '../_base_/datasets/msrvtt-9k_retrieval.py',
    '../_base_/schedules/mv-adapter_5e.py'
]
model = dict(adapter=dict(cmt_layers=(10, 11), cmt_position='down_out'))
val_cfg = None
train_cfg = dict(val_begin=None, val_interval=None)
default_hooks = dict(checkpoint=dict(interval=1, save_best=None,
                                     max_keep_ckpts=1))
