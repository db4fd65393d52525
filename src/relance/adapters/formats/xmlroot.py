"""The root element of an XML file, read without parsing the rest: for format detection
when comments or a long prologue push the namespace out of the first bytes."""

from __future__ import annotations

from pathlib import Path

from lxml import etree


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
