"""The web workbench (`relance serve`): server-rendered pages on the same services as the CLI.

`app.py` builds the Starlette application; `security.py` holds sessions, CSRF and roles;
`rendering.py` the Jinja templates with their filters; `phrases.py` the French and English
words of the pages; one `pages_*.py` module per page or group of pages, each with a
`ROUTES` list. Pages work without JavaScript: every action is a form, POST then redirect.
"""
