"""The measures command line: exact JSON on stdout; on bad input one line on stderr, exit 2.

Values are hand-computed from the definition files and their primary sources (PHQ-9, GAD-7,
CORE-10 and WAI-SR papers and manuals; Jacobson & Truax 1991; NHS Talking Therapies; Kiresuk &
Sherman 1968). Most cases run in-process through ``call_command`` or ``execute_from_command_line``;
a few run the real ``alliance`` entry point in a subprocess for the process-level contract (exit
code, exactly one stderr line, one JSON document).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from alliance.audit.models import AuditEvent
from alliance.core.measures.definitions import AnswerKind
from alliance.core.measures.fhir import parse_questionnaire_response
from alliance.measures import registry
from alliance.measures.models import WordingPack

PHQ9_EXAMPLE = "1,2,0,1,3,0,1,0,1"  # 1+2+0+1+3+0+1+0+1 = 9


def _json(*args: str) -> Any:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    assert err.getvalue() == ""
    text = out.getvalue()
    assert text.endswith("\n")
    assert text.count("\n") == 1  # one document, sort_keys, default separators
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True) + "\n"
    return data


def _refused(*args: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=out, stderr=StringIO())
    assert excinfo.value.returncode == 2
    assert out.getvalue() == ""
    message = str(excinfo.value)
    assert "\n" not in message
    return message


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The console script in-process: exit code, stdout, stderr."""
    code = 0
    try:
        execute_from_command_line(["alliance", *args])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _subprocess(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALLIANCE_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "alliance.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=60,
        check=False,
    )


def _assert_one_line_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"alliance {command}: ")
    return result.stderr


# --- score ------------------------------------------------------------------------------------


def test_score_phq9_example_is_exact() -> None:
    data = _json("score", "phq-9", "--answers", PHQ9_EXAMPLE, "--difficulty", "2")

    assert data == {
        "instrument": "phq-9",
        "version": "1.0.0",
        "answers": {
            **{f"phq9-{n}": int(a) for n, a in enumerate(PHQ9_EXAMPLE.split(","), 1)},
            "phq9-difficulty": 2,
        },
        "total": 9,
        "min": 0,
        "max": 27,
        "subscales": {},
        "band": "mild",  # 5-9 (Kroenke et al. 2001)
        "band_label": "Mild",
        "clinical": False,  # caseness is >= 10
        "flags": {"item9_risk": True},  # item 9 = 1 > 0 (Simon et al. 2013)
        "critical": True,
        "missing": [],
        "prorated": False,
    }


def test_score_phq9_difficulty_never_enters_the_total() -> None:
    without = _json("score", "phq-9", "--answers", "3,3,3,3,3,3,3,3,0")
    with_difficulty = _json("score", "phq-9", "--answers", "3,3,3,3,3,3,3,3,0", "--difficulty", "3")

    assert without["total"] == with_difficulty["total"] == 24  # 8 × 3
    assert without["band"] == "severe"  # 20-27
    assert without["flags"] == {"item9_risk": False}
    assert without["critical"] is False
    assert "phq9-difficulty" not in without["answers"]


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ("1,1,1,1,0,0,0", 4, "minimal"),
        ("1,1,1,1,1,0,0", 5, "mild"),
        ("3,3,3,0,0,0,0", 9, "mild"),
        ("3,3,3,1,0,0,0", 10, "moderate"),
        ("2,2,2,2,2,2,2", 14, "moderate"),
        ("3,2,2,2,2,2,2", 15, "severe"),
    ],
)
def test_score_gad7_band_edges(answers: str, total: int, band: str) -> None:
    data = _json("score", "gad-7", "--answers", answers)

    assert (data["total"], data["band"], data["max"]) == (total, band, 21)
    assert data["clinical"] is (total >= 8)  # GAD-7 caseness >= 8 (NHS Talking Therapies)


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        # Items 2 and 3 score 4 - answer (CORE-10 manual): all zeros still gives 4 + 4.
        ("0,0,0,0,0,0,0,0,0,0", 8),
        ("0,4,4,0,0,0,0,0,0,0", 0),
        ("4,0,0,4,4,4,4,4,4,4", 40),
        # 1 + (4-3) + (4-1) + 2+0+1+2+3+4+0 = 17
        ("1,3,1,2,0,1,2,3,4,0", 17),
    ],
)
def test_score_core10_reverse_keys_items_2_and_3(answers: str, total: int) -> None:
    data = _json("score", "core-10", "--answers", answers)

    assert data["total"] == total
    assert data["band"] is None  # bands disputed, left null
    assert data["clinical"] is (total >= 11)


def test_score_core10_prorates_one_missing_item() -> None:
    data = _json("score", "core-10", "--answers", "-,1,2,3,4,0,1,2,3,4")

    # Answered: (4-1) + (4-2) + 3+4+0+1+2+3+4 = 22 over 9 items; × 10 / 9 = 220/9.
    assert data["total"] == 220 / 9
    assert data["missing"] == ["core10-1"]
    assert data["prorated"] is True
    assert data["answers"]["core10-1"] is None
    assert data["flags"] == {"item6_risk": False}


def test_score_core10_risk_item_is_critical() -> None:
    data = _json("score", "core-10", "--answers", "0,4,4,0,0,1,0,0,0,0")

    assert data["total"] == 1
    assert data["flags"] == {"item6_risk": True}
    assert data["critical"] is True


def test_score_wai_sr_item_means_from_the_key_alone() -> None:
    data = _json("score", "wai-sr", "--answers", "1,2,3,4,5,1,2,3,4,5,1,2")

    # Total: 33 / 12. Goal 4,6,8,11 → (4+1+3+1)/4; task 1,2,10,12 → (1+2+5+2)/4;
    # bond 3,5,7,9 → (3+5+2+4)/4.
    assert data["total"] == 2.75
    assert data["subscales"] == {"goal": 2.25, "task": 2.5, "bond": 3.5}
    assert (data["min"], data["max"]) == (1, 5)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("nope", "--answers", "1"), "Unknown instrument 'nope'"),
        (("phq-9", "--answers", "1,2,0"), "phq-9 takes 9 answers"),
        (("phq-9", "--answers", "1,2,0,1,3,0,1,0,1,2"), "got 10"),
        (("phq-9", "--answers", "1,2,0,1,3,0,1,0,4"), "item 9 (phq9-9): 4 is not allowed"),
        (("phq-9", "--answers", "1,2,0,1,-1,0,1,0,1"), "-1 is not allowed"),
        (("phq-9", "--answers", "1,2,x,1,3,0,1,0,1"), "item 3: 'x' is not a whole number"),
        (("phq-9", "--answers", "1,2,1.5,1,3,0,1,0,1"), "'1.5' is not a whole number"),
        (("phq-9", "--answers", "1,2,-,1,3,0,1,0,1"), "unanswered item(s) phq9-3"),
        (("phq-9", "--answers", PHQ9_EXAMPLE, "--difficulty", "4"), "4 is not allowed"),
        (("phq-9", "--answers", PHQ9_EXAMPLE, "--difficulty", "x"), "--difficulty"),
        (("core-10", "--answers", PHQ9_EXAMPLE + ",0", "--difficulty", "1"), "no difficulty"),
        (("core-10", "--answers", "-,-,0,0,0,0,0,0,0,0"), "at most 1 may be prorated"),
        (("core-10", "--answers", "0,0,0,0,0,-,0,0,0,0"), "core10-6 must be answered"),
        (("wai-sr-therapist", "--answers", "3,3,3,3,3,3,3,3,3,3,3,3"), "key is unconfirmed"),
        (("phq-9",), "required: --answers"),
    ],
)
def test_score_refuses_bad_input(args: tuple[str, ...], problem: str) -> None:
    assert problem in _refused("score", *args)


# --- change -----------------------------------------------------------------------------------


def test_change_phq9_18_to_9_is_reliable_and_clinically_significant() -> None:
    data = _json("change", "phq-9", "--before", "18", "--after", "9")

    assert data["change"] == -9
    assert data["threshold"] == 6  # >= 6 points (NHS Talking Therapies manual)
    assert data["threshold_source"].startswith("NHS Talking Therapies manual")
    assert data["threshold_evidence"] == "unconfirmed"
    assert data["reliable_change"] == "reliable_improvement"
    assert data["cutoff"]["value"] == 10
    assert data["crossed_cutoff"] is True  # 18 >= 10, 9 < 10
    assert data["clinically_significant"] is True
    assert data["category"] == "recovered"
    assert data["direction"] == "higher_is_worse"


@pytest.mark.parametrize(
    ("instrument", "before", "after", "reliable", "significant", "category"),
    [
        ("phq-9", "12", "7", "no_reliable_change", False, "unchanged"),  # -5 < 6
        ("phq-9", "16", "10", "reliable_improvement", False, "improved"),  # still >= 10
        ("phq-9", "9", "15", "reliable_deterioration", False, "deteriorated"),
        ("gad-7", "12", "7", "reliable_improvement", True, "recovered"),  # -5 >= 4; 7 < 8
        # CORE-10: reliable change index 6 (Barkham et al. 2013); clinical >= 11.
        ("core-10", "20", "14", "reliable_improvement", False, "improved"),  # 6 exactly; 14 >= 11
        ("core-10", "20", "14.5", "no_reliable_change", False, "unchanged"),  # 5.5 < 6
        ("core-10", "15", "9", "reliable_improvement", True, "recovered"),  # 6; 9 < 11
    ],
)
def test_change_table(
    instrument: str, before: str, after: str, reliable: str, significant: bool, category: str
) -> None:
    data = _json("change", instrument, "--before", before, "--after", after)

    assert data["reliable_change"] == reliable
    assert data["clinically_significant"] is significant
    assert data["category"] == category


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("wai-sr", "--before", "3", "--after", "4"), "no published reliable-change threshold"),
        (("phq-9", "--before", "28", "--after", "4"), "before = 28 is outside 0-27"),
        (("phq-9", "--before", "x", "--after", "4"), "'x' is not a number"),
        (("phq-9", "--before", "nan", "--after", "4"), "not a finite number"),
        (("nope", "--before", "1", "--after", "2"), "Unknown instrument"),
    ],
)
def test_change_refuses_bad_input(args: tuple[str, ...], problem: str) -> None:
    assert problem in _refused("change", *args)


# --- recovery ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [
        # Worked by hand from the NHS Talking Therapies definitions.
        ((15, 8), (10, 6), {"case_at_start": True, "recovered": True,
                             "reliable_improvement": True, "reliable_deterioration": False,
                             "reliably_recovered": True}),
        ((12, 9), (7, 7), {"case_at_start": True, "recovered": True,
                            "reliable_improvement": False, "reliable_deterioration": False,
                            "reliably_recovered": False}),
        ((9, 5), (7, 4), {"case_at_start": False, "recovered": None,
                           "reliable_improvement": False, "reliable_deterioration": False,
                           "reliably_recovered": None}),
        ((10, 16), (8, 8), {"case_at_start": True, "recovered": False,
                             "reliable_improvement": False, "reliable_deterioration": True,
                             "reliably_recovered": False}),
        ((14, 7), (6, 11), {"case_at_start": True, "recovered": False,
                             "reliable_improvement": False, "reliable_deterioration": True,
                             "reliably_recovered": False}),
    ],
)  # fmt: skip
def test_recovery_vectors_from_clinical_md(
    phq9: tuple[int, int], gad7: tuple[int, int], expected: dict[str, object]
) -> None:
    data = _json(
        "recovery",
        *("--phq9-before", str(phq9[0]), "--phq9-after", str(phq9[1])),
        *("--gad7-before", str(gad7[0]), "--gad7-after", str(gad7[1])),
    )

    assert data == {
        **expected,
        "phq9_before": phq9[0],
        "phq9_after": phq9[1],
        "gad7_before": gad7[0],
        "gad7_after": gad7[1],
        "phq9_change": phq9[1] - phq9[0],
        "gad7_change": gad7[1] - gad7[0],
    }


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("--phq9-before", "28"), "PHQ-9 total 28 is outside 0-27"),
        (("--gad7-after", "-1"), "GAD-7 total -1 is outside 0-21"),
        (("--gad7-after", "many"), "'many' is not a number"),
    ],
)
def test_recovery_refuses_bad_input(args: tuple[str, ...], problem: str) -> None:
    base = {"--phq9-before": "15", "--phq9-after": "8", "--gad7-before": "10", "--gad7-after": "6"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in base.items() for part in pair]

    assert problem in _refused("recovery", *flat)


def test_recovery_needs_all_four_totals() -> None:
    assert "required: --gad7-before, --gad7-after" in _refused(
        "recovery", "--phq9-before", "15", "--phq9-after", "8"
    )


# --- gas --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "weights", "rho", "expected"),
    [
        # Kiresuk-Sherman T-scores worked by hand (to 4 decimals).
        ("-2,0,-1,2,0,1", "3,5,1,4,2,6", None, 55.0),  # 50 + 10 · 7 / √196
        ("-2", None, None, 30.0),
        ("-1", None, None, 40.0),
        ("0", None, None, 50.0),
        ("1", None, None, 60.0),
        ("2", None, None, 70.0),
        ("1,1,1", None, None, 63.6931),
        ("-1,-1,-1", None, None, 36.3069),
        ("1,0,-1", None, None, 50.0),
        ("0,1,1,2,-1", None, None, 59.0453),
        ("1,0,-1", "1,2,3", None, 45.5935),
        ("2,1,0", "3,2,1", None, 67.6261),
        ("-1,-1", "4,1", None, 38.6481),
        ("1,1,1", None, "0", 67.3205),
        ("1,1,1", None, "0.5", 62.2474),
    ],
)
def test_gas_t_scores_from_clinical_md(
    levels: str, weights: str | None, rho: str | None, expected: float
) -> None:
    args = ["gas", "--levels", levels]
    if weights is not None:
        args += ["--weights", weights]
    if rho is not None:
        args += ["--rho", rho]

    data = _json(*args)

    assert round(data["t_score"], 4) == expected
    assert data["levels"] == [int(level) for level in levels.split(",")]
    n_goals = len(data["levels"])
    assert data["weights"] == ([1] * n_goals if weights is None else json.loads(f"[{weights}]"))
    assert data["rho"] == (0.3 if rho is None else float(rho))


def test_gas_example_is_exactly_55() -> None:
    assert _json("gas", "--levels", "-2,0,-1,2,0,1", "--weights", "3,5,1,4,2,6")["t_score"] == 55.0


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("--levels", "3"), "goal level 3 is not one of -2, -1, 0, 1, 2"),
        (("--levels", "1.5"), "--levels: '1.5' is not a whole number"),
        (("--levels", "1,,2"), "--levels: '' is not a whole number"),
        (("--levels", "a,b"), "--levels: 'a' is not a whole number"),
        (("--levels", "1,0", "--weights", "1"), "1 weights for 2 goals"),
        (("--levels", "1,0", "--weights", "1,x"), "--weights: 'x' is not a number"),
        (("--levels", "1,0", "--weights", "0,0"), "at least one weight"),
        (("--levels", "1,0", "--weights", "1,-1"), "must be a non-negative number"),
        (("--levels", "1", "--rho", "1.5"), "rho 1.5 must be between 0 and 1"),
        ((), "required: --levels"),
    ],
)
def test_gas_refuses_bad_input(args: tuple[str, ...], problem: str) -> None:
    assert problem in _refused("gas", *args)


# --- the process-level contract, in-process ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("score", "nope", "--answers", "1"),
        ("score", "phq-9", "--answers", "1,2"),
        ("score", "phq-9", "--answers", "1,2,0,1,3,0,1,0,9"),
        ("score", "phq-9", "--answers", "1,2,zero,1,3,0,1,0,1"),
        ("score", "phq-9", "--answers", PHQ9_EXAMPLE, "--no-such-option"),
        ("score",),
        ("change", "phq-9", "--before", "18"),
        ("gas", "--levels", "-3,0"),
        ("fhir", "nonsense", "phq-9"),
    ],
)
def test_bad_input_is_one_stderr_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = _cli(capsys, *args)

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"alliance {args[0]}: ")
    assert "usage" not in err.lower()


def test_dashed_lists_work_as_plain_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    # argparse alone reads "-1,0,2" and "-,1,…" as options ("expected one argument").
    code, out, err = _cli(capsys, "score", "core-10", "--answers", "-,1,2,3,4,0,1,2,3,4")
    assert (code, err) == (0, "")
    assert json.loads(out)["missing"] == ["core10-1"]

    code, out, err = _cli(capsys, "gas", "--levels", "-1,0,2", "--weights", "1,1,2")
    assert (code, err) == (0, "")
    # 50 + 10 · (-1 + 0 + 4) / √(0.7 · 6 + 0.3 · 16) = 50 + 30 / 3
    assert json.loads(out) == {"t_score": 60.0, "levels": [-1, 0, 2], "weights": [1, 1, 2],
                               "rho": 0.3}  # fmt: skip


# --- fhir -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fhir_questionnaire_phq9() -> None:
    data = _json("fhir", "questionnaire", "phq-9")

    assert data["resourceType"] == "Questionnaire"
    assert data["id"] == "phq-9"
    assert data["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    link_ids = [item["linkId"] for item in data["item"] if item["type"] != "display"]
    assert link_ids == [*(f"phq9-{n}" for n in range(1, 10)), "phq9-difficulty"]


@pytest.mark.django_db
def test_fhir_questionnaire_without_licensed_wording_has_no_text() -> None:
    data = _json("fhir", "questionnaire", "wai-sr")

    assert all("text" not in item for item in data["item"])
    assert "Wording not included" in data["copyright"]


@pytest.mark.django_db
def test_fhir_response_round_trips_the_answers() -> None:
    with time_machine.travel(dt.datetime(2025, 3, 4, 9, 30, 15, 123456, tzinfo=dt.UTC)):
        data = _json("fhir", "response", "phq-9", "--answers", PHQ9_EXAMPLE, "--difficulty", "2")

    assert data["resourceType"] == "QuestionnaireResponse"
    assert data["status"] == "completed"
    assert data["subject"] == {"reference": "Patient/example"}
    assert dt.datetime.fromisoformat(data["authored"]) == dt.datetime(
        2025, 3, 4, 9, 30, 15, tzinfo=dt.UTC
    )
    answers = parse_questionnaire_response(registry.get_key("phq-9"), data)
    assert answers == {
        **{f"phq9-{n}": int(a) for n, a in enumerate(PHQ9_EXAMPLE.split(","), 1)},
        "phq9-difficulty": 2,
    }


@pytest.mark.django_db
def test_fhir_response_carries_the_comment_and_subject() -> None:
    data = _json(
        "fhir",
        "response",
        "alliance-checkin-client",
        *("--answers", "4,3,3,2", "--comment", " Felt rushed ", "--subject", "Patient/42"),
    )

    assert data["subject"] == {"reference": "Patient/42"}
    by_link = {item["linkId"]: item["answer"][0] for item in data["item"]}
    assert by_link["checkin-not-working"] == {"valueString": "Felt rushed"}
    assert by_link["checkin-bond"]["valueCoding"]["code"] == "4"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("response", "phq-9", "--answers", "1,2,-,1,3,0,1,0,1"), "unanswered item(s) phq9-3"),
        (("response", "phq-9", "--answers", "1,2,0,1,3,0,1,0,5"), "5 is not allowed"),
        (("response", "phq-9", "--answers", PHQ9_EXAMPLE, "--comment", "hi"), "no free-text"),
        (("response", "phq-9", "--answers", PHQ9_EXAMPLE, "--subject", ""), "subject"),
        (("questionnaire", "nope"), "Unknown instrument 'nope'"),
        (("questionnaire",), "required: instrument"),
    ],
)
def test_fhir_refuses_bad_input(args: tuple[str, ...], problem: str) -> None:
    assert problem in _refused("fhir", *args)


# --- instruments ------------------------------------------------------------------------------


def _pack(instrument_id: str, *, text: str = "Licensed text", **changes: object) -> dict[str, Any]:
    key = registry.get_key(instrument_id)
    pack: dict[str, Any] = {
        "format": "alliance-wording/1",
        "instrument": instrument_id,
        "version": "1.0",
        "licence": {"holder": "Test Clinic", "reference": "agreement 42"},
        "items": {item.link_id: f"{text} {item.number}" for item in key.items},
        "options": {
            answer_set.id: [f"Label {option.value}" for option in answer_set.options]
            for answer_set in key.answer_sets
            if answer_set.kind is AnswerKind.CHOICE
        },
    }
    pack.update(changes)
    return pack


def _write(path: Path, content: object) -> Path:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


@pytest.mark.django_db
def test_instruments_lists_every_instrument_with_its_licence() -> None:
    data = _json("instruments")

    by_id = {entry["id"]: entry for entry in data["instruments"]}
    assert sorted(by_id) == sorted(
        ["phq-9", "gad-7", "core-10", "alliance-checkin-client", "alliance-checkin-therapist",
         "wai-sr", "wai-sr-therapist", "srs", "ors"]
    )  # fmt: skip
    assert by_id["phq-9"] == {
        "id": "phq-9",
        "title": "Patient Health Questionnaire-9 (PHQ-9)",
        "version": "1.0.0",
        "respondent": "client",
        "licence_status": "public-domain",
        "licence_holder": "Pfizer Inc.",
        "attribution": by_id["phq-9"]["attribution"],
        "wording_included": True,
        "wording_imported": False,
        "key_confirmed": True,
        "validated": True,
        "can_show_to_clients": True,
        "reason": None,
    }
    assert by_id["alliance-checkin-client"]["validated"] is False
    assert by_id["srs"]["licence_status"] == "needs-licence"
    wai = by_id["wai-sr"]
    assert (wai["licence_status"], wai["wording_included"]) == ("scoring-key-only", False)
    assert wai["can_show_to_clients"] is False
    assert "alliance instruments import" in wai["reason"]
    assert _json("instruments", "list") == data


@pytest.mark.django_db
def test_instruments_import_stores_the_pack_and_audits_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "srs.json", _pack("srs"))

    data = _json("instruments", "import", str(path))

    assert data == {
        "imported": "srs",
        "replaced": False,
        "n_items": 4,
        "can_show_to_clients": True,
        "reason": None,
    }
    assert WordingPack.objects.get(instrument="srs").content == _pack("srs")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.data) == (
        "measures.wording_pack.imported",
        None,
        {"instrument": "srs"},
    )
    listed = {entry["id"]: entry for entry in _json("instruments")["instruments"]}
    assert listed["srs"]["wording_imported"] is True
    assert listed["srs"]["can_show_to_clients"] is True
    questionnaire = _json("fhir", "questionnaire", "srs")
    assert [item.get("text") for item in questionnaire["item"]] == [
        f"Licensed text {n}" for n in range(1, 5)
    ]


@pytest.mark.django_db
def test_instruments_import_replaces_an_earlier_pack(tmp_path: Path) -> None:
    _json("instruments", "import", str(_write(tmp_path / "a.json", _pack("wai-sr"))))
    second = _pack("wai-sr", text="Revised text")

    data = _json("instruments", "import", str(_write(tmp_path / "b.json", second)))

    assert data["replaced"] is True
    assert WordingPack.objects.get().content == second
    assert AuditEvent.objects.filter(action="measures.wording_pack.imported").count() == 2


@pytest.mark.django_db
def test_a_pack_for_an_unconfirmed_key_is_stored_but_still_not_shown(tmp_path: Path) -> None:
    path = _write(tmp_path / "wai-t.json", _pack("wai-sr-therapist"))

    data = _json("instruments", "import", str(path))

    assert data["can_show_to_clients"] is False
    assert "scoring key has not been confirmed" in data["reason"]


def _srs_pack_with_wai_items() -> dict[str, Any]:
    return _pack("wai-sr", instrument="srs")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (lambda: _pack("srs", format="alliance-wording/9"), "format: expected"),
        (lambda: _pack("srs", instrument="nope"), "unknown instrument 'nope'"),
        (lambda: _pack("srs", instrument=None), "instrument: expected an instrument id"),
        (_srs_pack_with_wai_items, "items: unknown link ids"),  # a WAI-SR pack labelled srs
        (lambda: _pack("phq-9"), "phq-9 ships with its own wording"),
        (lambda: _pack("srs", items={"srs-1": "Only one"}), "items: no text for 'srs-2'"),
        (lambda: _pack("wai-sr", options={"agreement-1-5": ["a", "b"]}), "list of 5 labels"),
        (lambda: _pack("srs", licence={"holder": "X"}), "licence.reference"),
    ],
)
def test_instruments_import_refuses_a_bad_pack_and_stores_nothing(
    tmp_path: Path, content: object, problem: str
) -> None:
    path = _write(tmp_path / "pack.json", content() if callable(content) else content)

    message = _refused("instruments", "import", str(path))

    assert message.startswith(f"{path}: ")
    assert problem in message
    assert not WordingPack.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_instruments_import_of_a_missing_file(tmp_path: Path) -> None:
    message = _refused("instruments", "import", str(tmp_path / "absent.json"))

    assert message.startswith(f"{tmp_path / 'absent.json'}: cannot read the file")
    assert not WordingPack.objects.exists()


# --- the real entry point, in subprocesses ----------------------------------------------------


@pytest.mark.subprocess
def test_subprocess_prints_one_json_document(tmp_path: Path) -> None:
    result = _subprocess(tmp_path, "score", "phq-9", "--answers", PHQ9_EXAMPLE)

    assert (result.returncode, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert result.stdout == json.dumps(data, sort_keys=True) + "\n"
    assert (data["total"], data["band"], data["flags"]) == (9, "mild", {"item9_risk": True})


@pytest.mark.subprocess
def test_subprocess_gas_with_a_leading_negative_level(tmp_path: Path) -> None:
    result = _subprocess(tmp_path, "gas", "--levels", "-1,0,2")

    assert (result.returncode, result.stderr) == (0, "")
    # 50 + 10 · 1 / √(0.7 · 3 + 0.3 · 9) = 50 + 10 / √4.8
    assert json.loads(result.stdout)["t_score"] == 50 + 10 / 4.8**0.5


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("score", "phq-9", "--answers", "1,2,0,1,3,0,1,0"), "phq-9 takes 9 answers"),
        (("gas", "--levels", "-1,0,x"), "--levels: 'x' is not a whole number"),
    ],
)
def test_subprocess_bad_input_exits_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], problem: str
) -> None:
    assert problem in _assert_one_line_error(_subprocess(tmp_path, *args), args[0])


@pytest.mark.subprocess
def test_subprocess_import_into_a_fresh_database(tmp_path: Path) -> None:
    assert _subprocess(tmp_path, "migrate", "-v", "0").returncode == 0
    bad = _write(tmp_path / "bad.json", _pack("ors", instrument="srs"))
    good = _write(tmp_path / "good.json", _pack("ors"))

    error = _assert_one_line_error(
        _subprocess(tmp_path, "instruments", "import", str(bad)), "instruments"
    )
    assert f"{bad}: items: unknown link ids" in error
    imported = _subprocess(tmp_path, "instruments", "import", str(good))
    listed = _subprocess(tmp_path, "instruments")

    assert (imported.returncode, imported.stderr) == (0, "")
    assert json.loads(imported.stdout)["replaced"] is False  # the bad pack stored nothing
    by_id = {entry["id"]: entry for entry in json.loads(listed.stdout)["instruments"]}
    assert by_id["ors"]["can_show_to_clients"] is True
    assert by_id["srs"]["wording_imported"] is False
