"""The pure core: immutable data and functions that decide. No I/O, no clock, no database."""
