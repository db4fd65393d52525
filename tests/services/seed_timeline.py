"""The steps of the seeds' customer who never answers (ACME: 12345 fell due on 1 January
2018), as the service tests and the command-line tests both expect them."""

from __future__ import annotations

from datetime import date

# The day after the due date; day 14 (15 January, the latest the seeds allow); then 14
# days after each step without a response; 15 days after the formal notice.
NEVER_ANSWERS_STEPS = [
    (date(2018, 1, 2), "informal"),
    (date(2018, 1, 15), "letter1"),
    (date(2018, 1, 29), "letter2"),
    (date(2018, 2, 12), "letter3"),
    (date(2018, 2, 26), "final"),
    (date(2018, 3, 13), "handoff"),
]
