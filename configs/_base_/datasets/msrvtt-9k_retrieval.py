# MSR-VTT: 9k training videos (all captions), 1k-A test (one caption each),
# under data_roots.msrvtt (./data_roots.py; --cfg-options data_root=...
# moves it). There is no validation split in this protocol, so no model
# selection: the last epoch is tested (validating on the test set would
# select the model on it). Prepare with tools/data/msrvtt/README.md.
_base_ = ['./retrieval_u12-w32.py', './data_roots.py']
data_root = _base_.data_roots.msrvtt
train_dataloader = dict(dataset=dict(ann_file='annotations/train_9k.json'))
val_dataloader = None
val_evaluator = None
test_dataloader = dict(dataset=dict(ann_file='annotations/test_1k.json'))
