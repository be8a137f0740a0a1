"""The spreadsheet engines the tool runs beside itself: LibreOffice headless and IronCalc."""
