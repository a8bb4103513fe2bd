# MV-Adapter, ViT-B/16, MSVD (multi-caption test: T2V ranks every caption;
# V2T with the papers' protocol, RetrievalMetric's default
# v2t_protocol='video': every video competes with its best-scoring caption).
# CMT on layers 10-11, Down-In.
# Model selection on the val split. Data: tools/data/msvd/README.md.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mv-adapter_vit-base-p16.py',
    '../_base_/datasets/msvd_retrieval.py',
    '../_base_/schedules/mv-adapter_5e.py'
]
default_hooks = dict(checkpoint=dict(save_best='retrieval/t2v/R1',
                                     rule='greater', max_keep_ckpts=1))
