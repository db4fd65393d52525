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
    # today
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
