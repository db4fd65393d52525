"""relance: collects overdue customer invoices the way a good credit manager does."""

__version__ = "0.1.0"
