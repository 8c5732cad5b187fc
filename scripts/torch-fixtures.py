"""Write the PyTorch model files under tests/fixtures/torch/ with real PyTorch, and check that
PyTorch reads the .pt file the app writes.

Made here (each by `torch.save(state_dict, path)` unless said otherwise):
    model.pkl       the tutorial's LinearRegressionModel (nn.Linear(1, 1) as `self.linear`),
                    trained as the tutorial trains it (SGD lr 0.01, 1000 epochs on y = 2x + 1),
                    then saved as the tutorial saves it: keys linear.weight, linear.bias
    float64.pt      the same model in float64 (`model.double()`)
    two-layer.pt    nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1)): 0.weight ... 2.bias
    views.pt        tensors that are views of one storage: an offset slice and a transpose
    parameters.pt   a plain dict of the model's nn.Parameter objects (torch._utils._rebuild_parameter)
    forbidden.pt    model.pkl's archive with a data.pkl crafted opcode by opcode that calls
                    os.system: never executed here (torch.load with weights_only=True refuses it,
                    which the script checks)
    deflated.pt     model.pkl's archive zipped again with compression (ZIP_DEFLATED), as `zip -r`
                    would after unzipping it; expected to hold model.pkl's tensors
    expected.json   every fixture's tensors (dtype, shape, values in row-major order), which
                    tests/engine/torch-file.test.ts compares the app's reader against

Then it loads tests/fixtures/torch/app-saved.pt (written by the app's saveStateDict(sd, 'pt');
the test tests/engine/torch-file.test.ts pins those bytes) with torch.load(weights_only=True) and
checks its keys, dtypes, shapes and values.

    /tmp/tv/bin/python scripts/torch-fixtures.py            # write the fixtures, check the app's
    /tmp/tv/bin/python scripts/torch-fixtures.py --check-only FILE.pt   # only check an app file
    /tmp/tv/bin/python scripts/torch-fixtures.py --gate     # only print the gate (see below)

Every run first prints the gate of e2e/tutorial-import.spec.ts: the tutorial's training from
w = b = 0 in PyTorch.

Needs torch (the 2.13 CPU wheel; numpy is not needed).
"""

import argparse
import io
import json
import pathlib
import struct
import sys
import zipfile

import torch
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "torch"

# What tests/engine/torch-file.test.ts saves as app-saved.pt (keep the two in step).
APP_SAVED = {
    "linear.weight": ([[2.5]], torch.float32),
    "linear.bias": ([-0.75], torch.float32),
    "layer.weight": ([[1.0, -2.0, 0.5], [3.25, 0.0, -0.125]], torch.float64),
}


class LinearRegressionModel(nn.Module):
    """The tutorial's model, as its code writes it."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        return self.linear(x)


def tutorial_model(from_zero: bool = False) -> LinearRegressionModel:
    """The tutorial's model trained as the tutorial trains it; from w = b = 0 when asked (the
    app's gate), else from nn.Linear's random start under seed 0."""
    torch.manual_seed(0)
    x = torch.arange(11, dtype=torch.float32).reshape(-1, 1)
    y = 2 * x + 1
    model = LinearRegressionModel(1, 1)
    if from_zero:
        with torch.no_grad():
            model.linear.weight.zero_()
            model.linear.bias.zero_()
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(1000):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    return model


def describe(state_dict) -> dict:
    return {
        key: {
            "dtype": str(t.dtype).removeprefix("torch."),
            "shape": list(t.shape),
            "data": t.detach().reshape(-1).tolist(),
        }
        for key, t in state_dict.items()
    }


def forbidden_pickle() -> bytes:
    """`os.system('echo pwned')` as pickle opcodes, written by hand: nothing here runs it."""
    command = b"echo pwned"
    return (
        b"\x80\x02"  # PROTO 2
        + b"cos\nsystem\n"  # GLOBAL os.system
        + b"X" + struct.pack("<I", len(command)) + command  # BINUNICODE
        + b"\x85"  # TUPLE1
        + b"R"  # REDUCE
        + b"."  # STOP
    )


def write_deflated(source: pathlib.Path, target: pathlib.Path) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_DEFLATED
    ) as out:
        for info in original.infolist():
            out.writestr(info.filename, original.read(info.filename))


def write_forbidden(source: pathlib.Path, target: pathlib.Path) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as out:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename.endswith("/data.pkl"):
                data = forbidden_pickle()
            out.writestr(info.filename.replace("model/", "forbidden/", 1), data)


def check_app_file(path: pathlib.Path) -> None:
    loaded = torch.load(path, weights_only=True)
    # mmap=True maps the storages in place: it needs each one 64-byte aligned, as torch.save writes.
    mapped = torch.load(path, weights_only=True, mmap=True)
    assert all(torch.equal(mapped[k], loaded[k]) for k in loaded)
    assert list(loaded) == list(APP_SAVED), list(loaded)
    for key, (values, dtype) in APP_SAVED.items():
        got = loaded[key]
        expected = torch.tensor(values, dtype=dtype)
        assert got.dtype == dtype, (key, got.dtype)
        assert got.shape == expected.shape, (key, got.shape)
        assert torch.equal(got, expected), (key, got)
        print(f"  {key}: {got.dtype} {tuple(got.shape)} {got.tolist()}")
    # And the tutorial's own code loads it into its model (keys linear.*).
    model = LinearRegressionModel(1, 1)
    result = model.load_state_dict(
        {k: v for k, v in loaded.items() if k.startswith("linear.")}
    )
    print(f"{path.name}: torch.load(weights_only=True) and (mmap=True) OK; load_state_dict: {result}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-only", type=pathlib.Path, default=None)
    parser.add_argument("--gate", action="store_true", help="only print the gate")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, python {sys.version.split()[0]}")
    gate = tutorial_model(from_zero=True).linear
    # The app's e2e gate (e2e/tutorial-import.spec.ts): w = 2.00037, b = 0.99746.
    print(f"gate: from w = b = 0, 1000 epochs of SGD lr 0.01 end at w = {gate.weight.item()!r}, b = {gate.bias.item()!r}")
    if args.gate:
        return
    if args.check_only is not None:
        check_app_file(args.check_only)
        return

    OUT.mkdir(parents=True, exist_ok=True)
    expected = {}

    model = tutorial_model()
    model_state = {k: v.clone() for k, v in model.state_dict().items()}
    torch.save(model.state_dict(), OUT / "model.pkl")
    expected["model.pkl"] = describe(model.state_dict())

    model.double()
    torch.save(model.state_dict(), OUT / "float64.pt")
    expected["float64.pt"] = describe(model.state_dict())

    torch.manual_seed(1)
    two = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1))
    torch.save(two.state_dict(), OUT / "two-layer.pt")
    expected["two-layer.pt"] = describe(two.state_dict())

    base = torch.arange(12, dtype=torch.float32) / 4
    views = {"slice": base[3:7], "transposed": base[:6].view(2, 3).t()}
    assert not views["transposed"].is_contiguous()
    torch.save(views, OUT / "views.pt")
    expected["views.pt"] = describe(views)

    parameters = {"weight": model.linear.weight, "bias": model.linear.bias}
    torch.save(parameters, OUT / "parameters.pt")
    expected["parameters.pt"] = describe(parameters)

    write_deflated(OUT / "model.pkl", OUT / "deflated.pt")
    deflated = torch.load(OUT / "deflated.pt", weights_only=True)
    assert all(torch.equal(deflated[k], v) for k, v in model_state.items())
    print("deflated.pt: torch.load(weights_only=True) reads it too")
    expected["deflated.pt"] = expected["model.pkl"]

    write_forbidden(OUT / "model.pkl", OUT / "forbidden.pt")
    try:
        torch.load(OUT / "forbidden.pt", weights_only=True)
        raise AssertionError("torch.load accepted forbidden.pt")
    except Exception as error:  # pickle.UnpicklingError, wrapped by torch
        why = [line for line in str(error).splitlines() if "GLOBAL" in line][0]
        print(f"forbidden.pt: torch refuses it: {why.strip()}")
    expected["forbidden.pt"] = None

    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    for name, tensors in expected.items():
        if tensors is not None:
            print(f"{name}: " + ", ".join(f"{k} {v['dtype']} {v['shape']}" for k, v in tensors.items()))

    # Round trip: every fixture reads back in PyTorch with weights_only=True.
    for name in ("model.pkl", "float64.pt", "two-layer.pt", "views.pt", "parameters.pt"):
        torch.load(io.BytesIO((OUT / name).read_bytes()), weights_only=True)

    app = OUT / "app-saved.pt"
    if app.exists():
        check_app_file(app)
    else:
        print(f"{app} is not there yet: run tests/engine/torch-file.test.ts, then this again")


if __name__ == "__main__":
    main()
