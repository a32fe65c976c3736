"""``flask roadmap plan`` and ``flask roadmap check`` as FORMAT.md specifies them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "data" / "roadmap" / "sample-small.json"
COUNTRY = ROOT / "data" / "roadmap" / "sample-country.json"


def write(tmp_path: Path, name: str, content) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_plan_to_stdout_then_check_ok(runner, tmp_path):
    result = runner.invoke(args=["roadmap", "plan", str(SMALL), "--time-limit", "0.5"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert list(plan)[:4] == ["version", "meetups", "shortfall", "score"]
    assert "solve_seconds" not in plan  # files compare byte for byte between runs
    checked = runner.invoke(args=["roadmap", "check", str(SMALL), write(tmp_path, "p.json", plan)])
    assert (checked.exit_code, checked.output) == (0, "ok\n")


def test_plan_to_file_is_the_same_every_time(runner, tmp_path):
    outputs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        result = runner.invoke(args=["roadmap", "plan", str(COUNTRY), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"wrote {out}: ")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    checked = runner.invoke(args=["roadmap", "check", str(COUNTRY), str(tmp_path / "a.json")])
    assert (checked.exit_code, checked.output) == (0, "ok\n")


def test_plan_with_shortfall_exits_0(runner, tmp_path):
    data = json.loads(SMALL.read_text())
    data["cities"].append({"id": "mithi", "name": "Mithi", "priority": 3, "min": 1, "max": 1})
    result = runner.invoke(
        args=["roadmap", "plan", write(tmp_path, "i.json", data), "--time-limit", "0.3"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["shortfall"] == [
        {"city": "mithi", "missing": 1, "reason": "no team serves this city"}
    ]


def test_check_lists_violations_and_exits_1(runner, tmp_path):
    plan = json.loads(runner.invoke(args=["roadmap", "plan", str(SMALL)]).stdout)
    index = len(plan["meetups"])
    plan["meetups"].append({"city": "bannu", "date": "2027-03-23", "team": "team-2"})
    result = runner.invoke(args=["roadmap", "check", str(SMALL), write(tmp_path, "p.json", plan)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"meetups[{index}] (bannu 2027-03-23 team-2): public holiday (Pakistan Day)" in lines
    assert "meetups: not sorted by date then city" in lines
    assert any(line.startswith("score: ") for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("", "not valid JSON"),
        ("[]", "must be an object"),
        (
            json.dumps({**json.loads(SMALL.read_text()), "max_per_week": -1}),
            "max_per_week: must be >= 0",
        ),
    ],
)
def test_plan_invalid_input_exits_2_with_a_message(runner, tmp_path, content, message):
    result = runner.invoke(args=["roadmap", "plan", write(tmp_path, "bad.json", content)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_plan_min_above_max_names_the_field(runner, tmp_path):
    data = json.loads(SMALL.read_text())
    data["cities"][3]["min"] = 9
    result = runner.invoke(args=["roadmap", "plan", write(tmp_path, "bad.json", data)])
    assert result.exit_code == 2
    assert "cities[3].min: must be <= max" in result.output


def test_missing_files_exit_2(runner, tmp_path):
    result = runner.invoke(args=["roadmap", "plan", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "nope.json: no such file" in result.output
    result = runner.invoke(args=["roadmap", "check", str(SMALL), str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "plan" in result.output and "no such file" in result.output


def test_check_malformed_plan_exits_2(runner, tmp_path):
    bad = {"version": 1, "meetups": [{"city": "bannu", "date": "soon", "team": "team-2"}]}
    result = runner.invoke(args=["roadmap", "check", str(SMALL), write(tmp_path, "p.json", bad)])
    assert result.exit_code == 2
    assert "meetups[0].date: must be an ISO date" in result.output


def test_check_invalid_instance_exits_2(runner, tmp_path):
    data = json.loads(SMALL.read_text())
    data["pinned"] = [{"city": "bannu", "date": "2027-03-23", "team": "team-2"}]
    result = runner.invoke(
        args=["roadmap", "check", write(tmp_path, "i.json", data), write(tmp_path, "p.json", {})]
    )
    assert result.exit_code == 2
    assert "pinned[0]: 2027-03-23 is a public holiday (Pakistan Day)" in result.output


def test_real_flask_command(tmp_path):
    """Once through a real process, as staff would run it."""
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    out = tmp_path / "plan.json"
    done = subprocess.run(
        [str(flask), "--app", "wsgi", "roadmap", "plan", str(SMALL), "-o", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    checked = subprocess.run(
        [str(flask), "--app", "wsgi", "roadmap", "check", str(SMALL), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (checked.returncode, checked.stdout) == (0, "ok\n")
    # Another process with other hash seeds writes the same bytes.
    again = subprocess.run(
        [str(flask), "--app", "wsgi", "roadmap", "plan", str(SMALL)],
        cwd=ROOT,
        env={**env, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0 and again.stdout == out.read_text(encoding="utf-8")
    bad = subprocess.run(
        [str(flask), "--app", "wsgi", "roadmap", "plan", str(tmp_path / "missing.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "no such file" in bad.stderr and "Traceback" not in bad.stderr
