"""The refusals of the services the workbench calls, and why a step was proposed, in
French: the services word them in English (the CLI's language for messages); a French
reader gets the common ones in French.

Each pattern matches a service's whole message and names its variable parts; a message no
pattern knows is shown as the service worded it.
"""

from __future__ import annotations

import re

# (the service's message as a pattern, the French wording of it)
FRENCH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), french)
    for pattern, french in (
        (r"no action (?P<id>\d+) in the queue", "aucune action {id} dans la file"),
        # why a step is proposed (the run's words, kept with the step)
        (r"(?P<days>\d+) days after the due date of invoice (?P<number>.+)",
         "{days} jours après l'échéance de la facture {number}"),
        (r"action (?P<id>\d+) is (?P<status>\w+): not pending",
         "l'action {id} n'est plus en attente ({status})"),
        (r"action (?P<id>\d+) was proposed on (?P<day>[\d-]+)",
         "l'action {id} a été proposée le {day}"),
        (r"an outcome is recorded for calls only", "une issue ne se note que pour un appel"),
        (r"no invoice '(?P<number>.*)'", "aucune facture « {number} »"),
        (r"a dispute needs a reason", "un litige demande un motif"),
        (r"invoice (?P<number>.+) is already disputed", "la facture {number} est déjà en litige"),
        (r"invoice (?P<number>.+) has no open dispute",
         "la facture {number} n'a pas de litige ouvert"),
        (r"a promise is to pay a positive amount",
         "une promesse porte sur un montant positif"),
        (r"a promise made on (?P<made>[\d-]+) cannot fall due on (?P<due>[\d-]+)",
         "une promesse faite le {made} ne peut pas échoir le {due}"),
        (r"this promise is already recorded \((?P<key>.*)\)",
         "cette promesse est déjà notée ({key})"),
        (r"a plan covers at least one invoice", "un échéancier porte sur une facture au moins"),
        (r"a plan covers invoices in one currency",
         "un échéancier porte sur des factures d'une seule devise"),
        (r"this plan is already recorded \((?P<key>.*)\)",
         "cet échéancier est déjà noté ({key})"),
        (r"a hold needs a reason", "une suspension demande un motif"),
        (r"customer (?P<ref>.+) is not on hold", "le client {ref} n'est pas suspendu"),
        (r"a note needs some text", "une note demande un texte"),
        (r"unknown customer '(?P<ref>.*)'", "client inconnu « {ref} »"),
        (r"'(?P<email>.*)' is not an e-mail address", "« {email} » n'est pas une adresse e-mail"),
        (r"a password has at least (?P<count>\d+) characters",
         "un mot de passe a au moins {count} caractères"),
        (r"there is already an account for (?P<email>.+)",
         "il existe déjà un compte pour {email}"),
    )
)  # fmt: skip


def service_text(message: str, language: str) -> str:
    """`message` (a service's refusal) in `language`: French where a pattern knows it."""
    if language != "fr":
        return message
    for pattern, french in FRENCH:
        found = pattern.fullmatch(message)
        if found:
            return french.format(**found.groupdict())
    return message
