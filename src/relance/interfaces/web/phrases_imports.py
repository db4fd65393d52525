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
    "imports.what.customers": ("clients", "customers"),
    "imports.what.invoices": ("factures", "invoices"),
    "imports.what.credit-notes": ("avoirs", "credit notes"),
    "imports.what.credit_notes": ("avoirs", "credit notes"),
    "imports.what.payments": ("paiements", "payments"),
    "imports.what.allocations": ("lettrages", "allocations"),
    "imports.what.transactions": ("lignes de relevé", "statement lines"),
    "imports.what.pdf_paths": ("PDF de factures", "invoice PDFs"),
    "imports.type": ("Type", "Kind"),
    "imports.updated": ("Modifiés", "Changed"),
    "imports.unchanged": ("Inchangés", "Unchanged"),
    "imports.matched": ("Paiements lettrés", "Payments matched"),
    "imports.unmatched": ("Paiements à lettrer", "Payments to match"),
    "imports.skipped": ("Non lu : {why}", "Not read: {why}"),
    "imports.warnings": ("Avertissements", "Warnings"),
    "imports.problem": ("Le fichier ne peut pas être importé", "The file cannot be imported"),
    "imports.problems": ("{count} erreur(s)", "{count} error(s)"),
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
    # sending from the queue
    "send.title": ("Envoi", "Sending"),
    "send.approved": (
        "{count} action(s) approuvée(s) à envoyer",
        "{count} approved action(s) to send",
    ),
    "send.start": ("Envoyer les actions approuvées", "Send the approved actions"),
    "send.start_help": (
        "Comme « relance send » : chaque action est vérifiée de nouveau, les e-mails partent "
        "par le serveur SMTP configuré, les lettres vont dans un lot à imprimer.",
        "As “relance send” does: each action is checked again, e-mails go through the "
        "configured SMTP server, letters go to a print batch.",
    ),
    "send.starting": ("Envoi en préparation…", "Getting ready to send…"),
    "send.taking": (
        "{done} action(s) traitée(s) sur {total}",
        "{done} of {total} action(s) handled",
    ),
    "send.printing": (
        "Lot d’impression : {done} lettre(s) écrite(s) sur {total}",
        "Print batch: {done} of {total} letter(s) written",
    ),
    "send.refreshes": (
        "Cette page se met à jour toutes les {seconds} s.",
        "This page updates itself every {seconds} s.",
    ),
    "send.failed": ("L’envoi s’est arrêté : {why}", "Sending stopped: {why}"),
    "send.done": ("action(s) faite(s)", "action(s) done"),
    "send.emails": ("e-mail(s) envoyé(s)", "e-mail(s) sent"),
    "send.letters": ("lettre(s) à imprimer", "letter(s) to print"),
    "send.not_sent": ("non envoyée(s)", "not sent"),
    "send.waiting": (
        "Aucun serveur SMTP configuré : {count} e-mail(s) attendent dans la boîte d’envoi.",
        "No SMTP server configured: {count} e-mail(s) wait in the outbox.",
    ),
    "send.batch": ("Lot d’impression", "Print batch"),
    "send.batch_line": (
        "{letters} lettre(s), {pages} page(s), dont {registered} recommandée(s)",
        "{letters} letter(s), {pages} page(s), {registered} of them registered",
    ),
    "send.open_batch": ("Ouvrir le PDF du lot", "Open the batch’s PDF"),
    "send.blocked": ("bloquée", "blocked"),
    "send.cancelled": ("annulée", "cancelled"),
    "send.calls": ("Appels à passer : {ids}", "Calls to make: {ids}"),
    "send.others": (
        "Laissées à un autre envoi en cours : {ids}",
        "Left to another send under way: {ids}",
    ),
    "send.nothing": ("Rien à envoyer.", "Nothing to send."),
    # registered letters
    "registered.title": ("Recommandés", "Registered letters"),
    "registered.link": (
        "Recommandés : dépôt et accusé de réception",
        "Registered letters: posting and receipt",
    ),
    "registered.count": ("{count} en attente d’accusé", "{count} awaiting receipt"),
    "registered.none": ("Aucun recommandé n’attend.", "No registered letter waits."),
    "registered.state.printed": ("imprimé", "printed"),
    "registered.state.posted": ("déposé", "posted"),
    "registered.state.received": ("reçu", "received"),
    "registered.tracking": ("Numéro de suivi", "Tracking number"),
    "registered.posted": ("Déposé le", "Posted on"),
    "registered.posted_on": ("déposé le {day}", "posted {day}"),
    "registered.received": ("Accusé de réception du", "Receipt dated"),
    "registered.record_posting": ("Enregistrer le dépôt", "Record the posting"),
    "registered.record_receipt": ("Enregistrer l’accusé", "Record the receipt"),
    "registered.posted_done": (
        "Recommandé n° {id} : dépôt enregistré.",
        "Registered letter #{id}: posting recorded.",
    ),
    "registered.received_done": (
        "Recommandé n° {id} : accusé de réception enregistré.",
        "Registered letter #{id}: receipt recorded.",
    ),
}
