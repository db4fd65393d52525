"""The environment of a `relance` process that sends through an SMTP server on loopback."""

import os


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    """This process's environment without any RELANCE_ setting, sending plain SMTP to
    127.0.0.1:`port`, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELANCE_")}
    env.update(
        RELANCE_SMTP_HOST="127.0.0.1",
        RELANCE_SMTP_PORT=str(port),
        RELANCE_SMTP_SECURITY="plain",
        RELANCE_SMTP_FROM="relances@atelier-durand.fr",
        COLUMNS="200",
        **extra,
    )
    return env
