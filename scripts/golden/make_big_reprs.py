#!/usr/bin/env python3
"""PyTorch's str() of big tensors, for tests/engine/big-tensors.test.ts (issue 10).

Writes tests/engine/fixtures/big-reprs.json. Each case is a tensor built from arange by float32
ops that round the same in PyTorch and in the engine, so no values need recording:

    t = torch.arange(count, dtype=torch.float32).reshape(shape)
    t = (t / divisor) - offset            # each step only when given

For a summarised tensor the whole text is recorded; for one that PyTorch prints in full
(every dim at most 6 long: nothing to summarise) its length and SHA-256 are. Rerun with a
Python that has torch (the tests never need Python):

    /path/to/venv-with-torch/bin/python scripts/golden/make_big_reprs.py
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "engine" / "fixtures" / "big-reprs.json"

CASES = [
    {"id": "arange-1024x1024-div7", "shape": [1024, 1024], "divisor": 7},
    {"id": "arange-4096x4096-int", "shape": [4096, 4096]},
    {"id": "arange-4096x4096-centred", "shape": [4096, 4096], "divisor": 4096, "offset": 2048},
    {"id": "arange-3d-div3", "shape": [20, 30, 40], "divisor": 3, "offset": 1000},
    {"id": "six-to-the-eighth", "shape": [6] * 8, "divisor": 1000, "offset": 800, "hash": True},
]


# Small tensors given by their values ("nan", "inf", "-inf" as strings): the formatter's choice
# of integer / scientific mode and of the common width, which the big cases rely on.
SMALL = [
    [1.0, 2000.0],
    [1.0, "nan"],
    [0.5, "inf", -0.25],
    [0.0, 0.0],
    [100.0, -3.0],
    [0.0, 1e-05],
    [123456789.0, 1.0],
    [-799.625, 0.5, 2000.0],
    [0.03125, 1.0],
    # One format per tensor, as the UI must show it too: integers beside a fraction, tiny beside
    # large, negative zero in each mode, non-finite values that take no part in the choice.
    [3.0, 7.0, -0.5, -2.0],
    [0.0, 1e-12, 7.9581e-12, 0.5],
    [-0.0, 1.0],
    [-0.0, 1.5],
    [-0.0, 1e-05],
    ["nan", "-inf", 2.5],
    ["nan", "inf"],
    [0.0001, 0.5],
    [-1e-05, 3.0],
    [1e9, 3.0],
    [1000000.0, -7.0],
    [0.25, 250.0],
    [0.25, 250.5],
]

# One number alone, a 0-d tensor: its own format.
SCALARS = [3.0, -0.0, 0.5, -2.5, 1e-05, 123456789.0, 1000000.0, 1e9, "nan", "-inf", 0.03125]


def number(v):
    return float(v) if isinstance(v, str) else v


def build(case: dict) -> torch.Tensor:
    t = torch.arange(math.prod(case["shape"]), dtype=torch.float32).reshape(case["shape"])
    if "divisor" in case:
        t = t / case["divisor"]
    if "offset" in case:
        t = t - case["offset"]
    return t


def main() -> None:
    out = []
    for case in CASES:
        text = str(build(case))
        record = {k: v for k, v in case.items() if k != "hash"}
        if case.get("hash"):
            record["length"] = len(text)
            record["sha256"] = hashlib.sha256(text.encode()).hexdigest()
        else:
            record["repr"] = text
        out.append(record)
    small = [{"values": v, "repr": str(torch.tensor([number(x) for x in v]))} for v in SMALL]
    scalars = [{"value": v, "repr": str(torch.tensor(number(v)))} for v in SCALARS]
    document = {"torch": torch.__version__, "cases": out, "small": small, "scalars": scalars}
    OUT.write_text(json.dumps(document, indent="\t") + "\n")
    print(f"wrote {OUT} ({len(out)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
