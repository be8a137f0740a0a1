"""The writing layer: the workbook, its styles, tables, formulas, names, charts, prose and seal."""
