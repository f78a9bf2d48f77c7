"""A deterministic content tree of N articles per language, with letters and tips in proportion.

The same tree feeds our generator, Hugo and Pelican, so their times can be compared.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = {
    "sv": ("ansökan arbetsgivare intervju återkoppling erfarenhet utbildning praktik sommarjobb "
           "kollega chef uppgift ansvar samarbete styrka förmåga fråga svar brev mejl telefon "
           "vecka dag tid plan mål steg exempel råd tips lista möte samtal jobb arbete lön "
           "skola kurs betyg intresse nyfiken lugn trygg modig enkel tydlig konkret viktig "
           "och att det som en på är för med till av den inte du har vi kan om så när").split(),
    "en": ("application employer interview feedback experience education placement summer job "
           "colleague manager task responsibility teamwork strength skill question answer "
           "letter email phone week day time plan goal step example advice tip list meeting "
           "conversation work pay school course grade interest curious calm confident brave "
           "simple clear concrete important and to it that a on is for with of the not you "
           "have we can if so when").split(),
}
SECTIONS = {"sv": {"articles": "artiklar", "letters": "brev", "tips": "tips"},
            "en": {"articles": "articles", "letters": "letters", "tips": "tips"}}


def sentence(rng: random.Random, lang: str, low: int = 6, high: int = 16) -> str:
    words = rng.choices(WORDS[lang], k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(sentence(rng, lang) for _ in range(rng.randint(3, 6)))


def article(rng: random.Random, lang: str, number: int, count: int) -> str:
    title = sentence(rng, lang, 3, 6).rstrip(".")
    others = [rng.randrange(count) for _ in range(2)]
    body = [paragraph(rng, lang)]
    for section in range(rng.randint(4, 6)):
        body.append(f"## {sentence(rng, lang, 2, 5).rstrip('.')} {section + 1}")
        body.append(paragraph(rng, lang))
        if section == 1:
            body.append("\n".join(f"- {sentence(rng, lang, 3, 8)}" for _ in range(4)))
        if section == 2:
            body.append(f"Read [this](key:article-{others[0]}) and "
                        f"[that](key:article-{others[1]}#{'x' * 0}).".replace("#", ""))
        body.append(paragraph(rng, lang))
    day = 1 + number % 28
    tags = ", ".join(rng.sample(WORDS[lang][:20], 2))
    return (f"---\ntitle: \"{title} {number}\"\nsummary: \"{sentence(rng, lang, 10, 20)}\"\n"
            f"date: 2026-{1 + number % 11:02d}-{day:02d}\nreviewed: 2026-11-01\n"
            f"tags: [{tags}]\nkey: article-{number}\n---\n" + "\n\n".join(body) + "\n")


def letter(rng: random.Random, lang: str, number: int) -> str:
    greeting, closing = ("Hej", "Med vänliga hälsningar") if lang == "sv" else (
        "Dear", "Kind regards")
    return (f"---\ntitle: \"{sentence(rng, lang, 3, 5).rstrip('.')} {number}\"\n"
            f"summary: \"{sentence(rng, lang)}\"\nkey: letter-{number}\ndate: 2026-10-01\n"
            "channel: email\nsubject: \"{role} – " + sentence(rng, lang, 2, 4) + "\"\n"
            f"guide: |\n  {paragraph(rng, lang)}\nfields:\n"
            "  - {name: contact_name, label: Name, example: Sara Lind, required: true}\n"
            "  - {name: role, label: Role, example: Shop assistant, required: true}\n"
            "  - {name: your_name, label: Your name, example: Alex, required: true}\n"
            f"---\n{greeting} {{contact_name}},\n\n{paragraph(rng, lang)} {{role}}.\n\n"
            f"{paragraph(rng, lang)}\n\n{closing}\n{{your_name}}\n")


def tips(rng: random.Random, lang: str, number: int, articles: int) -> str:
    entries = "".join(
        f"  - id: tip-{t}\n    title: \"{sentence(rng, lang, 3, 6).rstrip('.')}\"\n"
        f"    body: \"{sentence(rng, lang, 20, 40)}\"\n"
        f"    related: [article-{rng.randrange(articles)}]\n" for t in range(6))
    return (f"title: \"{sentence(rng, lang, 2, 4).rstrip('.')} {number}\"\nkey: tips-{number}\n"
            f"intro: \"{sentence(rng, lang)}\"\ntips:\n{entries}")


def without_block(yaml_text: str, key: str) -> str:
    """`yaml_text` without the top-level `key:` and its indented lines: the site's reading
    order names the site's own items, which the generated corpus does not have."""
    lines, skipping = [], False
    for line in yaml_text.splitlines(keepends=True):
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and (line[:1] in (" ", "\t", "\n") or not line.strip()):
            continue
        skipping = False
        lines.append(line)
    return "".join(lines)


def make_corpus(folder: Path, per_language: int, seed: int = 1) -> Path:
    """Write the tree under `folder/content` (replacing it) and return that path."""
    content = folder / "content"
    if content.exists():
        shutil.rmtree(content)
    rng = random.Random(seed)
    letters, topics = max(1, per_language // 50), max(1, per_language // 40)
    site = without_block(without_block((ROOT / "content" / "site.yaml").read_text("utf-8"),
                                       "journey"), "offline_copy")  # like search, apart
    (content).mkdir(parents=True)
    (content / "site.yaml").write_text(site.replace("review_after_days: 365",
                                                    "review_after_days: 3650"), "utf-8")
    for lang in ("sv", "en"):
        base = content / lang
        for sub in ("articles", "letters", "tips", "pages"):
            (base / sub).mkdir(parents=True)
        shutil.copy(ROOT / "content" / lang / "strings.yaml", base / "strings.yaml")
        for number in range(per_language):
            (base / "articles" / f"article-{number}.md").write_text(
                article(rng, lang, number, per_language), "utf-8")
        for number in range(letters):
            (base / "letters" / f"letter-{number}.md").write_text(letter(rng, lang, number),
                                                                 "utf-8")
        for number in range(topics):
            (base / "tips" / f"tips-{number}.yaml").write_text(
                tips(rng, lang, number, per_language), "utf-8")
        (base / "pages" / "about.md").write_text(
            f"---\ntitle: About\nsummary: About the site.\nkey: about\n---\n"
            f"{paragraph(rng, lang)}\n", "utf-8")
    return content
