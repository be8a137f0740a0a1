"""The commands of ``tech-trade``: build, check, extract, diff, import and fetch, the add-in."""
