"""A year's plan read from the council's own table, in Word (.docx) or Excel (.xlsx).

reading.py finds the tables of a file; mapping.py proposes which column is which, which
heading is which theme and who each lead is, and turns the rows into the records of a year's
file, which plans.importer checks and loads as it does any year's file (one set of rules).
"""
