"""Tech Trade Snapshot: builds an Excel workbook of U.S. technology trade from Census data."""

__version__ = "0.1.0"
