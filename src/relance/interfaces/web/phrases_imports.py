"""The words of the Imports page and of sending from the Queue, in French and in English
(joined to `phrases.PHRASES`)."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "imports.title": ("Imports", "Imports"),
    "imports.send": ("Importer un fichier", "Import a file"),
    "imports.kind": ("Ce que contient le fichier", "What the file holds"),
    "imports.kind.customers": ("Clients (CSV)", "Customers (CSV)"),
    "imports.kind.invoices": ("Factures (CSV)", "Invoices (CSV)"),
    "imports.kind.credit-notes": ("Avoirs (CSV)", "Credit notes (CSV)"),
    "imports.kind.payments": ("Paiements (CSV)", "Payments (CSV)"),
    "imports.kind.fec": (
        "Fichier des écritures comptables (FEC)",
        "French accounting export (FEC)",
    ),
    "imports.kind.einvoice": ("Facture électronique (Factur-X, UBL)", "E-invoice (Factur-X, UBL)"),
    "imports.kind.bank": (
        "Relevé bancaire (CAMT.053, OFX, MT940, CFONB, CSV)",
        "Bank statement (CAMT.053, OFX, MT940, CFONB, CSV)",
    ),
    "imports.file": ("Fichier", "File"),
    "imports.allow_changes": (
        "Modifier aussi les factures déjà relancées, payées en partie ou confiées",
        "Also change invoices already dunned, paid in part or handed over",
    ),
    "imports.ignore_unknown": (
        "Ignorer les colonnes inconnues",
        "Leave out the columns relance does not know",
    ),
    "imports.check": ("Vérifier (rien n’est écrit)", "Check (nothing is written)"),
    "imports.list": ("Fichiers importés", "Files imported"),
    "imports.none": ("Aucun import.", "No import yet."),
    "imports.id": ("N°", "#"),
    "imports.name": ("Fichier", "File"),
    "imports.rows": ("Lignes", "Rows"),
    "imports.at": ("Importé le", "Imported"),
    "imports.undone_at": ("Défait le {day}", "Undone {day}"),
    "imports.undo": ("Défaire", "Undo"),
    "imports.no_kind": ("Choisissez ce que contient le fichier.", "Say what the file holds."),
    "imports.no_file": ("Choisissez un fichier.", "Choose a file."),
    "imports.dry_run": ("Vérification de {name}", "Check of {name}"),
    "imports.would": ("Ce que l’import écrirait", "What the import would write"),
    "imports.read": ("Lignes lues", "Rows read"),
    "imports.created": ("Créés", "New"),
    "imports.created.what": ("{what} créés", "new {what}"),
    "imports.updated": ("Modifiés", "Changed"),
    "imports.unchanged": ("Inchangés", "Unchanged"),
    "imports.matched": ("Paiements lettrés", "Payments matched"),
    "imports.unmatched": ("Paiements à lettrer", "Payments to match"),
    "imports.skipped": ("Non lu : {why}", "Not read: {why}"),
    "imports.warnings": ("Avertissements", "Warnings"),
    "imports.problem": ("Le fichier ne peut pas être importé", "The file cannot be imported"),
    "imports.where": ("Ligne {line}", "Line {line}"),
    "imports.column": ("colonne {field}", "column {field}"),
    "imports.nothing_written": (
        "Rien n’a été écrit. Corrigez le fichier puis envoyez-le de nouveau.",
        "Nothing was written. Correct the file, then send it again.",
    ),
    "imports.confirm": ("Importer", "Import"),
    "imports.drop": ("Abandonner", "Drop"),
    "imports.done": (
        "{name} importé : {read} ligne(s) lues, {created} créée(s), {updated} modifiée(s) "
        "(import {ids}).",
        "{name} imported: {read} row(s) read, {created} new, {updated} changed (import {ids}).",
    ),
    "imports.dropped": (
        "Fichier abandonné : rien n’a été importé.",
        "File dropped: nothing imported.",
    ),
    "imports.undone": (
        "Import n° {id} ({name}) défait : {removed} enregistrement(s) retiré(s).",
        "Import #{id} ({name}) undone: {removed} record(s) removed.",
    ),
    "imports.undo_refused": (
        "L’import n° {id} ne peut pas être défait, des enregistrements plus récents en "
        "dépendent : {reasons}",
        "Import #{id} cannot be undone, later records depend on it: {reasons}",
    ),
}
