# MV-Adapter, ViT-B/16, LSMDC (one caption per clip). CMT on layers 9-11
# (the authors' LSMDC setting), Down-In. Model selection on the val split.
# Data: tools/data/lsmdc/README.md.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mv-adapter_vit-base-p16.py',
    '../_base_/datasets/lsmdc_retrieval.py',
    '../_base_/schedules/mv-adapter_5e.py'
]
model = dict(adapter=dict(cmt_layers=(9, 10, 11)))
default_hooks = dict(checkpoint=dict(save_best='retrieval/t2v/R1',
                                     rule='greater', max_keep_ckpts=1))
