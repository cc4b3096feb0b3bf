"""CTC decoding held to a plate layout: the most likely alignment whose text fits a template of
character classes (province, letter, serial ...), rather than the free argmax path.

The free greedy path of a CTC recogniser often inserts or drops a character (8 or 6 characters on a
7-character plate); a Viterbi pass over the template's positions finds the best path that spells a
possible plate, and the per-character probabilities along it give the reading's confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Logits = npt.NDArray[np.float32]
NEG = -1e9


@dataclass(frozen=True)
class CtcText:
    text: str
    confidence: float  # mean over characters of the best column probability along the path
    char_confidences: tuple[float, ...]
    log_score: float  # log-probability of the best path


def log_softmax(logits: Logits, axis: int = -1) -> Logits:
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))  # type: ignore[no-any-return]


def greedy(log_probs: Logits, alphabet: str, blank: int) -> CtcText:
    """Free best path (T x C log-probabilities): argmax per column, repeats collapsed, blanks dropped."""
    best = log_probs.argmax(axis=1)
    chars: list[str] = []
    probs: list[float] = []
    previous = -1
    for t, index in enumerate(best):
        p = float(np.exp(log_probs[t, index]))
        if index != previous and index != blank:
            chars.append(alphabet[index])
            probs.append(p)
        elif index == previous and index != blank:
            probs[-1] = max(probs[-1], p)
        previous = int(index)
    score = float(log_probs[np.arange(len(best)), best].sum())
    return CtcText("".join(chars), float(np.mean(probs)) if probs else 0.0, tuple(probs), score)


def constrained(log_probs: Logits, allowed: npt.NDArray[np.bool_], alphabet: str, blank: int) -> CtcText | None:
    """Best CTC path (T x C log-probabilities) whose text has one character of `allowed[k]` (L x C
    mask) at each position k; None when T columns cannot hold L characters."""
    steps, classes = log_probs.shape
    length = allowed.shape[0]
    mask = np.where(allowed, 0.0, NEG)
    emit = np.full((length, classes), NEG)  # at position k, on character c
    gap = np.full(length + 1, NEG)  # on a blank after k characters
    gap[0] = 0.0
    emit_src = np.zeros((steps, length, classes), np.int8)  # 0 stay, 1 from gap[k], 2 from emit[k-1]
    emit_prev = np.zeros((steps, length, classes), np.int16)
    gap_src = np.zeros((steps, length + 1), np.int8)  # 0 stay, 1 from emit[k-1]
    gap_prev = np.zeros((steps, length + 1), np.int16)
    for t in range(steps):
        row = log_probs[t]
        # best previous character other than c, for every c: the best, or the second best where c is it
        order = np.argsort(emit, axis=1)[:, ::-1]
        first, second = order[:, 0], order[:, 1]
        prev_char = np.where(np.arange(classes)[None, :] == first[:, None], second[:, None], first[:, None])
        from_prev = np.take_along_axis(emit, prev_char, axis=1)  # value of emit[k][prev_char[k, c]]
        shifted = np.full((length, classes), NEG)
        shifted[1:] = from_prev[:-1]
        shifted_char = np.zeros((length, classes), np.int64)
        shifted_char[1:] = prev_char[:-1]
        options = np.stack([emit, np.broadcast_to(gap[:length, None], (length, classes)), shifted])
        src = options.argmax(axis=0)
        new_emit = options.max(axis=0) + row[None, :] + mask
        emit_src[t], emit_prev[t] = src, shifted_char
        best_char = emit.argmax(axis=1)
        leave = np.full(length + 1, NEG)
        leave[1:] = emit[np.arange(length), best_char]
        gap_options = np.stack([gap, leave])
        gap_src[t] = gap_options.argmax(axis=0)
        gap_prev[t, 1:] = best_char
        gap = gap_options.max(axis=0) + row[blank]
        emit = np.maximum(new_emit, NEG)
    end_char = int(emit[length - 1].argmax())
    on_char = float(emit[length - 1, end_char])
    score = max(on_char, float(gap[length]))
    if score <= NEG / 2:
        return None
    chars = [0] * length
    probs = [0.0] * length
    kind, k, c = ("emit", length - 1, end_char) if on_char >= gap[length] else ("gap", length, 0)
    for t in range(steps - 1, -1, -1):
        if kind == "emit":
            chars[k] = c
            probs[k] = max(probs[k], float(np.exp(log_probs[t, c])))
            source = int(emit_src[t, k, c])
            if source == 1:
                kind = "gap"
            elif source == 2:
                k, c = k - 1, int(emit_prev[t, k, c])
        else:
            if int(gap_src[t, k]) == 1:
                kind, k, c = "emit", k - 1, int(gap_prev[t, k])
    text = "".join(alphabet[i] for i in chars)
    return CtcText(text, float(np.mean(probs)), tuple(probs), score)
