"""Settings, the policies: a manager edits the levels, each problem said with its level and
field and nothing stored; a good edit stored under the web user's name."""

from __future__ import annotations

import re

from tests.interfaces.web.conftest import Workbench, csrf_of, email_of

from relance.core.users import Role
from relance.services import policies


def policy_form(page: str) -> dict[str, list[str]]:
    """Every field of the policy form as the browser would post it."""
    form: dict[str, list[str]] = {}
    body = page[page.index('action="/settings/policies/') :]
    inputs = re.findall(r"<input([^>]*)>", body)
    for attrs in inputs:
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', attrs)
        kind = re.search(r'type="([^"]+)"', attrs)
        checkbox = kind is not None and kind.group(1) == "checkbox"
        if checkbox and "checked" not in attrs:
            continue
        form.setdefault(name.group(1), []).append(
            value.group(1) if value else ("on" if checkbox else "")
        )
    for name, options in re.findall(r'<select name="([^"]+)">(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]+)" selected', options)
        first = re.search(r'<option value="([^"]+)"', options)
        form[name] = [(chosen or first).group(1)]  # type: ignore[union-attr]
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', body, re.S):
        form[name] = [text]
    return form


def business(workbench: Workbench):
    return next(p for p in policies.policies(workbench.store) if p.name == "business")


def test_a_manager_edits_a_level_and_the_timing(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get("/settings/policies?name=business").text
    assert 'value="letter1"' in page
    form = policy_form(page)
    form["level-1-after_due_days"] = ["20"]
    form["min_gap_days"] = ["10"]
    answer = manager.post("/settings/policies/business", data=form)
    assert answer.status_code == 303, answer.text[answer.text.find('role="alert"') :][:1500]
    assert "Politique business enregistrée." in manager.get(answer.headers["location"]).text
    edited = business(workbench)
    assert edited.min_gap_days == 10 and edited.levels[1].after_due_days == 20
    assert edited.levels[1].templates  # what the form does not show is kept
    with workbench.store.begin() as conn:
        actor = conn.exec_driver_sql(
            "select actor from events where kind = 'policy.edited'"
        ).scalar_one()
    assert actor == email_of(Role.MANAGER)


def test_each_problem_is_said_with_its_level_and_field(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    before = business(workbench)
    form = policy_form(manager.get("/settings/policies?name=business").text)
    form["level-1-after_due_days"] = ["soon"]
    form["level-2-name"] = [""]
    form["level-2-after_due_days"] = [""]
    form["level-2-after_previous_days"] = [""]
    answer = manager.post("/settings/policies/business", data=form)
    assert answer.status_code == 400
    assert "La politique n’a pas été enregistrée" in answer.text
    assert "letter1" in answer.text and "after_due_days" in answer.text
    assert "a level needs a name" in answer.text
    assert 'name="level-1-after_due_days" inputmode="numeric" value="soon"' in answer.text
    assert business(workbench) == before


def test_a_level_is_removed_and_one_added(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    form = policy_form(manager.get("/settings/policies?name=business").text)
    count = len(business(workbench).levels)
    form["level-0-remove"] = ["on"]
    new = f"level-{count}-"
    form.update({new + "name": ["last call"], new + "after_previous_days": ["30"],
                 new + "channels": ["call"], new + "tone": ["formal"]})  # fmt: skip
    answer = manager.post("/settings/policies/business", data=form)
    assert answer.status_code == 303, answer.text[:2000]
    names = [level.name for level in business(workbench).levels]
    assert "informal" not in names and names[-1] == "last call"


def test_only_a_manager_edits_a_policy(workbench: Workbench) -> None:
    collector = workbench.signed_in(Role.COLLECTOR)
    assert collector.get("/settings/policies").status_code == 403
    form = {"csrf": csrf_of(collector.get("/").text), "levels": "0"}
    assert collector.post("/settings/policies/business", data=form).status_code == 403
    manager = workbench.signed_in(Role.MANAGER)
    form["csrf"] = csrf_of(manager.get("/").text)
    assert manager.post("/settings/policies/nosuch", data=form).status_code == 404
