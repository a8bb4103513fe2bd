# ViFi-CLIP-style baseline on MovingShapes base-to-novel: both encoders fully
# fine-tuned, frame features mean-pooled, no adapter, no L_CC.
_base_ = ['./msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py']
model = dict(clip=dict(frozen=False), adapter=None, consistency=None)
# no adapter: AdamW's usual eps (the MSTA recipe's is 1e-8 x lambda)
optim_wrapper = dict(optimizer=dict(lr=2e-4, eps=1e-8, weight_decay=0.2))
custom_hooks = []
