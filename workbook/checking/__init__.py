"""Checking a finished workbook as its readers meet it: engines, schema, accessibility, the .ods edition."""
