# CLIP4Clip (mean pooling, full fine-tune) on an OpenCLIP ViT-B/32.
model = dict(
    type='VideoTextRetriever',
    clip=dict(arch='ViT-B-32', pretrained='openai', max_words=32,
              frozen=False),
    data_preprocessor=dict(type='VideoTextDataPreprocessor'),
    loss=dict(type='SymmetricInfoNCELoss'))
