"""`--json` output: pydantic's one-call serialiser writes exactly what json.dumps(indent=2) wrote
for our read models (hostile text, dates, enums, None, nested lists), so scripts see no change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from circlekeeper.algorithms.circle_health import HealthStatus
from circlekeeper.cli import output
from circlekeeper.models.enums import CircleStatus, MemberStatus
from circlekeeper.services.health_models import CircleFiguresRead, CircleHealth, MemberAtRisk
from tests.hostile_corpus import HOSTILE


def _at_risk(index: int, name: str) -> MemberAtRisk:
    return MemberAtRisk(
        member_id=index,
        name=name,
        member_status=MemberStatus.ACTIVE,
        kinds=(),
        reasons=(f"quiet for {index} days", name),
        urgency=index % 3,
        absent_streak=index,
        last_check_in=dt.date(2026, 11, 1) if index % 2 else None,
        quiet_days=index * 7,
        active_circles=1,
        paused_until=None,
    )


def test_json_output_matches_json_dumps_byte_for_byte(capsys: pytest.CaptureFixture[str]) -> None:
    found = [_at_risk(index, entry.text) for index, entry in enumerate(HOSTILE)]
    data = {"members": found, "share": 0.25, "none": None, "empty": [], "nested": {"x": {}}}

    output.emit_json(data)

    plain = {**data, "members": [item.model_dump(mode="json") for item in found]}
    assert capsys.readouterr().out == json.dumps(plain, ensure_ascii=False, indent=2) + "\n"


def _health(index: int, name: str) -> CircleHealth:
    day = dt.date(2026, 11, 21)
    figures = CircleFiguresRead(
        day, index, 7, 5, 4, 10, 0.5, None, 4, index % 5, 4, 1, day, 3, 2 / 3, None
    )
    return CircleHealth(
        index, name, CircleStatus.ACTIVE, list(HealthStatus)[index % 4], (name, "x"), figures
    )


def test_dataclass_rows_match_json_dumps_byte_for_byte(capsys: pytest.CaptureFixture[str]) -> None:
    found = [_health(index, entry.text) for index, entry in enumerate(HOSTILE)]

    output.emit_json(found)

    def plain(item: CircleHealth) -> dict[str, object]:
        figures = {**dataclasses.asdict(item.figures), "as_of": "2026-11-21"}
        figures["last_held_on"] = "2026-11-21"
        return {
            **dataclasses.asdict(item),
            "lifecycle": item.lifecycle.value,
            "status": item.status.value,
            "reasons": list(item.reasons),
            "figures": figures,
        }

    expected = json.dumps([plain(item) for item in found], ensure_ascii=False, indent=2)
    assert capsys.readouterr().out == expected + "\n"


@pytest.mark.parametrize("binary", [True, False], ids=["binary buffer", "text only"])
def test_json_output_is_the_same_utf8_through_a_buffer_or_a_text_stream(
    binary: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stdout with a binary buffer gets pydantic's UTF-8 bytes as they are, after whatever text
    was written before; a stream without one (as some embedders give) gets the same text."""
    import io

    found = [_at_risk(index, entry.text) for index, entry in enumerate(HOSTILE)]
    raw = io.BytesIO()
    stream: io.TextIOBase = (
        io.TextIOWrapper(raw, encoding="utf-8", write_through=False) if binary else io.StringIO()
    )
    monkeypatch.setattr("sys.stdout", stream)
    stream.write("before\n")

    output.emit_json(found)

    stream.flush()
    text = raw.getvalue().decode("utf-8") if binary else stream.getvalue()  # type: ignore[attr-defined]
    plain = [item.model_dump(mode="json") for item in found]
    assert text == "before\n" + json.dumps(plain, ensure_ascii=False, indent=2) + "\n"
