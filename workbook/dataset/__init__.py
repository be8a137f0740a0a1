"""The data folder read and written: its schema, loading and checks, reference data, importers and the Census API."""
