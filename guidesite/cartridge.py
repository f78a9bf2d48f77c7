"""An IMS Common Cartridge 1.1 (`.imscc`) per language: a web link to every item, one folder
per kind, for teachers to import into Canvas, Moodle or any learning platform that reads CC.

Web links only (`imswl_xmlv1p1`): the platform links to the live pages, so nothing is copied
that could go stale, and nothing tracks the students. The zip is byte-identical for the same
content: entries sorted, timestamps from the content's newest date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping

from .home import journey_sorted
from .model import Item, Language, Site
from .plan import GROUP_TITLE, Plan, cartridge_path

CARTRIDGE_KINDS = tuple(GROUP_TITLE)
"""Item kinds the cartridge links to, in the order of its folders."""

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
WL_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
WEB_LINK = "imswl_xmlv1p1"
_SCHEMAS = {
    CP_NS: "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd",
    LOM_NS: "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd",
    WL_NS: "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imswl_v1p1.xsd",
}
ZIP_EPOCH = dt.datetime(1980, 1, 1)
"""The earliest time a zip entry can carry."""


def cartridges(site: Site, layout: Plan) -> dict[str, bytes]:
    """Output path -> cartridge, for every language of the site."""
    urls = {route.item.source.path: site.config.base_url + route.url
            for route in layout.routes if route.item is not None and route.kind == route.item.kind}
    files = {}
    for language in site.config.languages:
        items = [route.item for route in layout.routes
                 if route.item is not None and route.kind == route.item.kind
                 and route.kind in CARTRIDGE_KINDS and route.lang == language.code
                 and not route.item.draft]
        strings = site.strings.get(language.code)
        folders = {kind: (strings.values if strings else {}).get(name, kind)
                   for kind, name in GROUP_TITLE.items()}
        files[cartridge_path(language)] = cartridge(
            language, journey_sorted(items, site.config.journey), folders,
            lambda item: urls[item.source.path])
    return files


def cartridge(language: Language, items: list[Item], folders: Mapping[str, str],
              url_of) -> bytes:
    """The `.imscc` of `items` (in the order given) grouped by kind under `folders` titles."""
    manifest, links = manifest_xml(language, items, folders, url_of)
    entries = {"imsmanifest.xml": manifest, **links}
    return deterministic_zip(entries, newest(items))


def manifest_xml(language: Language, items: list[Item], folders: Mapping[str, str],
                 url_of) -> tuple[bytes, dict[str, bytes]]:
    """`imsmanifest.xml` and the web link files it names (path -> bytes)."""
    root = ET.Element("manifest", {
        "identifier": f"cartridge-{language.code}", "xmlns": CP_NS, "xmlns:lomimscc": LOM_NS,
        "xmlns:xsi": XSI_NS,
        "xsi:schemaLocation": " ".join(f"{ns} {xsd}" for ns, xsd in _SCHEMAS.items()
                                       if ns != WL_NS)})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Common Cartridge"
    ET.SubElement(metadata, "schemaversion").text = "1.1.0"
    general = ET.SubElement(ET.SubElement(metadata, "lomimscc:lom"), "lomimscc:general")
    _lang_string(ET.SubElement(general, "lomimscc:title"), language.title, language.code)
    _lang_string(ET.SubElement(general, "lomimscc:description"), language.tagline,
                 language.code)
    organisation = ET.SubElement(ET.SubElement(root, "organizations"),
                                 "organization",
                                 {"identifier": "organisation", "structure": "rooted-hierarchy"})
    top = ET.SubElement(organisation, "item", {"identifier": "root"})
    resources = ET.SubElement(root, "resources")
    links: dict[str, bytes] = {}
    for kind in CARTRIDGE_KINDS:
        of_kind = [item for item in items if item.kind == kind]
        if not of_kind:
            continue
        folder = ET.SubElement(top, "item", {"identifier": f"folder-{kind}"})
        ET.SubElement(folder, "title").text = folders[kind]
        for item in of_kind:
            ident = f"{kind}-{item.slug}"
            entry = ET.SubElement(folder, "item", {
                "identifier": f"item-{ident}", "identifierref": f"link-{ident}"})
            ET.SubElement(entry, "title").text = item.title
            href = f"links/{ident}.xml"
            resource = ET.SubElement(resources, "resource",
                                     {"identifier": f"link-{ident}", "type": WEB_LINK})
            ET.SubElement(resource, "file", {"href": href})
            links[href] = web_link(item.title, url_of(item))
    return _serialize(root), links


def web_link(title: str, url: str) -> bytes:
    """One `imswl_xmlv1p1` file: the item's title and its page, opened in a new tab."""
    root = ET.Element("webLink", {"xmlns": WL_NS, "xmlns:xsi": XSI_NS,
                                  "xsi:schemaLocation": f"{WL_NS} {_SCHEMAS[WL_NS]}"})
    ET.SubElement(root, "title").text = title
    ET.SubElement(root, "url", {"href": url, "target": "_blank"})
    return _serialize(root)


def newest(items: Iterable[Item]) -> dt.datetime:
    """Midnight of the newest date of `items`; without one SOURCE_DATE_EPOCH, else 1980."""
    dates = [d for item in items for d in (item.updated, item.date) if d is not None]
    if dates:
        return max(ZIP_EPOCH, dt.datetime.combine(max(dates), dt.time()))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return max(ZIP_EPOCH, dt.datetime.fromtimestamp(int(epoch), dt.UTC)
                   .replace(tzinfo=None))
    return ZIP_EPOCH


def deterministic_zip(entries: Mapping[str, bytes], when: dt.datetime) -> bytes:
    """A zip of `entries`, sorted by path, every one stamped `when` with fixed permissions:
    the same files always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(entries):
            info = zipfile.ZipInfo(path, when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever system builds it
            archive.writestr(info, entries[path])
    return buffer.getvalue()


def _lang_string(parent: ET.Element, text: str, lang: str) -> None:
    ET.SubElement(parent, "lomimscc:string", {"language": lang}).text = text


def _serialize(root: ET.Element) -> bytes:
    """Namespaces are declared as attributes and prefixes written out, as in `feeds`: the
    file reads the way CC's own examples do (ElementTree would invent `ns0:` prefixes)."""
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text.encode() + b"\n"
