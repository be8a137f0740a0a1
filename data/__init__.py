"""The bundled data folder, importable so that an installed tool finds it (see README.md here)."""
