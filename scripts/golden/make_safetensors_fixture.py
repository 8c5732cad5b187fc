"""Write tests/engine/fixtures/linear.safetensors with the reference safetensors writer.

The file holds a Linear(1, 1)-like state dict, float32:
    weight = [[0.5]]   (shape [1, 1])
    bias   = [-0.25]   (shape [1])

tests/engine/state-dict.test.ts checks that the engine's loadStateDict reads it back to these
values. Rerun only if the fixture must change (needs torch and safetensors):

    /work/venv-torch/bin/python scripts/golden/make_safetensors_fixture.py

With --check-engine FILE it instead loads FILE (bytes written by the engine's saveStateDict for
the same dict) with safetensors.torch.load_file and verifies the keys, shapes, dtypes and values.
"""

import argparse
import pathlib

import torch
from safetensors.torch import load_file, save_file

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "engine" / "fixtures" / "linear.safetensors"

EXPECTED = {
    "weight": torch.tensor([[0.5]], dtype=torch.float32),
    "bias": torch.tensor([-0.25], dtype=torch.float32),
}


def check(path: pathlib.Path) -> None:
    loaded = load_file(str(path))
    assert sorted(loaded) == ["bias", "weight"], sorted(loaded)
    for key, expected in EXPECTED.items():
        got = loaded[key]
        assert got.dtype == expected.dtype, (key, got.dtype)
        assert got.shape == expected.shape, (key, got.shape)
        assert torch.equal(got, expected), (key, got)
    print(f"{path}: OK, keys {sorted(loaded)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-engine", type=pathlib.Path, default=None)
    args = parser.parse_args()
    if args.check_engine is not None:
        check(args.check_engine)
        return
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    save_file(EXPECTED, str(FIXTURE))
    check(FIXTURE)


if __name__ == "__main__":
    main()
