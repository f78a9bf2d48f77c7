"""Lessons: loaded and checked with their lines, laid out as a teacher plans a session, listed
for educators, scaffolded by `new`, and printed as a teacher's sheet and worksheets."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from guidesite.discover import discover
from guidesite.load import load
from guidesite.validate import validate

from conftest import CONTENT, TEMPLATES, base_tree, run_build, write_tree

FIXTURES = Path(__file__).parent / "lessons"
LESSON = "sv/for-pedagoger/ova-feedbacksamtalet/"
BASE = "https://example.org/guide/"

ITEMS = {
    "sv/articles/be-om-feedback.md": "---\ntitle: Be om feedback efter ett nej\nsummary: Så "
    "frågar du.\ndate: 2026-11-01\nkey: feedback-after-rejection\n---\nFråga.\n",
    "en/articles/ask-for-feedback.md": "---\ntitle: Asking for feedback\nsummary: How to ask."
    "\ndate: 2026-11-01\nkey: feedback-after-rejection\n---\nAsk.\n",
    "sv/letters/be-om-feedback-mejl.md": "---\ntitle: Mejl om feedback\nsummary: Ett mejl.\n"
    "key: feedback-request-email\ndate: 2026-11-01\nchannel: email\nsubject: Feedback\nguide: |\n"
    "  Skicka det.\nfields:\n  - name: your_name\n    label: Ditt namn\n    required: true\n"
    "---\nHej!\n\nMed vänliga hälsningar\n{your_name}\n",
    "sv/tips/be-om-feedback.yaml": "title: Tips om feedback\nkey: tips-asking-for-feedback\n"
    "intro: |\n  Några tips.\ntips:\n  - id: ask\n    title: Fråga\n    body: |\n      Gör så.\n",
    "en/tips/asking.yaml": "title: Feedback tips\nkey: tips-asking-for-feedback\nintro: |\n"
    "  Some tips.\ntips:\n  - id: ask\n    title: Ask\n    body: |\n      Do so.\n",
}
"""The items the fixture lessons use: an article in both languages, a letter, tips topics."""


def lesson_tree(root: Path, extra: dict[str, str] | None = None) -> Path:
    lessons = {f"{p.parent.name}/lessons/{p.name}": p.read_text("utf-8")
               for p in sorted(FIXTURES.glob("*/*.md"))}
    return write_tree(root / "content", base_tree() | ITEMS | lessons | (extra or {}))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lessons")
    content = lesson_tree(root)
    result = run_build("build", "--content", content, "--templates", TEMPLATES, "--out",
                       root / "site", "--no-search", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.replace("0 warnings", ""), result.stderr
    return root / "site"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def test_lesson_page_lays_out_the_plan_in_the_order_a_teacher_uses_it(site: Path) -> None:
    html = page(site, LESSON)
    main = html.split('<main', 1)[1]
    # what a teacher looks for first, in this order, then the text written before the first
    # step, the running order, the rest, the items it uses, and the worksheets
    order = ["<h1>Öva samtalet", "Gymnasiet år 3 och komvux", "30 minuter",
             'id="lesson-goals"', 'id="lesson-prepare"', "Ett nej känns tungt",
             'id="lesson-running-order"',
             'id="diskussionsfragor"', 'id="lesson-uses"', 'class="worksheet-page"']
    positions = [main.index(marker) for marker in order]
    assert positions == sorted(positions)
    table = main.split('class="running-order-table"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<td class="step-time">([^<]+)</td><td><a href="#([^"]+)">', table) == [
        ("0–5 min", "inledning-varfor-fraga"), ("5–20 min", "rollspel-i-par"),
        ("20–30 min", "tre-saker-jag-andrar")]
    for anchor in ("inledning-varfor-fraga", "rollspel-i-par", "tre-saker-jag-andrar"):
        assert f'<h3 id="{anchor}"' in main  # each step of the running order is on the page
    assert '<span class="step-time">5–20 min</span> Rollspel i par' in main
    # the items it uses, linked, with their kind; a key: link in the body resolved
    uses = main.split('id="lesson-uses"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">[^<]+</a> <span class="card-kind">([^<]+)', uses) == [
        ("../../artiklar/be-om-feedback/", "Artikel"), ("../../brev/be-om-feedback-mejl/",
                                                        "Brevmall"),
        ("../../tips/be-om-feedback/", "Tips")]
    assert 'Läs <a href="../../artiklar/be-om-feedback/">artikeln</a>' in main
    # the role-play stays where it was written; the worksheets come last, each on its own
    assert main.index('class="lesson-roleplay"') < main.index('id="diskussionsfragor"')
    sheets = main.split('class="worksheet-page"')[1:]
    assert len(sheets) == 2
    assert 'id="arbetsblad-tre-saker-jag-andrar"' in sheets[0]
    assert sheets[0].count('<div class="write-line"></div>') == 3 and "<hr" not in main
    assert sheets[1].count("<td></td>") == 6  # the application log's boxes to fill in
    for sheet in sheets:
        assert "Öva samtalet där du ber om feedback" in sheet
        assert f"{BASE}{LESSON}" in sheet and 'class="qr"' in sheet
    assert "Eleverna fyller i" not in "".join(sheets)  # no teacher's notes on a worksheet


def test_educators_list_lessons_first_and_lessons_are_searchable_not_in_feeds(
        site: Path) -> None:
    html = page(site, "sv/for-pedagoger")
    lessons = html.index('id="educators-lessons"')
    assert lessons < html.index('id="educators-articles"')
    listed = html[lessons:].split("</section>", 1)[0]
    assert 'href="ova-feedbacksamtalet/"' in listed
    assert "30 minuter · Gymnasiet år 3 och komvux" in listed
    english = page(site, "en/for-educators")
    assert "30 minutes · Year 13 and adult learners" in english
    assert f"{BASE}{LESSON}" in (site / "sitemap.xml").read_text("utf-8")
    assert "ova-feedbacksamtalet" not in page(site, "sv")  # the readers' latest changes
    assert "ova-feedbacksamtalet" not in (site / "sv/feed.xml").read_text("utf-8")
    assert re.search(r"<main [^>]*data-pagefind-body", page(site, LESSON))
    # the translations link each other
    assert f'hreflang="en" href="{BASE}en/for-educators/practise-the-feedback-call/"' in \
        page(site, LESSON)


def test_lesson_problems_are_reported_at_their_lines(tmp_path: Path) -> None:
    lesson = (FIXTURES / "sv/ova-feedbacksamtalet.md").read_text("utf-8")
    broken = (lesson.replace("goals:\n  - Eleven kan be om feedback i telefon på ett lugnt och "
                             "kort sätt.\n  - Eleven kan göra om feedback till konkreta "
                             "ändringar.\n", "goals: []\n")
              .replace("duration: 30", "duration: 40")
              .replace("::: step 15 Rollspel i par", "::: step 15 Rollspel i par\n\n"
                       "::: step 5 Inuti"))
    content = lesson_tree(tmp_path, {"sv/lessons/ova-feedbacksamtalet.md": broken})
    site, problems = load(discover(content))
    assert site is not None
    problems += validate(site)
    found = sorted((p.where.line, p.severity, p.code) for p in problems
                   if p.where.path.endswith("ova-feedbacksamtalet.md"))
    assert found == [(7, "warning", "lesson-timing"), (8, "error", "missing-field"),
                     (24, "error", "lesson-container")]
    timing = next(p for p in problems if p.code == "lesson-timing")
    assert timing.message == "the steps take 35 minutes, the lesson 40"


def test_new_lesson_is_valid_and_translations_list_lessons(tmp_path: Path) -> None:
    content = lesson_tree(tmp_path)
    made = run_build("new", "lesson", "--lang", "sv", "Ring och fråga", "--content", content)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.strip())
    assert path == content / "sv/lessons/ring-och-fraga.md"
    text = path.read_text("utf-8")
    # the uses to start from are real keys of the language, which the author then replaces
    assert "uses: [feedback-after-rejection, feedback-request-email, tips-asking-for-feedback]" \
        in text
    for part in ("::: step 10", "::: worksheet", "::: roleplay", "\n___\n", "draft: true"):
        assert part in text
    checked = run_build("check", "--content", content)
    assert checked.returncode == 0, checked.stderr
    assert "ring-och-fraga" not in checked.stderr.split("Drafts")[0]  # no problem in it
    table = run_build("translations", "--content", content).stdout
    rows = {line.split()[1]: line.split()[2:] for line in table.splitlines()[1:-1]}
    assert rows["lesson-test-feedback"] == ["source", "present"]
    assert rows["ring-och-fraga"] == ["source", "missing"]
    assert table.splitlines()[1].startswith("article")


def test_lesson_prints_as_teachers_sheet_and_worksheets(browser, site: Path, serve_dir) -> None:
    strings = yaml.safe_load((CONTENT / "sv/strings.yaml").read_text("utf-8"))
    chrome = [strings[name] for name in ("skip_link", "nav_educators", "back_to_top",
                                         "footer_text", "search_label")]
    page = browser.new_page()
    page.goto(serve_dir(site) + LESSON)
    page.evaluate("() => { window.print = () => {}; }")  # no dialog: page.pdf prints

    def printed() -> list[str]:
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
        return [" ".join(p.extract_text().split()) for p in pdf.pages]

    address = f"{BASE}{LESSON}"
    sheets = ("Arbetsblad: Tre saker jag ändrar", "Arbetsblad: Min ansökningslogg")
    everything = printed()  # the browser's own print command: the sheet, then each worksheet
    page.click("button[data-print=teacher]")
    teacher = printed()
    page.click("button[data-print=worksheets]")
    worksheets = printed()
    assert everything == teacher + worksheets
    assert "Lektionens gång" in teacher[0] and "Rollspel: telefonsamtalet" in " ".join(teacher)
    assert not any(words in text for text in teacher
                   for words in (*sheets, "Skriv tre saker du ändrar i nästa ansökan."))
    assert address in teacher[-1].replace(" ", "")
    assert len(worksheets) == 2
    for text, title in zip(worksheets, sheets, strict=True):
        # each worksheet starts a page: the lesson's title, then the worksheet's, at the top
        assert text.startswith(f"Testsajt · Öva samtalet där du ber om feedback {title}"), text
        assert address in text.replace(" ", "") and "Lektionens gång" not in text
    for text in teacher + worksheets:
        assert not [words for words in chrome if words in text], text
    page.close()


def test_the_educators_page_is_rendered_again_when_a_lessons_duration_changes(
        tmp_path: Path) -> None:
    """The dev server reuses a page whose fingerprint is unchanged: the educators' page shows
    each lesson's duration and audience, so they are part of its fingerprint."""
    from guidesite.bodies import Bodies
    from guidesite.depends import PageKeys
    from guidesite.plan import plan

    content = lesson_tree(tmp_path)
    path = content / "sv/lessons/ova-feedbacksamtalet.md"

    def fingerprints() -> dict[str, str]:
        site, _ = load(discover(content))
        layout = plan(site)
        bodies = Bodies(site, layout, None)
        key_of = PageKeys(site, layout, bodies, {}, "")
        return {route.path: key_of(route) for route in layout.routes}

    before = fingerprints()
    path.write_text(path.read_text("utf-8").replace("duration: 30", "duration: 45"), "utf-8")
    after = fingerprints()
    assert before["sv/for-pedagoger/index.html"] != after["sv/for-pedagoger/index.html"]
    assert before["sv/index.html"] == after["sv/index.html"]  # the home page does not show it


def test_links_and_headings_inside_containers_keep_their_lines_and_ids() -> None:
    from guidesite.diagnostics import SourceRef
    from guidesite.markdown import Markdown

    text = ("Intro.\n\n::: step 5 Start\nRead [it](key:nope).\n:::\n\n"
            "::: worksheet Sheet\n## Inside {#own}\nSee [this](key:ask).\n\n___\n:::\n")
    rendered = Markdown().render(text, SourceRef("l.md", 20), {"ask": "../ask/"}, lesson=True)
    assert [(p.where.line, p.code) for p in rendered.problems] == [(23, "broken-link")]
    assert [(h.id, h.line) for h in rendered.headings] == [("start", 22), ("sheet", 26),
                                                           ("own", 27)]
    step, sheet = rendered.blocks
    assert (step.name, step.id, step.minutes) == ("step", "start", 5)
    assert '<h2 id="own"' in sheet.html and '<a href="../ask/">this</a>' in sheet.html
    assert '<div class="write-line"></div>' in sheet.html
    assert rendered.intro == "<p>Intro.</p>\n" and "Sheet" not in rendered.html
