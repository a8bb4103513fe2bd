import pytest
import torch

from mvadapt.datasets.transforms import OpenCLIPTokenize

SOT, EOT = 49406, 49407


def test_single_and_list():
    t = OpenCLIPTokenize(max_words=8)
    one = t(dict(text='a red square'))['text']
    assert one.shape == (1, 8) and one.dtype == torch.long
    assert one[0, 0] == SOT and EOT in one[0].tolist()
    many = t(dict(text=['a', 'b c']))['text']
    assert many.shape == (2, 8)


def test_long_caption_truncated_and_ends_with_eot():
    t = OpenCLIPTokenize(max_words=6)
    tokens = t(dict(text='one two three four five six seven eight'))['text']
    assert tokens.shape == (1, 6)
    assert tokens[0, -1] == EOT and tokens.argmax() == 5


def test_bad_text_raises_with_filename():
    with pytest.raises(ValueError, match='x.mp4'):
        OpenCLIPTokenize()(dict(text=[], filename='x.mp4'))



def test_memo_gives_the_same_ids_and_stays_bounded():
    captions = ['a red square moves left', 'a small blue circle',
                'a red square moves left', 'a big green triangle']
    plain = OpenCLIPTokenize(max_words=12, cache_size=0)
    memo = OpenCLIPTokenize(max_words=12, cache_size=2)
    for c in captions + [captions] + captions[::-1]:
        want = plain(dict(text=c))['text']
        got = memo(dict(text=c))['text']
        assert torch.equal(got, want)
        assert len(memo._memo) <= 2
    assert not plain._memo
    # the ids handed out are copies: changing them leaves the memo intact
    out = memo(dict(text=captions[3]))['text']
    out.zero_()
    assert torch.equal(memo(dict(text=captions[3]))['text'],
                       plain(dict(text=captions[3]))['text'])
