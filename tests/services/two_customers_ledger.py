"""A ledger of two customers, one American and one French, each owing one invoice since
1 January 2018: the ledger the letter and lettrage tests send letters for."""

from __future__ import annotations

CUSTOMERS = """ref,name,kind,country,language,email,phone,address,postal_code,city
SMITHCO,Smith & Co,business,US,en,billing@smithco.example,,100 Main Street,10001,New York
BOULMART,Boulangerie Martin,business,FR,fr,compta@boulangerie-martin.fr,,4 place Bellecour,69002,Lyon
"""
INVOICES = """number,customer,issue_date,due_date,currency,amount,tax,subject
12345,SMITHCO,2017-12-01,2018-01-01,USD,100.00,0.00,Consulting
F-001,BOULMART,2017-12-01,2018-01-01,EUR,1200.00,200.00,Maintenance annuelle
"""
