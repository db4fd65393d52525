"""Which column of a ledger CSV holds which field, and which kind of file it is.

A header is matched by name (English or French, any case, any accents). A file whose
header fits another kind better (an invoices file given as payments) is refused, naming
the kind it looks like: imported as payments, invoice rows would become money. A column
relance does not know is refused too, unless the user asks to ignore unknown columns.
Headers are capped (`MAX_COLUMNS`, `MAX_HEADER_BYTES`) and so are the names an error
quotes, so a hostile header cannot take minutes to read or megabytes to print.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from relance.adapters.formats.errors import FormatError

MAX_COLUMNS = 200
MAX_HEADER_BYTES = 64 * 1024
QUOTED_NAMES = 10


class CsvKind(StrEnum):
    """What a ledger CSV file holds."""

    CUSTOMERS = "customers"
    INVOICES = "invoices"
    CREDIT_NOTES = "credit-notes"
    PAYMENTS = "payments"


# canonical column -> accepted headers (compared case- and accent-insensitively)
ALIASES: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "reference", "customer_ref", "code", "code_client"),
    "name": ("name", "nom", "raison_sociale"),
    "kind": ("kind", "type"),
    "country": ("country", "pays"),
    "language": ("language", "langue"),
    "email": ("email", "e-mail", "courriel", "mail"),
    "phone": ("phone", "telephone", "tel"),
    "address": ("address", "adresse"),
    "postal_code": ("postal_code", "postcode", "zip", "code_postal", "cp"),
    "city": ("city", "ville"),
    "credit_limit": ("credit_limit", "plafond", "encours_max"),
    "registration_id": ("registration_id", "siren", "siret", "company_number"),
    "vat_number": ("vat_number", "tva_intracom", "numero_tva"),
    "iban": ("iban",),
    "tags": ("tags", "etiquettes"),
    "contact_name": ("contact_name", "contact", "nom_contact"),
    "civility": ("civility", "civilite", "title"),
    "number": ("number", "numero", "no", "num"),
    "customer": ("customer", "client"),
    "issue_date": ("issue_date", "date", "date_facture"),
    "due_date": ("due_date", "echeance", "date_echeance"),
    "date": ("date",),
    "currency": ("currency", "devise"),
    "amount": ("amount", "montant", "montant_ttc"),
    "tax": ("tax", "tva", "montant_tva"),
    "subject": ("subject", "objet", "libelle"),
    "invoice": ("invoice", "facture"),
    "method": ("method", "mode", "moyen"),
    "reference": ("reference", "ref_paiement", "libelle_paiement"),
    "payer": ("payer", "payeur", "emetteur"),
    "pdf": ("pdf", "pdf_path", "fichier"),
    "delivery_date": ("delivery_date", "date_livraison", "livraison"),
    "deposit_for": ("deposit_for", "acompte_sur", "acompte_pour"),
}

LAYOUTS: dict[CsvKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    CsvKind.CUSTOMERS: (
        ("ref", "name"),
        (
            "kind",
            "country",
            "language",
            "email",
            "phone",
            "address",
            "postal_code",
            "city",
            "credit_limit",
            "registration_id",
            "vat_number",
            "iban",
            "tags",
            "currency",
            "contact_name",
            "civility",
        ),
    ),
    CsvKind.INVOICES: (
        ("number", "customer", "issue_date", "due_date", "amount"),
        ("currency", "tax", "subject", "pdf", "delivery_date", "deposit_for"),
    ),
    CsvKind.CREDIT_NOTES: (
        ("number", "customer", "date", "amount"),
        ("currency", "invoice"),
    ),
    CsvKind.PAYMENTS: (
        ("date", "customer", "amount"),
        ("currency", "method", "reference", "invoice", "payer", "iban"),
    ),
}

_ACCENTS = str.maketrans("àâäéèêëîïôöùûüçÀÂÄÉÈÊËÎÏÔÖÙÛÜÇ", "aaaeeeeiioouuucAAAEEEEIIOOUUUC")


def fold(text: str) -> str:
    """Lower case without accents: how names and codes in cells are compared."""
    return text.lower().translate(_ACCENTS)


def header_key(text: str) -> str:
    """A header name as it is compared: no BOM, lower case, no accents, `_` for spaces."""
    return fold(text.strip().lstrip("\ufeff")).replace(" ", "_")


@dataclass(frozen=True, slots=True)
class HeaderFit:
    """How a header reads as one kind: the fields found, and the names left over."""

    kind: CsvKind
    columns: dict[str, int]
    unknown: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Every required column is there."""
        return not self.missing


def fit_header(kind: CsvKind, names: list[str]) -> HeaderFit:
    """Read a header as a file of `kind` (a name matches at most one field, the first)."""
    required, optional = LAYOUTS[kind]
    wanted = required + optional
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(names):
        key = header_key(raw)
        field = next((f for f in wanted if key in ALIASES.get(f, (f,))), None)
        if field is None or field in columns:
            if key:
                unknown.append(raw.strip())
            continue
        columns[field] = index
    missing = tuple(f for f in required if f not in columns)
    return HeaderFit(kind, columns, tuple(unknown), missing)


def quoted(names: tuple[str, ...] | list[str]) -> str:
    """At most `QUOTED_NAMES` names for a message, and how many more there are."""
    shown = ", ".join(repr(name[:40]) for name in names[:QUOTED_NAMES])
    more = len(names) - QUOTED_NAMES
    return f"{shown} and {more} more" if more > 0 else shown


def _a(kind: CsvKind) -> str:
    return f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value}"


def _looks_like(fit: HeaderFit, names: list[str]) -> CsvKind | None:
    """Another kind the header fits completely and better: with fewer names left over, or
    at all when `fit` misses a required column."""
    others = [fit_header(kind, names) for kind in CsvKind if kind is not fit.kind]
    better = [
        o for o in others if o.complete and (not fit.complete or len(o.unknown) < len(fit.unknown))
    ]
    if not better:
        return None
    return min(better, key=lambda o: len(o.unknown)).kind


def map_header(
    path: Path, kind: CsvKind, names: list[str], *, ignore_unknown: bool = False
) -> HeaderFit:
    """The header of a `kind` file mapped to fields, or FormatError (line 1) saying why:
    too many columns, a required one missing, the file looks like another kind, or a
    column relance does not know (unless `ignore_unknown`)."""
    if len(names) > MAX_COLUMNS:
        raise FormatError(
            path,
            "1",
            "",
            f"the header has {len(names)} columns; relance reads at most {MAX_COLUMNS}",
        )
    fit = fit_header(kind, names)
    other = _looks_like(fit, names)
    if other is not None:
        raise FormatError(
            path, "1", "",
            f"this looks like {_a(other)} file, not {kind.value} (its columns "
            f"{quoted(fit.unknown)} are not {kind.value} columns); "
            f"import it with `relance import {other.value}`",
        )  # fmt: skip
    if fit.missing:
        found = quoted([n.strip() for n in names])
        reason = f"missing column(s) for {kind.value}; header has: {found}"
        raise FormatError(path, "1", ", ".join(fit.missing), reason)
    if fit.unknown and not ignore_unknown:
        raise FormatError(
            path, "1", "",
            f"unknown column(s) for {kind.value}: {quoted(fit.unknown)}; check that this is "
            "the right file, or pass --ignore-unknown-columns to import it without them",
        )  # fmt: skip
    return fit
