"""What each kind of content file may hold: its keys, their types, which are required.

Data for `schema.check`, kept apart from the code that reads files so the format reads in one
place (the authors' reference in docs/ is checked against it, key by key).
"""

from __future__ import annotations

from .model import FOLDERS
from .schema import Field, Schema

SITE_SCHEMA: Schema = {
    "base_url": Field("text", required=True),
    "default_language": Field("text", required=True),
    "organisation": Field("text"),
    "author": Field("text"),
    "review_after_days": Field("int"),
    "allow_html": Field("bool"),
    "journey": Field("texts"),
    "contact_email": Field("text"),
    "offline_copy": Field("bool"),
    "licence": Field("record", records={
        "name": Field("text", required=True),
        "url": Field("text", required=True),
    }),
    "languages": Field("records", required=True, records={
        "code": Field("text", required=True),
        "name": Field("text", required=True),
        "title": Field("text", required=True),
        "tagline": Field("text"),
        "dir": Field("text"),
        "locale": Field("text"),
        "sections": Field("record", required=True, records={
            name: Field("text", required=True) for name in FOLDERS}),
    }),
}
_COMMON = {
    "title": Field("text", required=True),
    "summary": Field("text", required=True),
    "key": Field("text"),
    "aliases": Field("texts"),
    "draft": Field("bool"),
    "updated": Field("date"),
    "translated_from": Field("text"),
}
ARTICLE_SCHEMA: Schema = _COMMON | {
    "date": Field("date", required=True),
    "author": Field("text"),
    "author_role": Field("text"),
    "tags": Field("texts"),
    "reviewed": Field("date"),
}
PAGE_SCHEMA: Schema = _COMMON | {"date": Field("date")}
LETTER_SCHEMA: Schema = _COMMON | {
    "date": Field("date", required=True),
    "channel": Field("text", required=True),
    "subject": Field("text", required=True),
    "guide": Field("text", required=True),
    "fields": Field("records", required=True, records={
        "name": Field("text", required=True),
        "label": Field("text"),
        "hint": Field("text"),
        "example": Field("text"),
        "required": Field("bool"),
        "multiline": Field("bool"),
        "autocomplete": Field("text"),
    }),
    "checklist": Field("texts"),
    "remind_after_days": Field("int"),
}
TIPS_SCHEMA: Schema = {
    "title": Field("text", required=True),
    "summary": Field("text"),
    "key": Field("text"),
    "intro": Field("text", required=True),
    "aliases": Field("texts"),
    "draft": Field("bool"),
    "date": Field("date"),
    "updated": Field("date"),
    "translated_from": Field("text"),
    "tips": Field("records", required=True, records={
        "id": Field("text", required=True),
        "title": Field("text", required=True),
        "body": Field("text", required=True),
        "related": Field("texts"),
    }),
}
LESSON_SCHEMA: Schema = _COMMON | {
    "date": Field("date", required=True),
    "reviewed": Field("date"),
    "audience": Field("text", required=True),
    "duration": Field("int", required=True),
    "goals": Field("texts", required=True),
    "prepare": Field("texts"),
    "uses": Field("texts", required=True),
}
HOME_SCHEMA: Schema = {
    "situations": Field("records", required=True, records={
        "title": Field("text", required=True),
        "text": Field("text", required=True),
        "items": Field("texts", required=True),
    }),
}
