# MV-Adapter, ViT-B/16, DiDeMo paragraph-to-video retrieval: a video's
# descriptions joined into one paragraph, 32 frames, 64 words, 15 epochs,
# global batch 64. CMT on layers 10-11 at Down-Out (the authors' DiDeMo
# setting). Model selection on the val split. Data: tools/data/didemo.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/mv-adapter_vit-base-p16.py',
    '../_base_/datasets/didemo_retrieval.py',
    '../_base_/schedules/mv-adapter_15e.py'
]
model = dict(
    clip=dict(max_words=64),
    adapter=dict(max_frames=32, cmt_layers=(10, 11), cmt_position='down_out'))
default_hooks = dict(checkpoint=dict(save_best='retrieval/t2v/R1',
                                     rule='greater', max_keep_ckpts=1))
