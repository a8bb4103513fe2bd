# DiDeMo paragraph-to-video retrieval (retrieval_u32-w64.py):
# annotations/{train,val,test}.json and videos/ under data_roots.didemo
# (./data_roots.py; --cfg-options data_root=... moves it). Prepare with
# tools/data/didemo/README.md.
_base_ = ['./retrieval_u32-w64.py', './data_roots.py']
data_root = _base_.data_roots.didemo
