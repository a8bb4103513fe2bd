"""Extract the OpenCLIP weights of a trained model into a standalone file.

    python tools/model_converters/extract_clip.py CHECKPOINT OUT.safetensors

The output is an OpenCLIP state dict usable as ``model.clip.pretrained`` in
any config (for example the demo's tiny CLIP pretrained on MovingShapes).
"""
import argparse
import os
import os.path as osp

import torch
from safetensors.torch import save_file

import mvadapt  # noqa: F401  (allow-lists mmengine checkpoint globals)

PREFIX = 'backbone.clip.'


def extract_clip(checkpoint: str, out: str) -> int:
    """Write the ``backbone.clip.*`` tensors of ``checkpoint`` to ``out``;
    returns the number of tensors."""
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'no checkpoint {checkpoint}')
    ckpt = torch.load(checkpoint, map_location='cpu', weights_only=True)
    state = ckpt.get('state_dict', ckpt)
    clip = {k[len(PREFIX):]: v.contiguous() for k, v in state.items()
            if k.startswith(PREFIX)}
    if not clip:
        raise ValueError(f'{checkpoint} holds no {PREFIX}* weights; is it a '
                         'mvadapt VideoTextRetriever checkpoint?')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    if out.endswith('.safetensors'):
        save_file(clip, out)
    else:
        torch.save(clip, out)
    return len(clip)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    args = parser.parse_args()
    n = extract_clip(args.checkpoint, args.out)
    print(f'Wrote {n} CLIP tensors to {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
