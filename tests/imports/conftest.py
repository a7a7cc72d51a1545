"""Fixtures the importer's tests share."""

import shutil

import pytest

from tests.conftest import need


@pytest.fixture
def pdftotext():
    """poppler's pdftotext, which every PDF reading needs."""
    need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
