"""Reading a workbook back: its package, its inputs and the analyst's own work."""
