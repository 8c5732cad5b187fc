#!/usr/bin/env python3
"""The PyTorch check: run the programs generateCode writes in real PyTorch, and record what they
print and compute as a JSON fixture that tests/code/pytorch.test.ts compares the engine with.

    /path/to/python-with-torch scripts/pytorch-check/run.py            # export, run, write fixture
    /path/to/python-with-torch scripts/pytorch-check/run.py <folder>   # run an exported folder

Without a folder, it first runs `npx tsx scripts/pytorch-check/export.ts <tmp>` (Node needed),
which writes each case's program (<id>.py) and document (<id>.json). Each program runs as it is,
in a fresh namespace and a temporary working directory (the training program saves model.pkl),
with `print` replaced by a recorder that keeps the printed objects themselves: tensors with full
precision (`tolist()`), their shape, requires_grad and grad_fn; None; strings. After the program,
the value of every variable the program keeps (`variables` in <id>.json) is recorded too.

Writes tests/code/fixtures/pytorch-programs.json. The tests never need Python: rerun this script
only to regenerate the fixture after generateCode changes (the test says when).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "code" / "fixtures" / "pytorch-programs.json"


def finite_or_text(value: float) -> float | str:
    """JSON has no NaN or infinity: those are written "nan", "inf", "-inf"."""
    return value if math.isfinite(value) else str(value)


def record(value: object) -> dict:
    """A printed or computed object, as JSON."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        return {
            "type": "tensor",
            "shape": list(t.shape),
            "values": [finite_or_text(v) for v in t.reshape(-1).tolist()],
            "dtype": str(t.dtype).replace("torch.", ""),
            "requires_grad": value.requires_grad,
            "grad_fn": None if value.grad_fn is None else value.grad_fn.name(),
            "repr": str(value),
        }
    if value is None:
        return {"type": "none"}
    if isinstance(value, str):
        return {"type": "str", "text": value}
    return {"type": type(value).__name__, "repr": repr(value)}


def run_case(case: dict) -> dict:
    printed: list[list[dict]] = []

    def recorder(*args: object, **_kwargs: object) -> None:
        printed.append([record(a) for a in args])

    namespace: dict = {"__name__": "__main__", "print": recorder}
    error = None
    cwd = os.getcwd()
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            exec(compile(case["code"], f"{case['id']}.py", "exec"), namespace)  # noqa: S102
        except Exception as exc:  # recorded: the test expects none
            error = {"type": type(exc).__name__, "message": str(exc), "trace": traceback.format_exc()}
        finally:
            os.chdir(cwd)
    values = {node: record(namespace.get(name)) for node, name in case["variables"].items()}
    return {
        "id": case["id"],
        "kind": case["kind"],
        "output": case["output"],
        "doc": case["doc"],
        "code": case["code"],
        "printedItems": case["printed"],
        "printed": printed,
        "values": values,
        "error": error,
    }


def export(folder: Path) -> None:
    npx = "npx.cmd" if os.name == "nt" else "npx"
    subprocess.run(
        [npx, "tsx", "scripts/pytorch-check/export.ts", str(folder)], cwd=ROOT, check=True
    )


def main() -> int:
    torch.set_num_threads(1)
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
        command = f"python scripts/pytorch-check/run.py {sys.argv[1]}"
        cases_from = folder
    else:
        folder = Path(tempfile.mkdtemp(prefix="pytorch-check-"))
        export(folder)
        command = "python scripts/pytorch-check/run.py"
        cases_from = folder
    cases = [json.loads(p.read_text()) for p in sorted(cases_from.glob("*.json"))]
    results = []
    for case in cases:
        result = run_case(case)
        status = "ERROR " + result["error"]["message"] if result["error"] else "ok"
        print(f"{case['id']}: {len(result['printed'])} prints, {status}")
        results.append(result)
    fixture = {
        "about": (
            "Generated programs of tests/code (generateCode) run in real PyTorch by "
            "scripts/pytorch-check/run.py; compared with the engine by tests/code/pytorch.test.ts."
        ),
        "generatedBy": {
            "torch": torch.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "command": command,
            "steps": (
                "npx tsx scripts/pytorch-check/export.ts <tmp> wrote each case's program and "
                "document; each program ran with exec() in a fresh namespace, print() recorded"
            ),
            "executable": sys.executable,
            "date": datetime.date.today().isoformat(),
            "threads": torch.get_num_threads(),
        },
        "cases": results,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(results)} cases, torch {torch.__version__})")
    return 1 if any(r["error"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
