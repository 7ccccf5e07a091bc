"""docs/web.md shows the page as the browser draws it: the images it references exist, and the script that
takes them (scripts/screenshots.py) covers every form of the page."""

from __future__ import annotations

import importlib.util
import re

from fastapi.testclient import TestClient

from conftest import REPO

WEB_MD = REPO / "docs" / "web.md"


def _script():
    import sys

    if "screenshots" not in sys.modules:
        spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["screenshots"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["screenshots"]


def test_every_image_docs_web_md_references_exists():
    text = WEB_MD.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text) + re.findall(r'<img [^>]*src="([^"]+)"', text)
    assert images, "docs/web.md shows no screenshot"
    missing = [i for i in images if not (WEB_MD.parent / i).is_file()]
    assert not missing, f"docs/web.md references images that do not exist: {missing}; run scripts/screenshots.py"


def test_the_screenshots_are_the_scripts_and_all_shown():
    shots = {s.name for s in _script().SHOTS}
    taken = {p.stem for p in (REPO / "docs" / "images").glob("*.png")}
    assert taken == shots, "docs/images/ holds exactly the shots of scripts/screenshots.py; rerun it"
    text = WEB_MD.read_text(encoding="utf-8")
    assert [s for s in shots if f"images/{s}.png" not in text] == []
    assert "scripts/screenshots.py" in text  # how to retake them


def test_the_script_shoots_an_answer_of_every_form_and_a_phone():
    from procedures.web.app import create_app

    module = _script()
    page = TestClient(create_app(REPO / "rules")).get("/").text
    actions = {a.split("#")[0] for a in re.findall(r'<form action="([^"]+)"', page)}
    shot_paths = {s.path.split("?")[0].split("#")[0] for s in module.SHOTS}
    # a form whose answer is shot by filling it: its submit button is the shot's
    buttons = dict(re.findall(r'<form action="([^"#]+)[^"]*"(?:(?!</form>).)*?<button type="submit" id="([^"]+)"', page, re.S))
    filled = {s.submit for s in module.SHOTS if s.submit}
    missing = [a for a in actions if a not in shot_paths and buttons.get(a) not in filled]
    assert not missing, f"scripts/screenshots.py has no shot of the answer of {missing}"
    assert any(s.size == module.PHONE for s in module.SHOTS)
