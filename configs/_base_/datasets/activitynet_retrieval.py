# ActivityNet Captions paragraph-to-video retrieval (retrieval_u32-w64.py):
# train on annotations/train.json, test on annotations/val_1.json; no
# separate validation split in this protocol. Under data_roots.activitynet
# (./data_roots.py; --cfg-options data_root=... moves it); prepare with
# tools/data/activitynet/README.md.
_base_ = ['./retrieval_u32-w64.py', './data_roots.py']
data_root = _base_.data_roots.activitynet
val_dataloader = None
val_evaluator = None
test_dataloader = dict(dataset=dict(ann_file='annotations/val_1.json'))
