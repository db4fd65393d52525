"""Which module defines each command, so that a command imports only what it uses.

`relance --help` and `relance queue` must start in a blink, but the modules behind `send`
(PDF, templates, SMTP) or `import` (XML, OFX, PDF readers) take a second to import. So the
root group knows each command by name, module and one-line help, and imports a command's
module only when that command runs (or its own `--help` is asked for).

A new command: add its line to `SECTIONS` (its module must have a `register(app)`
function). `tests/interfaces/test_cli_startup.py` checks this table against the commands
the modules register, and that `relance --help` imports no format, PDF or SMTP library.
"""

from __future__ import annotations

import importlib
from typing import Any

from typer.core import TyperGroup

from relance.interfaces.cli.plain_values import read_plainly

# The commands as `relance --help` lists them, by section: name, modules that register it,
# and a few words (each command's own --help gives its whole description).
SECTIONS: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {
    "The ledger": {
        "init": (("ledger",), "Create the ledger, record your company."),
        "import": (
            ("ledger", "files", "proceedings", "agencies"),
            "Import CSV, FEC, Factur-X, UBL, bank statements, BODACC notices.",
        ),
        "customers": (("ledger",), "List the customers."),
        "invoices": (("ledger",), "List invoices, open balance, days overdue."),
        "aging": (("reports",), "The aged balance (balance âgée)."),
        "unmatched": (("files",), "Bank credits waiting to be matched by hand."),
        "match": (("files",), "Match a payment to invoices by hand."),
        "unmatch": (("files",), "Undo a match."),
        "rematch": (("files",), "Match the queued payments again."),
        "ignore": (("files",), "Take a payment out of the matching queue."),
        "imports": (("imports",), "The files imported; undo one."),
    },
    "The daily run": {
        "run": (("dunning",), "Decide and queue each customer's next step."),
        "queue": (("dunning",), "The actions waiting to be approved or done."),
        "approve": (("dunning",), "Approve proposed actions."),
        "cancel": (("dunning",), "Cancel a pending action."),
        "done": (("dunning",), "Mark an action done by hand (a call, a letter)."),
        "history": (("dunning",), "A customer's timeline."),
        "policy": (("dunning",), "Show, export, import, assign dunning policies."),
    },
    "Letters and e-mails": {
        "send": (("letters",), "Render and deliver the approved actions."),
        "preview": (("letters",), "Render one action to files, send nothing."),
        "registered": (("letters",), "Record a registered letter's posting or receipt."),
        "template": (("letters",), "Check letter and e-mail templates."),
        "outbox": (("letters",), "E-mails waiting, sent, written to files or cancelled."),
        "print": (("letters",), "List the print batches, or write one again."),
        "handover": (("workers",), "E-mails a stopped send may have delivered: settle."),
    },
    "What the customer said": {
        "log": (("pauses",), "Log a call, e-mail or letter."),
        "dispute": (("pauses",), "Take a contested invoice out of dunning."),
        "resolve": (("pauses",), "End a dispute."),
        "promise": (("pauses",), "Record a promise to pay."),
        "plan": (("pauses",), "Agree a payment plan."),
        "hold": (("pauses",), "Stop collection for a customer."),
        "release": (("pauses",), "End a hold."),
        "proceedings": (("proceedings",), "Customers sued or in insolvency proceedings."),
    },
    "What the law allows": {
        "interest": (("law",), "Late interest, indemnities and fees claimable."),
        "limitation": (("law",), "Debts about to be time-barred."),
        "acknowledge": (("law",), "Record an event that restarts limitation."),
        "notice": (("law",), "Record a formal notice received."),
        "contract": (("law",), "Show or change a customer's contract terms."),
        "terms": (("law",), "Payment terms against the legal caps."),
        "writeoff": (("law",), "Write off a bad debt; export write-offs."),
        "routes": (("agencies",), "After the formal notice: each route's net, with its basis."),
        "handoff": (
            ("agencies",),
            "Send a customer's claim to an agency, a court, or write it off.",
        ),
        "agency": (("agencies",), "Collection agencies; a claim's state at one."),
        "casefile": (("casefile",), "A customer's case file: dossier, evidence, manifest."),
        "rates": (("rates",), "Rate tables: list, add your periods, confirm, settings."),
    },
    "Prevention": {
        "risk": (("risk",), "Payment behaviour graded A-E; exposure against the credit limit."),
        "advise": (("risk",), "Deposits to ask, discounts to offer, limits to lower."),
        "deposit": (("deposits",), "Deposit invoices (acomptes) and their final invoice."),
        "statement": (("statement",), "A customer's statement of account (PDF or CSV)."),
    },
    "The numbers": {
        "kpi": (("kpi",), "DSO, CEI, stages, promises, agencies: the collection KPIs."),
        "report": (("monthly",), "The monthly management report as a PDF."),
    },
    "Beyond one machine": {
        "worker": (("workers",), "Take jobs from the PostgreSQL ledger's queue."),
        "jobs": (("workers",), "Put sending, runs, imports on the queue; list jobs."),
        "backup": (("workers",), "Copy the ledger while it is in use."),
    },
    "The web workbench": {
        "serve": (("serve",), "Serve the web workbench for the ledger."),
        "user": (("users",), "Add or list the workbench's accounts."),
        "token": (("tokens",), "Make, list, revoke the REST API's tokens."),
        "webhook": (("webhooks",), "Tell other programs what happened, signed."),
    },
    "Trying relance": {
        "demo": (("demo",), "Build a demo ledger and show it."),
    },
}
COMMANDS = {name: entry for section in SECTIONS.values() for name, entry in section.items()}
# `relance import KIND`: the module that registers each kind. A CSV import then loads none of
# the XML, OFX and PDF readers the other kinds need (most of a second of start-up).
IMPORT_KINDS = {
    **dict.fromkeys(("customers", "invoices", "credit-notes", "payments"), ("ledger",)),
    **dict.fromkeys(("fec", "facturx", "ubl", "bank"), ("ledger", "files")),
    "bodacc": ("ledger", "proceedings"),
    "agency-recoveries": ("ledger", "agencies"),
}
MODULES = tuple(dict.fromkeys(m for modules, _ in COMMANDS.values() for m in modules))

_loaded: dict[str, Any] = {}  # module name: the module, once its commands are registered
_commands: dict[str, Any] = {}  # the click commands of the modules loaded so far
_registry: list[Any] = []  # the one Typer app every loaded module registered into


def commands_of(modules: tuple[str, ...]) -> dict[str, Any]:
    """The click commands registered by `modules` (imported on first use), by name."""
    import typer

    if not _registry:
        _registry.append(typer.Typer(rich_markup_mode=None))  # plain help, reflowed
    missing = [name for name in modules if name not in _loaded]
    for name in missing:
        # each module registers once: `register` may add to sub-apps shared by modules
        _loaded[name] = importlib.import_module(f"relance.interfaces.cli.{name}")
        _loaded[name].register(_registry[0])
    if missing:
        _commands.clear()
        _commands.update(typer.main.get_group(_registry[0]).commands)
    return dict(_commands)


def add_commands(app: Any, *commands: Any) -> None:
    """Add each function to the Typer `app` as the command of its name."""
    for command in commands:
        app.command()(command)


def all_commands() -> dict[str, Any]:
    """Every command of the CLI, every module imported: for tests and documentation."""
    return commands_of(MODULES)


class LazyCommands(TyperGroup):
    """The root `relance` group: lists commands from `COMMANDS`, imports one when used."""

    def list_commands(self, ctx: Any) -> list[str]:
        """The commands' names, in the order of `COMMANDS`."""
        return list(COMMANDS)

    import_kind: str | None = None  # the KIND of `relance import KIND`, once seen

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """The command `args` name; for `import KIND`, seen before the group is looked up
        so that only the modules registering KIND are imported."""
        self.import_kind = args[1] if len(args) > 1 and args[0] == "import" else None
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command named `cmd_name`, its module imported; None when there is none."""
        modules = COMMANDS[cmd_name][0] if cmd_name in COMMANDS else MODULES
        if cmd_name == "import" and self.import_kind in IMPORT_KINDS:
            modules = IMPORT_KINDS[self.import_kind]
        command = commands_of(modules).get(cmd_name)
        if command is not None:
            read_plainly([command], ctx)
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """The root's own options, read without pydantic (see plain_values.py)."""
        read_plainly([self], ctx)  # its own options: its commands are read when looked up
        return list(super().parse_args(ctx, args))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands by section with a few words each, without importing any of them."""
        for title, section in SECTIONS.items():
            with formatter.section(title):
                formatter.write_dl([(name, text) for name, (_, text) in section.items()])


def root() -> LazyCommands:
    """The `relance` group, with no command imported yet."""
    return LazyCommands(
        name="relance",
        help="relance: collects overdue customer invoices.",
        no_args_is_help=True,
        rich_markup_mode=None,  # plain help: Rich is imported only by commands that print
    )
