"""A field added to a model dataclass but not to its SPEC would silently never be
saved: every record's SPEC names exactly its fields (``extra`` keeps unknown keys)."""

from __future__ import annotations

import dataclasses

import pytest

from desktop import model
from desktop.kinds.report import model as report

RECORDS = [model.Notice, model.Task, model.TaskGroup, model.Requirement, model.Plan, model.Activity,
           model.Progress, model.Draft,
           report.ReportHeader, report.Section, report.Row, report.UnitRow, report.Source, report.Report]


def test_every_record_is_listed():
    """Of every kind: the plan's (desktop.model) and the work report's."""
    assert {c.__name__ for c in model._Record.__subclasses__()} == {c.__name__ for c in RECORDS}


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_spec_names_every_field(cls):
    # extra: unknown keys, kept as read; clean_notes: what loading cleaned (never saved)
    fields = [f.name for f in dataclasses.fields(cls) if f.name not in ("extra", "clean_notes")]
    assert [key for key, _ in cls.SPEC] == fields


def test_draft_keys_as_written():
    # the contract of the shared draft-format spec plus our extension keys, in file order
    assert [key for key, _ in model.Draft.SPEC] == [
        "format", "version", "id", "template", "notice", "plan", "activities", "progress", "as_of"]
