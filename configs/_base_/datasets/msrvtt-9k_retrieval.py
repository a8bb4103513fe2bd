# MSR-VTT: 9k training videos (all captions), 1k-A test (one caption each).
# Prepare with tools/data/msrvtt/README.md.
_base_ = ['./retrieval_u12-w32.py']
