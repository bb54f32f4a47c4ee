"""`courseware check` across files: the master RACI, accounts and levels, the cast, images, the diagnostic, templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courseware.core.validate import check_course

DATA = Path(__file__).parent.parent / "data"

RACI = """\
small_accounts_never_mention: [shoot, website]
work:
  - id: size-change
    area: scope
    text: "Log a change request and size it"
    separate: {am: C, pm: A, pmo: I}
    hybrid-small: {am: A, pm: "—", pmo: I}
  - id: kickoff
    area: scope
    text: "Run the scope session at kickoff"
    separate: {am: A, pm: R, pmo: I}
    hybrid-small: {am: A, pm: "—", pmo: I}
"""
HEAD = 'id: t\ntitle: "T"\nmodule: scope\nquestions:\n'


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    content, quizzes = tmp_path / "content", tmp_path / "quizzes"
    shutil.copytree(DATA / "content", content)
    shutil.copytree(DATA / "quizzes", quizzes)
    (content / "raci.yaml").write_text(RACI)
    return content, quizzes


def problems(course: tuple[Path, Path], quiz: str | None = None) -> list[str]:
    if quiz is not None:
        (course[1] / "t.yaml").write_text(HEAD + quiz)
    return [f"{Path(p.path).name}:{p.line}: {p.message}" for p in check_course(*course).problems]


def test_the_fixture_course_with_a_master_raci_is_clean(course: tuple[Path, Path]) -> None:
    assert problems(course) == []


def test_a_route_key_that_contradicts_the_master_raci(course: tuple[Path, Path]) -> None:
    quiz = ('  - id: q1\n    type: route\n    area: scope\n    work: size-change\n    account: small\n    prompt: "P"\n'
            '    options: [am, pm, shared]\n    answer: pm\n    answer_by_model: {hybrid: pm}\n')
    assert problems(course, quiz) == [
        "t.yaml:13: question q1: key 'pm' under hybrid contradicts the master RACI for 'size-change' "
        "(Hybrid, small AM-led account: am)"]


def test_shared_is_read_from_an_a_and_an_r(course: tuple[Path, Path]) -> None:
    quiz = ('  - id: q1\n    type: route\n    area: scope\n    work: kickoff\n    prompt: "P"\n'
            '    options: [am, pm, shared]\n    answer: am\n')
    assert problems(course, quiz) == [  # sorted by line, then message
        "t.yaml:11: question q1: key 'am' under hybrid contradicts the master RACI for 'kickoff' (Hybrid, dedicated PM: shared)",
        "t.yaml:11: question q1: key 'am' under separate contradicts the master RACI for 'kickoff' "
        "(Separate departments: shared)"]


def test_raci_letters_and_split_tasks_against_the_master(course: tuple[Path, Path]) -> None:
    quiz = ('  - id: q1\n    type: raci\n    area: scope\n    work: size-change\n    account: small\n    prompt: "P"\n'
            '    roles: [am, pm, pmo]\n    answer: {am: C, pm: A, pmo: I}\n'
            '    answer_by_model: {hybrid: {am: A, pm: C, pmo: I}}\n'
            '  - id: q2\n    type: split\n    area: scope\n    prompt: "P"\n    tasks:\n'
            '      - {id: t1, text: "Size it", answer: pm, work: size-change}\n'
            '      - {id: t2, text: "Size it", answer: am, work: nothing-like-it}\n')
    assert problems(course, quiz) == [
        # a party that is not on the account ("—") is keyed I
        "t.yaml:13: question q1: pm 'C' under hybrid contradicts the master RACI for 'size-change' "
        "(Hybrid, small AM-led account: pm —)",
        "t.yaml:20: question q2 task t2: unknown work 'nothing-like-it' (not in the master RACI)"]


def test_a_model_dependent_key_needs_its_account(course: tuple[Path, Path]) -> None:
    quiz = ('  - id: q1\n    type: route\n    area: scope\n    prompt: "P"\n    options: [am, pm]\n    answer: pm\n'
            '    answer_by_model: {hybrid: am}\n'
            '  - id: q2\n    type: split\n    area: scope\n    prompt: "P"\n    tasks:\n'
            '      - {id: t1, text: "A", answer: pm, answer_by_model: {hybrid: am}, account: small}\n'
            '      - {id: t2, text: "B", answer: pm, answer_by_model: {hybrid: am}}\n')
    assert problems(course, quiz) == [
        "t.yaml:5: question q1: the key depends on the operating model, so say which account it is about "
        "('account: small' or 'account: large')",
        "t.yaml:12: question q2: the key depends on the operating model, so say which account it is about "
        "('account: small' or 'account: large')"]


def test_an_account_called_small_cannot_have_a_shoot(course: tuple[Path, Path]) -> None:
    quiz = ('  - id: q1\n    type: route\n    area: scope\n    account: small\n    work: size-change\n'
            '    prompt: "A small account with a product shoot."\n    options: [am, pm]\n    answer: pm\n'
            '    answer_by_model: {hybrid: am}\n')
    assert problems(course, quiz) == [
        "t.yaml:8: question q1: an account with 'shoot' is not small by choosing-a-structure's criteria "
        "(it gets a dedicated PM); say 'account: large' and rewrite"]


def test_a_level_not_listed_and_levels_out_of_order(course: tuple[Path, Path]) -> None:
    choice = '    type: choice\n    area: risk\n    prompt: "P"\n    options: {a: "x", b: "y"}\n    answer: a\n'
    quiz = (f'  - id: q1\n{choice}    level: judge\n  - id: q2\n{choice}    level: recall\n'
            f'  - id: q3\n{choice}    level: tricky\n')
    assert problems(course, quiz) == [
        "t.yaml:18: question q2: a 'recall' question comes after 'judge' question q1; order questions from recall to case",
        "t.yaml:25: question q3: level 'tricky' is not one of recall, apply, judge, case"]


def test_a_cast_member_in_two_roles(course: tuple[Path, Path]) -> None:
    content = course[0]
    (content / "cast.yaml").write_text("people:\n  - name: Tom\n    role: pm\n  - name: Priya\n    role: am\n"
                                       "  - name: Tom\n    role: am\n")
    module = content / "foundations" / "01-intro.md"
    module.write_text(module.read_text() + "\nOn Monday Priya, the PM on the bakery, sent the report.\n")
    found = problems(course)
    assert "cast.yaml:6: cast member 'Tom' in two roles: pm (line 2) and am" in found
    assert f"01-intro.md:{len(module.read_text().splitlines())}: 'Priya' is the am in cast.yaml, but is named here as pm" \
        in found
    assert len(found) == 2


def test_images_need_alt_text_and_a_local_file(course: tuple[Path, Path]) -> None:
    module = course[0] / "foundations" / "01-intro.md"
    lines = module.read_text().splitlines()
    module.write_text("\n".join(lines + ["", "![Two boxes](images/chart.svg)", "![](images/chart.svg)",
                                         "![Gone](images/gone.svg) ![Far](https://example.com/x.png)"]) + "\n")
    n = len(lines)
    assert problems(course) == [
        f"01-intro.md:{n + 3}: image 'images/chart.svg' has no alt text",
        f"01-intro.md:{n + 4}: image 'https://example.com/x.png' must be a file in images/ (course images are served locally)",
        f"01-intro.md:{n + 4}: image file 'images/gone.svg' is missing"]


def test_a_raci_tag_for_an_area_without_work_is_reported_with_its_line(course: tuple[Path, Path]) -> None:
    module = course[0] / "foundations" / "01-intro.md"
    lines = module.read_text().splitlines()
    module.write_text("\n".join(lines + ["", "[[raci: budget]]"]) + "\n")
    assert problems(course) == [f"01-intro.md:{len(lines) + 2}: the master RACI has no work in area 'budget'",
                                "02-basics.md:9: unknown prerequisite 'intro'"]  # the module that requires it


def test_a_master_raci_needs_one_a_per_column(course: tuple[Path, Path]) -> None:
    (course[0] / "raci.yaml").write_text(RACI.replace("separate: {am: C, pm: A, pmo: I}", "separate: {am: A, pm: A, pmo: I}"))
    assert problems(course) == ["raci.yaml:6: work size-change (separate): exactly one party is accountable (A)"]


def test_a_diagnostic_weight_that_names_an_unknown_answer(course: tuple[Path, Path]) -> None:
    path = course[0] / "diagnostic.yaml"
    path.write_text(path.read_text().replace("size: {small: -2, large: 3}", "size: {small: -2, large: 3, huge: 5}")
                    .replace("see: intro\n", "see: intro#nowhere\n"))
    assert problems(course) == [
        "diagnostic.yaml:24: 'see' points to '#nowhere', which is not a heading of 'intro'",
        "diagnostic.yaml:31: a weight names unknown answer 'huge' of question 'size'"]


def test_a_template_row_with_the_wrong_number_of_cells(course: tuple[Path, Path]) -> None:
    path = course[0] / "templates" / "contact-sheet.yaml"
    path.write_text(path.read_text().replace('["Strategy and fees", "AM", "Should we move money into social?"]',
                                             '["Strategy and fees", "AM"]'))
    assert problems(course) == ["contact-sheet.yaml:8: each row must give 3 cells of text"]
