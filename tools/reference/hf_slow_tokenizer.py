"""Hugging Face's *slow* LlamaTokenizer, re-stated over python3-sentencepiece (transformers is not installed here).

The rule, as transformers' tokenization_llama.py applies it (read, not copied):
  * The text is split on added special tokens (here <image>, <pad>, <s>, </s>, <unk>); each special token becomes
    one id, the surrounding text chunks are encoded separately (lstrip/rstrip are false for these tokens, so no
    whitespace is removed next to them). Empty chunks produce nothing.
  * legacy=True  (the historical behaviour): every chunk goes through SentencePiece as is, so SentencePiece adds its
    dummy-prefix space to *every* chunk, including text right after <image>.
  * legacy=False (llava-hf's tokenizer_config.json): SentencePiece is loaded with add_dummy_prefix disabled; the whole
    text gets one leading "▁" (add_prefix_space), chunks are encoded without any dummy prefix (a chunk starting with a
    space is encoded behind "<unk>" whose pieces are then dropped, which equals encoding it without prefix because
    SentencePiece never merges across the "▁" that starts a word), and a lone leading "▁" token is dropped when the
    text begins with a special token.
  * BOS (id 1) is prepended when add_bos is set; no EOS.
"""
import re

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2

SPIECE_UNDERLINE = "\u2581"


class HfSlowLlamaTokenizer:
    def __init__(self, model_file, special_tokens, legacy):
        self.legacy = legacy
        self.special = dict(special_tokens)  # content -> id
        for content, pid in (("<unk>", 0), ("<s>", 1), ("</s>", 2)):
            self.special.setdefault(content, pid)
        self.sp = spm.SentencePieceProcessor(model_file=model_file)
        proto = sentencepiece_model_pb2.ModelProto()
        with open(model_file, "rb") as f:
            proto.ParseFromString(f.read())
        proto.normalizer_spec.add_dummy_prefix = False
        self.sp_nodummy = spm.SentencePieceProcessor(model_proto=proto.SerializeToString())
        self.unk_len = len(self.sp_nodummy.encode("<unk>"))
        self.split_re = re.compile("(" + "|".join(re.escape(t) for t in sorted(self.special, key=len, reverse=True)) + ")")

    def _chunk_ids(self, chunk):
        if self.legacy:
            return self.sp.encode(chunk)
        if not chunk.startswith((SPIECE_UNDERLINE, " ")):
            return self.sp_nodummy.encode(chunk)
        ids = self.sp_nodummy.encode("<unk>" + chunk)
        return ids[self.unk_len:]

    def encode(self, text, add_bos=True):
        ids = []
        if text:
            if not self.legacy:
                text = SPIECE_UNDERLINE + text.replace(SPIECE_UNDERLINE, " ")
            pieces = []  # (is_special, payload)
            for part in self.split_re.split(text):
                if not part:
                    continue
                if part in self.special:
                    pieces.append((True, self.special[part]))
                else:
                    pieces.append((False, self._chunk_ids(part)))
            if (not self.legacy and len(pieces) > 1 and not pieces[0][0] and pieces[1][0]
                    and pieces[0][1] == [self.sp_nodummy.piece_to_id(SPIECE_UNDERLINE)]):
                pieces = pieces[1:]
            for is_special, payload in pieces:
                if is_special:
                    ids.append(payload)
                else:
                    ids.extend(payload)
        return ([1] if add_bos else []) + ids
