"""`deinfluence classify` and `deinfluence eval` end to end (in process)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from deinfluence.cli import main

GOOD = {
    "post_id": "1",
    "platform": "tiktok",
    "created_at": "2026-11-01T10:00:00Z",
    "text": "Don't buy the Stanley cup, it leaks #deinfluencing",
}


def test_classify_file_reports_invalid_lines(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            [
                json.dumps(GOOD),
                "{not json",
                json.dumps({"post_id": "2"}),
                "",
                json.dumps([GOOD, {**GOOD, "post_id": "3", "text": "obsessed with my Owala"}]),
            ]
        )
        + "\n"
    )
    rc = main(["classify", str(src)])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert rc == 1
    assert [r["post_id"] for r in rows] == ["1", "1", "3"]
    assert rows[0]["stance"] == "deinfluencing" and rows[0]["targets"] == {
        "stanley": "deinfluencing"
    }
    assert "line 2" in err and "line 3" in err and "missing_field" in err


def test_classify_stdin_with_catalog(tmp_path: Path, monkeypatch, capsys) -> None:
    catalog = tmp_path / "brands.yaml"
    catalog.write_text("brands:\n  - {id: cup_co, name: Cup Co, aliases: [stanley cup]}\n")
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO((json.dumps(GOOD) + "\n").encode()))
    )
    rc = main(["classify", "--brands", str(catalog)])
    out = capsys.readouterr().out
    assert rc == 0 and json.loads(out)["brands"] == ["cup_co"]


def test_classify_bad_catalog_is_an_error(tmp_path: Path, capsys) -> None:
    catalog = tmp_path / "brands.yaml"
    catalog.write_text("brands: [")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GOOD) + "\n")
    assert main(["classify", "--brands", str(catalog), str(src)]) == 2
    assert "not valid YAML" in capsys.readouterr().err


@pytest.mark.usefixtures("data_dir")
def test_eval_prints_all_metrics(data_dir: Path, capsys) -> None:
    rc = main(
        ["eval", str(data_dir / "stance-dev.jsonl"), "--brands", str(data_dir / "brands-eval.yaml")]
    )
    out = capsys.readouterr().out
    assert rc == 0
    for needle in (
        "post macro-F1",
        "per-target macro-F1",
        "brand-mention F1",
        "sponsored F1",
        "reasons F1",
        "confusion",
        "  da ",
        "  fr ",
    ):
        assert needle in out


def test_eval_json(data_dir: Path, capsys) -> None:
    rc = main(
        [
            "eval",
            str(data_dir / "stance-dev.jsonl"),
            "--brands",
            str(data_dir / "brands-eval.yaml"),
            "--json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert (
        rc == 0
        and report["post_macro_f1"] >= 0.9
        and set(report["per_lang_macro_f1"]) >= {"en", "da"}
    )


def test_classify_takes_catalog_from_environment(tmp_path: Path, monkeypatch, capsys) -> None:
    catalog = tmp_path / "brands.yaml"
    catalog.write_text("brands:\n  - {id: cup_co, name: Cup Co, aliases: [stanley cup]}\n")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GOOD) + "\n")
    monkeypatch.setenv("DEINFLUENCE_BRANDS", str(catalog))
    assert main(["classify", str(src)]) == 0
    assert json.loads(capsys.readouterr().out)["targets"] == {"cup_co": "deinfluencing"}


def test_eval_writes_misses(data_dir: Path, tmp_path: Path, capsys) -> None:
    """``--misses``: exactly the posts whose stance, targets or sponsorship differ from the label."""
    rows = [json.loads(line) for line in (data_dir / "stance-dev.jsonl").read_text().splitlines()[:6]]
    rows[1]["label"]["stance"] = "promoting" if rows[1]["label"]["stance"] != "promoting" else "neutral"
    rows[4]["label"]["sponsored"] = not rows[4]["label"]["sponsored"]
    src = tmp_path / "labeled.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "misses.jsonl"
    rc = main(["eval", str(src), "--brands", str(data_dir / "brands-eval.yaml"), "--misses", str(out)])
    assert rc == 0
    wrong = [json.loads(line) for line in out.read_text().splitlines()]
    assert [m["post_id"] for m in wrong] == [rows[1]["post_id"], rows[4]["post_id"]]
    assert wrong[0]["label"]["stance"] == rows[1]["label"]["stance"]
    assert wrong[0]["predicted"]["stance"] != wrong[0]["label"]["stance"]
    assert set(wrong[1]["predicted"]) == {"stance", "targets", "sponsored", "reasons", "cues"}
    assert "2 of 6 posts missed" in capsys.readouterr().err


def test_train_fallback_then_eval_with_it(tmp_path: Path, data_dir: Path, capsys) -> None:
    model = tmp_path / "fallback.bin"
    rc = main(["train-fallback", str(data_dir / "stance-dev.jsonl"), "--out", str(model),
               "--iterations", "60", "--bits", "14"])
    _, err = capsys.readouterr()
    assert rc == 0 and model.stat().st_size > 0
    assert "stance head, iteration 50/60" in err and "reasons head, iteration 60/60" in err
    assert "240 posts" in err
    labeled = str(data_dir / "stance-dev.jsonl")
    brands = str(data_dir / "brands-eval.yaml")
    assert main(["eval", labeled, "--brands", brands, "--fallback", str(model), "--json"]) == 0
    with_model = json.loads(capsys.readouterr().out)
    assert main(["eval", labeled, "--brands", brands, "--fallback", "off", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert with_model["posts"] == rules["posts"] == 240


def test_train_fallback_rejects_unknown_reasons(tmp_path: Path, capsys) -> None:
    labeled = tmp_path / "odd.jsonl"
    labeled.write_text(json.dumps({"post_id": "a", "text": "skip it", "label": {
        "stance": "deinfluencing", "targets": {}, "sponsored": False, "reasons": ["boredom"]}}) + "\n")
    rc = main(["train-fallback", str(labeled), "--out", str(tmp_path / "m.bin"), "--iterations", "5"])
    _, err = capsys.readouterr()
    assert rc == 2 and "unknown reasons: boredom" in err
    assert not (tmp_path / "m.bin").exists()


def test_unreadable_fallback_model_is_a_clear_error(tmp_path: Path, data_dir: Path, capsys) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"not a model")
    rc = main(["eval", str(data_dir / "stance-dev.jsonl"), "--fallback", str(bogus)])
    _, err = capsys.readouterr()
    assert rc == 2 and "cannot read fallback model" in err and str(bogus) in err
