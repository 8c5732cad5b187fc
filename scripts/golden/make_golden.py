#!/usr/bin/env python3
"""Golden values for the engine, computed with real PyTorch.

Writes tests/engine/fixtures/golden.json, read by tests/engine/golden.test.ts. The tests never
need Python: rerun this script only to regenerate the fixture (see `npm run golden`), e.g.

    /path/to/venv-with-torch/bin/python scripts/golden/make_golden.py

The file holds three kinds of cases:

- "cases": one op applied to inputs with recorded values. Each records the op and its attrs,
  the inputs (values, shape, dtype, requires_grad; or a plain number operand; or a reference to
  another input, for `x * x`), the output (values, shape, dtype), `out.grad_fn.name()`, an
  upstream gradient of the output's shape used as `out.backward(upstream)`, and each input's
  `.grad` afterwards (null where the input does not require grad).
- "errors": the exception class name and the exact `str(e)` PyTorch raises for a scenario. The
  scenario's code is recorded as `python`; the test holds the same scenario written against the
  engine, keyed by `id`.
- "reprs": `str(t)` of a tensor built from recorded values, optionally after one op.

Inputs are drawn from a fixed seed, from a range valid for the op (log/sqrt/pow bases positive,
div denominators away from 0, relu inputs away from 0).
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240613
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "engine" / "fixtures" / "golden.json"

DTYPES = {"float32": torch.float32, "float64": torch.float64}
DTYPE_NAMES = {v: k for k, v in DTYPES.items()}

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def draw(shape: list[int], kind: str) -> np.ndarray:
    """Values of `shape` from a range valid for the op that will read them."""
    size = tuple(shape)
    if kind == "normal":
        return rng.standard_normal(size)
    if kind == "positive":  # log, sqrt, pow base
        return rng.uniform(0.5, 2.5, size)
    if kind == "nonzero":  # div denominators, relu inputs: |v| in [0.25, 2]
        return rng.uniform(0.25, 2.0, size) * rng.choice([-1.0, 1.0], size)
    if kind == "small":  # tanh / sigmoid / exp arguments
        return rng.uniform(-2.0, 2.0, size)
    if kind == "exponent":
        return rng.uniform(-1.5, 2.5, size)
    raise ValueError(kind)


def spec(name, shape, kind="normal", dtype="float32", requires_grad=True):
    return {
        "name": name,
        "shape": list(shape),
        "kind": kind,
        "dtype": dtype,
        "requires_grad": requires_grad,
    }


def fixed(name, values, dtype="float32", requires_grad=True):
    """An input with given values instead of drawn ones."""
    shape = list(np.asarray(values).shape)
    return {**spec(name, shape, "fixed", dtype, requires_grad), "values": values}


def number(name, value):
    return {"name": name, "number": value}


def ref(name, to):
    return {"name": name, "ref": to}


def values_of(t: torch.Tensor):
    return t.detach().tolist()


def record_of(t: torch.Tensor):
    return {"shape": list(t.shape), "dtype": DTYPE_NAMES[t.dtype], "values": values_of(t)}


def build_inputs(specs):
    """Torch tensors (or numbers) for the specs, and their JSON records."""
    built = {}
    args = []
    records = []
    for s in specs:
        if "number" in s:
            args.append(s["number"])
            records.append({"name": s["name"], "number": s["number"]})
            continue
        if "ref" in s:
            args.append(built[s["ref"]])
            records.append({"name": s["name"], "ref": s["ref"]})
            continue
        raw = np.asarray(s["values"]) if s["kind"] == "fixed" else draw(s["shape"], s["kind"])
        t = torch.tensor(raw, dtype=DTYPES[s["dtype"]]).reshape(s["shape"])
        t.requires_grad_(s["requires_grad"])
        built[s["name"]] = t
        args.append(t)
        records.append(
            {
                "name": s["name"],
                "shape": list(t.shape),
                "dtype": s["dtype"],
                "requires_grad": s["requires_grad"],
                "values": values_of(t),
            }
        )
    return args, records, built


def run_op(op: str, args, attrs: dict):
    a = args[0]
    if op in ("add", "sub", "mul", "div", "pow"):
        return getattr(a, op)(args[1])
    if op in ("neg", "exp", "log", "sqrt", "relu", "tanh", "sigmoid"):
        return getattr(a, op)()
    if op in ("sum", "mean"):
        if "dim" in attrs:
            return getattr(a, op)(attrs["dim"], keepdim=attrs.get("keepdim", False))
        return getattr(a, op)()
    if op == "matmul":
        return a.matmul(args[1])
    if op == "t":
        return a.t()
    if op == "transpose":
        return a.transpose(attrs["dim0"], attrs["dim1"])
    if op == "reshape":
        return a.reshape(attrs["shape"])
    if op == "unsqueeze":
        return a.unsqueeze(attrs["dim"])
    if op == "squeeze":
        return a.squeeze(attrs["dim"]) if "dim" in attrs else a.squeeze()
    if op == "expand":
        return a.expand(attrs["size"])
    if op == "mse_loss":
        return F.mse_loss(a, args[1], reduction=attrs.get("reduction", "mean"))
    if op == "linear":
        return F.linear(a, args[1], args[2] if len(args) > 2 else None)
    if op == "log_softmax":
        return a.log_softmax(attrs["dim"])
    # Any other op: its tensor method, the other tensor inputs in order, its attrs as keywords.
    return getattr(a, op)(*args[1:], **attrs)


CASES = []


def case(case_id: str, op: str, inputs, attrs=None, note: str | None = None):
    attrs = attrs or {}
    args, records, built = build_inputs(inputs)
    out = run_op(op, args, attrs)
    upstream = torch.tensor(rng.standard_normal(tuple(out.shape)), dtype=out.dtype)
    out.backward(upstream)
    grads = []
    for r in records:
        t = built.get(r["name"])
        grads.append(
            None
            if t is None or t.grad is None
            else record_of(t.grad)
        )
    entry = {
        "id": case_id,
        "op": op,
        "attrs": attrs,
        "inputs": records,
        "output": record_of(out),
        "grad_fn": out.grad_fn.name() if out.grad_fn is not None else None,
        "upstream": values_of(upstream),
        "grads": grads,
    }
    if note:
        entry["note"] = note
    assert all(c["id"] != case_id for c in CASES), case_id
    CASES.append(entry)


def make_cases():
    # ---- elementwise binary, same shape and broadcasting ----
    for op, kind in [("add", "normal"), ("sub", "normal"), ("mul", "normal"), ("div", "nonzero")]:
        case(f"{op}_3x4_3x4", op, [spec("input", [3, 4]), spec("other", [3, 4], kind)])
        case(f"{op}_3x4_4", op, [spec("input", [3, 4]), spec("other", [4], kind)])
        case(f"{op}_4_3x4", op, [spec("input", [4]), spec("other", [3, 4], kind)])
        case(f"{op}_3x1_1x4", op, [spec("input", [3, 1]), spec("other", [1, 4], kind)])
        case(f"{op}_number", op, [spec("input", [2, 3]), number("other", 2.5)])
        case(
            f"{op}_3x4_4_f64",
            op,
            [spec("input", [3, 4], dtype="float64"), spec("other", [4], kind, dtype="float64")],
        )
    case("add_scalar_tensor", "add", [spec("input", [2, 3]), spec("other", [])])
    case("add_0d_0d", "add", [spec("input", []), spec("other", [])])
    case("add_2x1x4_3x1", "add", [spec("input", [2, 1, 4]), spec("other", [3, 1])])
    case("add_other_no_grad", "add", [spec("input", [3]), spec("other", [3], requires_grad=False)])
    case("add_same_tensor", "add", [spec("input", [3]), ref("other", "input")])
    case("mul_same_tensor", "mul", [spec("input", [2, 2]), ref("other", "input")])
    case(
        "mul_input_no_grad",
        "mul",
        [spec("input", [3, 4], requires_grad=False), spec("other", [4])],
    )
    case("mul_number_f64", "mul", [spec("input", [3], dtype="float64"), number("other", -0.5)])
    case("sub_number_int", "sub", [spec("input", [2, 2]), number("other", 3)])
    case("div_2x3x1_4", "div", [spec("input", [2, 3, 1]), spec("other", [4], "nonzero")])
    case(
        "add_f32_f64_promotes",
        "add",
        [spec("input", [3]), spec("other", [3], dtype="float64")],
        note="float32 + float64 (both 1-D) gives float64",
    )
    case(
        "add_f32_0d_f64_keeps_f32",
        "add",
        [spec("input", [3]), spec("other", [], dtype="float64")],
        note="a 0-d float64 tensor does not promote a 1-D float32 tensor",
    )
    case(
        "mul_f64_f32_promotes",
        "mul",
        [spec("input", [2, 2], dtype="float64"), spec("other", [2, 2])],
    )

    # ---- pow ----
    case("pow_number_2", "pow", [spec("input", [3, 4]), number("exponent", 2)])
    case("pow_number_3", "pow", [spec("input", [2, 3], "positive"), number("exponent", 3)])
    case("pow_number_half", "pow", [spec("input", [4], "positive"), number("exponent", 0.5)])
    case("pow_number_neg", "pow", [spec("input", [4], "positive"), number("exponent", -1.5)])
    case(
        "pow_number_f64",
        "pow",
        [spec("input", [2, 3], "positive", dtype="float64"), number("exponent", 2.5)],
    )
    case(
        "pow_tensor",
        "pow",
        [spec("input", [3, 4], "positive"), spec("exponent", [3, 4], "exponent")],
    )
    case(
        "pow_tensor_broadcast",
        "pow",
        [spec("input", [3, 4], "positive"), spec("exponent", [4], "exponent")],
    )
    case(
        "pow_tensor_exponent_no_grad",
        "pow",
        [spec("input", [5], "positive"), spec("exponent", [5], "exponent", requires_grad=False)],
    )
    case(
        "pow_tensor_f64",
        "pow",
        [
            spec("input", [2, 3], "positive", dtype="float64"),
            spec("exponent", [2, 3], "exponent", dtype="float64"),
        ],
    )

    # ---- unary ----
    unary_kinds = {
        "neg": "normal",
        "exp": "small",
        "log": "positive",
        "sqrt": "positive",
        "relu": "nonzero",
        "tanh": "small",
        "sigmoid": "small",
    }
    for op, kind in unary_kinds.items():
        case(f"{op}_3x4", op, [spec("input", [3, 4], kind)])
        case(f"{op}_5_f64", op, [spec("input", [5], kind, dtype="float64")])
    case("exp_0d", "exp", [spec("input", [], "small")])
    case("relu_2x3x2", "relu", [spec("input", [2, 3, 2], "nonzero")])

    # ---- reductions ----
    for op in ("sum", "mean"):
        case(f"{op}_all", op, [spec("input", [3, 4])])
        case(f"{op}_dim0", op, [spec("input", [3, 4])], {"dim": 0})
        case(f"{op}_dim1", op, [spec("input", [3, 4])], {"dim": 1})
        case(f"{op}_dim_neg1", op, [spec("input", [3, 4])], {"dim": -1})
        case(f"{op}_dim0_keepdim", op, [spec("input", [3, 4])], {"dim": 0, "keepdim": True})
        case(f"{op}_dim1_keepdim", op, [spec("input", [3, 4])], {"dim": 1, "keepdim": True})
        case(f"{op}_dims_0_1", op, [spec("input", [3, 4])], {"dim": [0, 1]})
        case(
            f"{op}_dims_0_1_keepdim",
            op,
            [spec("input", [3, 4])],
            {"dim": [0, 1], "keepdim": True},
        )
        case(f"{op}_3d_dims_neg1_0", op, [spec("input", [2, 3, 4])], {"dim": [-1, 0]})
        case(
            f"{op}_3d_dim1_keepdim", op, [spec("input", [2, 3, 4])], {"dim": 1, "keepdim": True}
        )
        case(f"{op}_1d", op, [spec("input", [5])])
        case(f"{op}_0d", op, [spec("input", [])])
        case(f"{op}_f64_dim0", op, [spec("input", [3, 4], dtype="float64")], {"dim": 0})
        case(
            f"{op}_dims_empty_list",
            op,
            [spec("input", [3, 4])],
            {"dim": []},
            note="an empty dim list reduces over every dim",
        )

    # ---- matmul ----
    case("matmul_1d_1d", "matmul", [spec("input", [4]), spec("other", [4])])
    case("matmul_2d_1d", "matmul", [spec("input", [3, 4]), spec("other", [4])])
    case("matmul_1d_2d", "matmul", [spec("input", [3]), spec("other", [3, 4])])
    case("matmul_2d_2d", "matmul", [spec("input", [3, 4]), spec("other", [4, 2])])
    case(
        "matmul_2d_2d_other_no_grad",
        "matmul",
        [spec("input", [2, 3]), spec("other", [3, 2], requires_grad=False)],
    )
    case(
        "matmul_2d_2d_f64",
        "matmul",
        [spec("input", [3, 5], dtype="float64"), spec("other", [5, 2], dtype="float64")],
    )
    case("matmul_1x1", "matmul", [spec("input", [1, 1]), spec("other", [1, 1])])

    # ---- shapes ----
    case("t_2d", "t", [spec("input", [3, 4])])
    case("t_1d", "t", [spec("input", [4])])
    case("transpose_0_1", "transpose", [spec("input", [3, 4])], {"dim0": 0, "dim1": 1})
    case("transpose_neg", "transpose", [spec("input", [2, 3, 4])], {"dim0": -1, "dim1": 0})
    case("transpose_same_dim", "transpose", [spec("input", [3, 4])], {"dim0": 1, "dim1": 1})
    case("reshape_3x4_to_2x6", "reshape", [spec("input", [3, 4])], {"shape": [2, 6]})
    case("reshape_infer", "reshape", [spec("input", [3, 4])], {"shape": [-1, 3]})
    case("reshape_flatten", "reshape", [spec("input", [2, 3, 2])], {"shape": [-1]})
    case("reshape_same_shape", "reshape", [spec("input", [3, 4])], {"shape": [3, 4]})
    case("reshape_to_0d", "reshape", [spec("input", [1, 1])], {"shape": []})
    case("unsqueeze_0", "unsqueeze", [spec("input", [3, 4])], {"dim": 0})
    case("unsqueeze_neg1", "unsqueeze", [spec("input", [3, 4])], {"dim": -1})
    case("unsqueeze_middle", "unsqueeze", [spec("input", [3, 4])], {"dim": 1})
    case("squeeze_all", "squeeze", [spec("input", [3, 1, 4, 1])])
    case("squeeze_dim1", "squeeze", [spec("input", [3, 1, 4])], {"dim": 1})
    case("squeeze_dim_neg1", "squeeze", [spec("input", [3, 4, 1])], {"dim": -1})
    case(
        "squeeze_dim_not_one",
        "squeeze",
        [spec("input", [3, 4])],
        {"dim": 0},
        note="squeezing a dim whose size is not 1 leaves the shape",
    )
    case("expand_row", "expand", [spec("input", [1, 4])], {"size": [3, 4]})
    case("expand_col_minus1", "expand", [spec("input", [3, 1])], {"size": [-1, 5]})
    case("expand_new_dims", "expand", [spec("input", [4])], {"size": [2, 3, 4]})
    case("expand_f64", "expand", [spec("input", [3, 1], dtype="float64")], {"size": [3, 2]})

    # ---- losses ----
    for reduction in ("mean", "sum", "none"):
        case(
            f"mse_loss_{reduction}",
            "mse_loss",
            [spec("input", [4, 3]), spec("target", [4, 3], requires_grad=False)],
            {"reduction": reduction},
        )
    case(
        "mse_loss_target_grad",
        "mse_loss",
        [spec("input", [5]), spec("target", [5])],
        {"reduction": "mean"},
    )
    case(
        "mse_loss_f64",
        "mse_loss",
        [
            spec("input", [11, 1], dtype="float64"),
            spec("target", [11, 1], dtype="float64", requires_grad=False),
        ],
        {"reduction": "mean"},
    )

    # ---- linear ----
    case(
        "linear_2d_bias",
        "linear",
        [spec("input", [5, 3]), spec("weight", [2, 3]), spec("bias", [2])],
    )
    case("linear_2d_no_bias", "linear", [spec("input", [5, 3]), spec("weight", [2, 3])])
    case(
        "linear_1d_bias",
        "linear",
        [spec("input", [3]), spec("weight", [2, 3]), spec("bias", [2])],
    )
    case("linear_1d_no_bias", "linear", [spec("input", [3]), spec("weight", [2, 3])])
    case(
        "linear_input_no_grad",
        "linear",
        [spec("input", [11, 1], requires_grad=False), spec("weight", [1, 1]), spec("bias", [1])],
        note="the tutorial's model: nn.Linear(1, 1) on an 11x1 batch",
    )
    case(
        "linear_2d_bias_f64",
        "linear",
        [
            spec("input", [4, 3], dtype="float64"),
            spec("weight", [2, 3], dtype="float64"),
            spec("bias", [2], dtype="float64"),
        ],
    )

    # ---- log_softmax ----
    case("log_softmax_dim1", "log_softmax", [spec("input", [3, 4])], {"dim": 1})
    case("log_softmax_dim0", "log_softmax", [spec("input", [3, 4])], {"dim": 0})
    case("log_softmax_dim_neg1", "log_softmax", [spec("input", [2, 3, 4])], {"dim": -1})
    case("log_softmax_3d_dim1", "log_softmax", [spec("input", [2, 3, 4])], {"dim": 1})
    case("log_softmax_1d", "log_softmax", [spec("input", [5])], {"dim": 0})
    case(
        "log_softmax_f64", "log_softmax", [spec("input", [3, 4], dtype="float64")], {"dim": 1}
    )
    case(
        "log_softmax_large_values",
        "log_softmax",
        [fixed("input", [[100.0, 101.0, 102.5], [-50.0, 0.0, 50.0]])],
        {"dim": 1},
        note="large logits: needs the max-shift to avoid overflow",
    )

    # ---- abs and clamp (drawn after every case above, so those keep their values) ----
    case("abs_3x4", "abs", [spec("input", [3, 4], "nonzero")])
    case("abs_5_f64", "abs", [spec("input", [5], "nonzero", dtype="float64")])
    case(
        "abs_at_zero",
        "abs",
        [fixed("input", [[-1.5, 0.0, 2.0], [-0.0, -0.25, 3.0]])],
        note="sign(0) = 0: no gradient at 0 (nor at -0)",
    )
    case("clamp_min_max", "clamp", [spec("input", [3, 4])], {"min": -0.5, "max": 0.5})
    case("clamp_min_only", "clamp", [spec("input", [3, 4])], {"min": 0.0})
    case("clamp_max_only", "clamp", [spec("input", [2, 3])], {"max": 0.25})
    case(
        "clamp_f64", "clamp", [spec("input", [5], dtype="float64")], {"min": -1.0, "max": 0.75}
    )
    case(
        "clamp_at_bounds",
        "clamp",
        [fixed("input", [-1.0, -0.5, 0.0, 0.5, 1.0])],
        {"min": -0.5, "max": 0.5},
        note="the gradient passes at the bounds themselves (inclusive)",
    )
    case(
        "clamp_min_above_max",
        "clamp",
        [spec("input", [4])],
        {"min": 1.0, "max": -1.0},
        note="min > max: every value becomes max, and no gradient passes",
    )


# ---- errors: the scenario's Python code, run with `torch`, `nn`, `F` in scope ----
ERRORS = [
    ("add_shape_mismatch_3x4_3x5", "torch.ones(3, 4) + torch.ones(3, 5)"),
    ("add_shape_mismatch_2x3_4", "torch.ones(2, 3) + torch.ones(4)"),
    ("matmul_2d_mismatch", "torch.ones(3, 4) @ torch.ones(3, 4)"),
    ("matmul_1d_dot_mismatch", "torch.ones(3) @ torch.ones(4)"),
    ("matmul_mv_mismatch", "torch.ones(3, 4) @ torch.ones(5)"),
    ("matmul_vm_mismatch", "torch.ones(3) @ torch.ones(4, 5)"),
    ("reshape_invalid_size", "torch.ones(3, 4).reshape(5, 3)"),
    ("reshape_two_inferred", "torch.ones(3, 4).reshape(-1, -1)"),
    ("expand_mismatch", "torch.ones(3).expand(4, 5)"),
    ("sum_dim_out_of_range", "torch.ones(3, 4).sum(2)"),
    ("mean_dim_repeated", "torch.ones(3).mean([0, 0])"),
    ("unsqueeze_out_of_range", "torch.ones(3, 4).unsqueeze(3)"),
    ("t_3d", "torch.ones(2, 3, 4).t()"),
    ("mse_loss_bad_reduction", "F.mse_loss(torch.ones(3), torch.ones(3), reduction='foo')"),
    ("item_not_one_element", "torch.ones(3).item()"),
    ("backward_non_scalar", "torch.ones(3, requires_grad=True).mul(2).backward()"),
    ("backward_no_grad", "torch.ones(3).sum().backward()"),
    (
        "backward_gradient_shape_mismatch",
        "torch.ones(3, requires_grad=True).mul(2).backward(torch.ones(2))",
    ),
    (
        "backward_twice_mul",
        "x = torch.ones(3, requires_grad=True)\ny = x.mul(x).sum()\ny.backward()\ny.backward()",
    ),
    (
        "requires_grad_false_non_leaf",
        "x = torch.ones(3, requires_grad=True)\ny = x.mul(2)\ny.requires_grad = False",
    ),
    ("inplace_leaf_requires_grad", "torch.ones(3, requires_grad=True).add_(1)"),
    ("zeros_negative_size", "torch.zeros(2, -1)"),
    ("sgd_negative_lr", "torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=-1)"),
    (
        "load_state_dict_missing",
        "nn.Linear(1, 1).load_state_dict({'weight': torch.zeros(1, 1)})",
    ),
    (
        "load_state_dict_unexpected",
        "nn.Linear(1, 1).load_state_dict("
        "{'weight': torch.zeros(1, 1), 'bias': torch.zeros(1), 'foo': torch.zeros(1)})",
    ),
    (
        "load_state_dict_missing_and_unexpected",
        "nn.Linear(1, 1).load_state_dict({'weight': torch.zeros(1, 1), 'foo': torch.zeros(1)})",
    ),
    (
        "load_state_dict_size_mismatch",
        "nn.Linear(1, 1).load_state_dict({'weight': torch.zeros(2, 1), 'bias': torch.zeros(1)})",
    ),
    ("clamp_no_bounds", "torch.clamp(torch.ones(2))"),
]


def make_errors():
    out = []
    for error_id, code in ERRORS:
        scope = {"torch": torch, "nn": torch.nn, "F": F}
        try:
            exec(code, scope)
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises
            out.append(
                {"id": error_id, "python": code, "kind": type(e).__name__, "message": str(e)}
            )
        else:
            raise AssertionError(f"{error_id}: no exception")
    return out


def make_reprs():
    reprs = []

    def add(repr_id, t: torch.Tensor, then=None):
        record = {
            "id": repr_id,
            "input": {
                "shape": list(t.shape),
                "dtype": DTYPE_NAMES[t.dtype],
                "requires_grad": t.requires_grad,
                "values": values_of(t),
            },
        }
        shown = t
        if then is not None:
            op, arg = then
            shown = getattr(t, op)(arg)
            record["then"] = {"op": op, "number": arg}
        record["repr"] = str(shown)
        reprs.append(record)

    def randn(*shape, dtype=torch.float32):
        return torch.tensor(rng.standard_normal(shape), dtype=dtype)

    add("scalar", torch.tensor(3.14159265))
    add("scalar_integer", torch.tensor(2.0))
    add("one_element", torch.tensor([0.5]))
    add("randn_3x4", randn(3, 4))
    add("integers", torch.tensor([1.0, 2.0, -3.0, 10.0]))
    add("integers_2d", torch.tensor([[0.0, 1.0], [2.0, 300.0]]))
    add("small_values_scientific", torch.tensor([1e-5, 2.5e-6, 0.5]))
    add("large_values_scientific", torch.tensor([1.5e9, 2.0, 3.25]))
    add("wide_range_scientific", torch.tensor([[0.001, 12345.678], [1.0, -2.0]]))
    add("leaf_requires_grad", torch.tensor([0.5, -1.25], requires_grad=True))
    add("scalar_requires_grad", torch.tensor(1.5, requires_grad=True))
    add("with_grad_fn", torch.tensor([0.7101, 1.5], requires_grad=True), ("add", 1))
    add("with_grad_fn_mul", randn(2, 3).requires_grad_(), ("mul", 2))
    add("float64", randn(2, 3, dtype=torch.float64))
    add("float64_requires_grad", torch.tensor([1.0, 2.5], dtype=torch.float64, requires_grad=True))
    add("float64_grad_fn", randn(3, dtype=torch.float64).requires_grad_(), ("pow", 2))
    add("negative_values", torch.tensor([[-0.5, 0.25], [1.75, -2.0]]))
    add("wrapped_row", randn(30))
    add("wrapped_rows_2d", randn(2, 12))
    add("three_dims", randn(2, 2, 3))
    add("half_way_rounding", torch.tensor([0.03125, 1.5, -0.40625]))
    add("large_summarised", randn(40, 30))
    add("large_summarised_1d", randn(2000))
    add("empty", torch.zeros(0))
    add("empty_2d", torch.zeros(2, 0))
    return reprs


def dump(data: dict) -> str:
    """JSON with one case per line: small, and diffs show which cases changed."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            items = ",\n  ".join(json.dumps(item) for item in value)
            lines.append(f"{json.dumps(key)}: [\n  {items}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def main():
    make_cases()
    errors = make_errors()
    reprs = make_reprs()
    data = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "seed": SEED,
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "cases": CASES,
        "errors": errors,
        "reprs": reprs,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dump(data))
    print(
        f"wrote {OUT.relative_to(ROOT)}: {len(CASES)} cases, {len(errors)} errors, "
        f"{len(reprs)} reprs (torch {torch.__version__})"
    )


if __name__ == "__main__":
    main()
