"""The root element of an XML file, read without parsing the rest: for format detection
when comments or a long prologue push the namespace out of the first bytes."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from relance.adapters.formats.errors import FormatError

# the prolog: everything before the root element (declaration, comments, PIs, a DOCTYPE)
_PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def root_of(path: Path, head: bytes) -> tuple[str, str]:
    """(namespace, local name) of the root element, ("", "") when not XML."""
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "", ""
    try:
        for _event, element in etree.iterparse(
            str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
        ):
            return split_tag(element.tag)
    except (etree.LxmlError, OSError, ValueError):
        return "", ""
    return "", ""


def split_tag(tag: object) -> tuple[str, str]:
    """(namespace, local name) of an lxml tag ("{ns}name"); ("", "") for comments and PIs."""
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{") and "}" in tag:
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag.rpartition(":")[2]


def refuse_doctype(head: bytes, file: Path) -> None:
    """Raise FormatError when an XML file declares a DOCTYPE before its root element.

    Bank statements and e-invoices come from outside and need no DTD; a DOCTYPE is where
    external entities (XXE) and entity expansion ("billion laughs") are declared. The
    parsers never resolve them, and the file is refused with a message that says so,
    rather than failing later on a field the entity emptied. `head`: the first bytes.
    """
    position = len(b"\xef\xbb\xbf") if head.startswith(b"\xef\xbb\xbf") else 0
    while match := _PROLOG_ITEM.match(head, position):
        position = match.end()
    rest = head[position:].lstrip()
    if rest[:9].upper() == b"<!DOCTYPE":
        line = head[: len(head) - len(rest)].count(b"\n") + 1
        declares = "entities" if b"<!ENTITY" in rest[:65536] else "a DTD"
        raise FormatError(
            file, str(line), "DOCTYPE",
            f"the XML declares {declares} in a DOCTYPE; relance refuses DTDs and entities in "
            "files from outside (external entities, entity expansion): ask the sender for "
            "the file without them",
        )  # fmt: skip
