from workbook.commands.cli import main

raise SystemExit(main())
