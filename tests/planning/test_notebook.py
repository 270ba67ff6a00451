"""The walkthrough notebook runs top to bottom against the test database; its maps reference no external URL."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from app.exports.situation_map import external_references

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "shelter_planning.ipynb"
SRCDOC = re.compile(r'srcdoc="(.*?)"', re.DOTALL)


def test_notebook_runs_against_the_test_database(demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert not any(cell.outputs or cell.execution_count for cell in code), "store the notebook without outputs"

    monkeypatch.setenv("TWOMAPS_DATABASE_URL", demo_db)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()

    outputs = [output for cell in code for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    maps = [
        html.unescape(match)
        for output in outputs
        for match in SRCDOC.findall(output.get("data", {}).get("text/html", ""))
    ]
    assert len(maps) == 2
    for document in maps:
        assert "leaflet" in document.lower() and external_references(document) == []
    printed = "".join(output.get("text", "") for output in outputs)
    assert "covered" in printed and "optimal" in printed
