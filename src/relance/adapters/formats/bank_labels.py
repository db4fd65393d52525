"""The payer and the remittance reference inside a French bank export's label (libellé).

French banks' CSV exports often have no payer column: the label says it all, in each bank's
own shorthand. The shapes read here (written from how the exports look, see
`docs/imports.md`):

* tagged segments: ``VIR SEPA RECU /DE DUPONT SARL /MOTIF FACT 77 /REF 0042`` (also
  ``/FRM``, ``/EMETTEUR``, ``/RFF``, ``/EREF``, ``/IBAN``, ``/BIC``, ``/ID``, ...);
* colon tags: ``VIR RECU 5012345678 DE: DUPONT SARL MOTIF: FACTURE 77 REF: 123``;
* a prefix then the name: ``VIREMENT DE AGENCE IMMOBILIERE DE LA CROIX-ROUSSE``,
  ``VIR SEPA DUPONT SARL FACT 77``, ``VIR INST RE 4512 DE DUPONT``, ``VIREMENT EN VOTRE
  FAVEUR DE ...``, ``PRLV SEPA ...``, ``Virement de ... - FACT 77``;
* cheque deposits: ``REMISE CHEQUE N 1234567`` (no payer in the label).

Where the name ends and the reference begins without a tag, the first word that starts a
reference (FACT, REF, ECHEANCE, N°...) or holds a digit ends the name. Nothing here decides
who paid which invoice: the core's matching compares the name with the customers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from relance.core.bank import BankTransaction


class LabelKind(StrEnum):
    """What the label says the operation is."""

    TRANSFER = "transfer"
    DIRECT_DEBIT = "direct_debit"
    CHEQUE = "cheque"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class LabelParts:
    """What a label says: the kind of operation, who sent it, their reference, their IBAN."""

    kind: LabelKind
    payer: str = ""
    reference: str = ""
    iban: str = ""


# Tags of the slash-tagged labels, by what they hold.
_PAYER_TAGS = frozenset({"DE", "FRM", "FROM", "EMETTEUR", "DONNEUR", "NPY", "ORDP", "NOM"})
_REFERENCE_TAGS = frozenset({"MOTIF", "RFF", "REF", "LIB", "INF", "REMI", "OBJET", "RMTINF"})
_IBAN_TAGS = frozenset({"IBAN", "IBE", "CPT"})
_KNOWN_TAGS = (
    _PAYER_TAGS
    | _REFERENCE_TAGS
    | _IBAN_TAGS
    | frozenset({"EREF", "ID", "BIC", "NOPT", "MDT", "ICS", "PDO", "DATE", "TRF", "RUM", "CDE"})
)
_SLASH_TAG = re.compile(r"(?:^|\s)/([A-Z]{2,8})\b:?\s*")
_COLON_TAG = re.compile(r"(?:^|\s)(DE|EMETTEUR|MOTIF|REF|REFERENCE|ID|LIBELLE|OBJET)\s*:\s*")
# Prefixes before the payer's name, longest first; a following "DE" / "DE:" is dropped too.
_TRANSFER_PREFIXES = (
    "VIREMENT SEPA INSTANTANE RECU",
    "VIREMENT INSTANTANE RECU",
    "VIREMENT INSTANTANE",
    "VIREMENT EN VOTRE FAVEUR",
    "VIREMENT SEPA RECU",
    "VIREMENT RECU",
    "VIREMENT SEPA",
    "VIREMENT",
    "VIR SEPA INST RECU",
    "VIR SEPA RECU",
    "VIR INST RECU",
    "VIR INST RE",
    "VIR INST",
    "VIR RECU",
    "VIR SEPA",
    "VIR CPTE A CPTE RECU",
    "VIR PERMANENT",
    "VIR",
    "TRANSFER FROM",
    "TRANSFER",
)
_DEBIT_PREFIXES = ("PRELEVEMENT SEPA", "PRELEVEMENT", "PRLV SEPA", "PRLV")
_CHEQUE = re.compile(r"^(?:REMISE|REM)\.?\s+(?:DE\s+)?(?:CHEQUES?|CHQS?)\b")
# Bank noise right after a prefix: an operation number, "N° 1234567", a date.
_LEADING_NOISE = re.compile(r"^(?:(?:N[O°]?\.?\s*)?\d[\d/.-]*\s+|RECU\s+|SEPA\s+)+")
# Words that start the payer's reference, so they end an untagged name.
_REFERENCE_WORDS = frozenset(
    {
        "FACT", "FACTURE", "FACTURES", "FAC", "FA", "FCT", "FTR", "INV", "INVOICE", "REF",
        "REFERENCE", "ECHEANCE", "ECH", "MENSUALITE", "ACOMPTE", "REGLEMENT", "RGLT", "REGL",
        "PAIEMENT", "SOLDE", "MOTIF", "N", "NO", "N°", "CDE", "COMMANDE", "DEVIS", "LOYER",
        "CONTRAT", "DOSSIER", "CLIENT", "CLT",
    }
)  # fmt: skip


def plain_label(text: str) -> str:
    """Upper case, accents removed, one space between words: how banks print labels."""
    stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(stripped.upper().replace("°", " ").split())


def read_label(label: str) -> LabelParts:
    """The kind, payer, reference and IBAN a bank label holds (empty when it names none)."""
    text = plain_label(label.replace("°", "O"))
    if not text:
        return LabelParts(LabelKind.OTHER)
    if _CHEQUE.match(text):
        return LabelParts(LabelKind.CHEQUE, reference=text)
    kind, rest = _kind_and_rest(text)
    if kind is LabelKind.OTHER:
        return LabelParts(kind)
    tagged = _slash_tagged(rest) or _colon_tagged(rest)
    if tagged is not None:
        return replace(tagged, kind=kind)
    payer, reference = _split_name(_drop_noise(rest))
    return LabelParts(kind, payer=payer, reference=reference)


def _kind_and_rest(text: str) -> tuple[LabelKind, str]:
    text = re.sub(r"^(VIR|PRLV)\.\s*", r"\1 ", text)  # "VIR.PERMANENT", "PRLV.SEPA"
    for kind, prefixes in (
        (LabelKind.TRANSFER, _TRANSFER_PREFIXES),
        (LabelKind.DIRECT_DEBIT, _DEBIT_PREFIXES),
    ):
        for prefix in prefixes:
            if text == prefix or text.startswith(prefix + " ") or text.startswith(prefix + "/"):
                return kind, text[len(prefix) :].strip()
    return LabelKind.OTHER, text


def _drop_noise(rest: str) -> str:
    rest = _LEADING_NOISE.sub("", rest.lstrip(" -:/"))
    for lead in ("DE: ", "DE :", "DE "):
        if rest.startswith(lead):
            return rest[len(lead) :].strip()
    return rest


def _segments(text: str, pattern: re.Pattern[str], known: frozenset[str]) -> dict[str, str]:
    """Each known tag of `text` and what follows it up to the next known tag; what comes
    before the first tag under "" (the payer's name when no tag names it)."""
    marks = [m for m in pattern.finditer(text) if m.group(1) in known]
    found: dict[str, str] = {"": text[: marks[0].start()].strip()} if marks else {}
    for at, mark in enumerate(marks):
        end = marks[at + 1].start() if at + 1 < len(marks) else len(text)
        found.setdefault(mark.group(1), text[mark.end() : end].strip(" /-"))
    return found


def _slash_tagged(rest: str) -> LabelParts | None:
    segments = _segments(rest, _SLASH_TAG, _KNOWN_TAGS)
    if not segments:
        return None
    return _parts(segments)


def _colon_tagged(rest: str) -> LabelParts | None:
    tags = frozenset({"DE", "EMETTEUR", "MOTIF", "REF", "REFERENCE", "ID", "LIBELLE", "OBJET"})
    segments = _segments(rest, _COLON_TAG, tags)
    if not segments:
        return None
    return _parts(segments)


def _parts(segments: dict[str, str]) -> LabelParts:
    tagged = next((segments[t] for t in segments if t in _PAYER_TAGS), None)
    # A tag's text may run on into the reference when no further tag separates them.
    payer, spill = _split_name(_drop_noise(segments.get("", "") if tagged is None else tagged))
    references = [spill] + [segments[t] for t in segments if t in _REFERENCE_TAGS | {"REFERENCE"}]
    references += [segments[t] for t in ("LIBELLE", "OBJET") if t in segments]
    iban = next((segments[t] for t in segments if t in _IBAN_TAGS), "")
    return LabelParts(
        LabelKind.TRANSFER,
        payer=_clean_name(payer),
        reference=" ".join(r for r in references if r and r != "NOTPROVIDED"),
        iban=iban.replace(" ", "") if _looks_like_iban(iban) else "",
    )


def _looks_like_iban(text: str) -> bool:
    compact = text.replace(" ", "")
    return 15 <= len(compact) <= 34 and compact[:2].isalpha() and compact[2:4].isdigit()


def _split_name(rest: str) -> tuple[str, str]:
    """The name at the start of `rest`, up to a reference word or a word with a digit."""
    head, dash, tail = rest.partition(" - ")
    if dash and head:
        return _clean_name(head), tail.strip()
    words = rest.split()
    for at, word in enumerate(words):
        bare = word.strip(".:,;")
        if at > 0 and (bare in _REFERENCE_WORDS or any(ch.isdigit() for ch in word)):
            return _clean_name(" ".join(words[:at])), " ".join(words[at:])
    return _clean_name(rest), ""


def _clean_name(name: str) -> str:
    """The name without trailing punctuation; "" when it is only digits or noise."""
    cleaned = " ".join(name.strip(" /-:.,;").split())
    return cleaned if any(ch.isalpha() for ch in cleaned) else ""


def with_label_payer(tx: BankTransaction, labels: Sequence[str] = ()) -> BankTransaction:
    """`tx` with the payer's name and IBAN read from its label when the file gave none.

    `labels` are the label columns one by one (the remittance text when not given): the
    first that names a payer is used. The label stays the remittance text in full, so
    every word of it still counts as evidence (and is shown to whoever matches by hand).
    """
    if tx.payer_name and (tx.payer_iban or not _may_hold_iban(labels or (tx.remittance,))):
        return tx
    # One column may say "VIR RECU" and the next "DE: ... MOTIF: ...": read them together too.
    whole = (" ".join(labels),) if len(labels) > 1 else ()
    read = [read_label(label) for label in (*labels, *whole) or (tx.remittance,)]
    payer = next((parts.payer for parts in read if parts.payer), "")
    iban = next((parts.iban for parts in read if parts.iban), "")
    return replace(tx, payer_name=tx.payer_name or payer, payer_iban=tx.payer_iban or iban.upper())


def _may_hold_iban(labels: Sequence[str]) -> bool:
    """Whether a label could hold an IBAN: only a slash tag (/IBAN, /IBE, /CPT) gives one,
    and an ASCII label without a slash has none (a statement's most common label: read in
    full, it would only confirm it)."""
    return any("/" in label or not label.isascii() for label in labels)
