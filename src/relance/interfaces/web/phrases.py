"""The words of the workbench's pages, in French and in English.

Each phrase is a key with its French and English text; `{name}` slots are filled by
`phrase(key, language, name=value)` (values are escaped by the templates, not here).
"""

from __future__ import annotations

from typing import Any

PHRASES: dict[str, tuple[str, str]] = {
    # the frame of every page
    "app.name": ("relance", "relance"),
    "nav.today": ("Aujourd’hui", "Today"),
    "nav.queue": ("File d’attente", "Queue"),
    "nav.customers": ("Clients", "Customers"),
    "nav.users": ("Utilisateurs", "Users"),
    "nav.logout": ("Se déconnecter", "Sign out"),
    "nav.language": ("Langue", "Language"),
    "nav.skip": ("Aller au contenu", "Skip to content"),
    "role.viewer": ("lecture", "viewer"),
    "role.collector": ("recouvreur", "collector"),
    "role.manager": ("responsable", "manager"),
    "role.admin": ("administrateur", "admin"),
    # signing in
    "login.title": ("Connexion", "Sign in"),
    "login.email": ("Adresse e-mail", "E-mail address"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Sign in"),
    "login.failed": ("Adresse ou mot de passe incorrect.", "Wrong e-mail address or password."),
    "login.throttled": (
        "Trop de tentatives : réessayez dans {minutes} min.",
        "Too many attempts: try again in {minutes} min.",
    ),
    "login.no_account": (
        "Aucun compte : créez-en un avec « relance user add EMAIL --role admin ».",
        "No account yet: create one with “relance user add EMAIL --role admin”.",
    ),
    # errors
    "error.403": ("Accès refusé", "Forbidden"),
    "error.403.text": (
        "Votre rôle ne permet pas cette action, ou le formulaire a expiré : rechargez la page.",
        "Your role does not allow this, or the form expired: reload the page.",
    ),
    "error.404": ("Introuvable", "Not found"),
    "error.404.text": ("Cette page n’existe pas.", "There is no such page."),
    "error.back": ("Retour à l’accueil", "Back to today"),
    "error.service": ("{message}", "{message}"),
    # today
    "today.to_review": ("Propositions à examiner", "Proposals to review"),
    "today.approved": ("{count} approuvée(s), à envoyer", "{count} approved, to send"),
    "today.calls": ("Appels à passer", "Calls to make"),
    "today.promises": ("Promesses à échéance", "Promises falling due"),
    "today.disputes": ("Litiges ouverts", "Open disputes"),
    "today.unmatched": ("Paiements non lettrés", "Unmatched payments"),
    "today.none": ("Aucun.", "None."),
    "today.due_on": ("pour le {day}", "due {day}"),
    "today.all_queue": ("Toute la file ({count})", "The whole queue ({count})"),
    # the queue
    "queue.title": ("File d’attente", "Queue"),
    "queue.count": ("{count} action(s)", "{count} action(s)"),
    "queue.stage": ("Étape", "Stage"),
    "queue.channel": ("Canal", "Channel"),
    "queue.channels": ("Canaux", "Channels"),
    "queue.all": ("Toutes", "All"),
    "queue.filter": ("Filtrer", "Filter"),
    "queue.empty": (
        "Rien n’attend : lancez la journée avec « relance run ».",
        "Nothing waits: run the day with “relance run”.",
    ),
    "queue.customer": ("Client", "Customer"),
    "queue.invoices": ("Factures", "Invoices"),
    "queue.balance": ("Solde", "Balance"),
    "queue.status": ("État", "Status"),
    "queue.preview": ("Aperçu", "Preview"),
    "queue.tick": ("Choisir", "Select"),
    "queue.approve_ticked": ("Approuver la sélection", "Approve selected"),
    "queue.cancel_ticked": ("Annuler la sélection", "Cancel selected"),
    "queue.reason": ("Motif d’annulation", "Reason for cancelling"),
    "queue.approved": ("{count} action(s) approuvée(s).", "{count} action(s) approved."),
    "queue.cancelled": ("{count} action(s) annulée(s).", "{count} action(s) cancelled."),
    "status.proposed": ("proposée", "proposed"),
    "status.approved": ("approuvée", "approved"),
    "status.done": ("faite", "done"),
    "status.cancelled": ("annulée", "cancelled"),
    "status.sending": ("en cours d’envoi", "sending"),
    "channel.call": ("appel", "call"),
    "channel.email": ("e-mail", "e-mail"),
    "channel.letter": ("lettre", "letter"),
    "channel.registered_letter": ("recommandé", "registered letter"),
    "channel.agency_handoff": ("agence", "agency"),
    # one action's preview
    "preview.title": ("Action n° {id}", "Action #{id}"),
    "preview.approve": ("Approuver", "Approve"),
    "preview.cancel": ("Annuler l’action", "Cancel the action"),
    "preview.letter": ("Lettre", "Letter"),
    "preview.open_pdf": ("Ouvrir le PDF", "Open the PDF"),
    "preview.email": ("E-mail", "E-mail"),
    "preview.subject": ("Objet", "Subject"),
    "preview.text": ("Version texte", "Plain text"),
    "preview.nothing": (
        "Cette action n’envoie ni lettre ni e-mail.",
        "This action sends no letter and no e-mail.",
    ),
    "today.title": ("Aujourd’hui", "Today"),
    "today.as_of": ("Au {day}", "As of {day}"),
    "today.totals": ("Encours par devise", "Balance by currency"),
    "today.aging": ("Balance âgée", "Aged balance"),
    "today.no_ledger": (
        "Le registre est vide : créez-le avec « relance init » puis importez vos factures.",
        "The ledger is empty: create it with “relance init”, then import your invoices.",
    ),
    "aging.current": ("Non échu", "Not yet due"),
    "aging.bucket": ("{low} à {high} j", "{low} to {high} days"),
    "aging.over": ("Plus de {low} j", "Over {low} days"),
    "aging.total": ("Total", "Total"),
    "aging.currency": ("Devise", "Currency"),
    # users
    "users.title": ("Utilisateurs", "Users"),
    "users.email": ("Adresse e-mail", "E-mail address"),
    "users.role": ("Rôle", "Role"),
    "users.created": ("Créé le", "Created"),
    "users.add": ("Ajouter un utilisateur", "Add a user"),
    "users.password": ("Mot de passe (10 caractères au moins)", "Password (10 characters or more)"),
    "users.added": ("Compte {email} créé.", "Account {email} created."),
}

LANGUAGE_INDEX = {"fr": 0, "en": 1}


def phrase(key: str, language: str, **values: Any) -> str:
    """The phrase `key` in `language` (fr or en), its `{slots}` filled from `values`."""
    text = PHRASES[key][LANGUAGE_INDEX.get(language, 0)]
    return text.format(**values) if values else text
