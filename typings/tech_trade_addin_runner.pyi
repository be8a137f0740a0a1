# The add-in's runner as the extension carries it (pythonpath/tech_trade_addin_runner.py): a copy
# of workbook/commands/addin/runner.py, so the component's calls are checked against the package's runner.
from workbook.commands.addin.runner import *
