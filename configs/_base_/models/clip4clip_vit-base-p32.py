# CLIP4Clip (mean pooling, full fine-tune) on an OpenCLIP ViT-B/32.
model = dict(
    type='VideoTextRetriever',
    clip=dict(arch='ViT-B-32', pretrained='openai', max_words=32,
              frozen=False),
    data_preprocessor=dict(type='VideoTextDataPreprocessor'),
    # CLIP4Clip's cross-rank gather: each rank keeps its own copy's gradient
    # (the exact gradient / number of GPUs after DDP), as in the authors'
    # code; it matters through gradient clipping only.
    loss=dict(type='SymmetricInfoNCELoss', gather_grad='local'))
