"""Rendering of letters and e-mails: templates, PDF, print batches."""
