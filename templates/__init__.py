"""Styles and wording of the workbook, importable so that an installed tool finds them (see README.md here)."""
