from freev2g.cli import main

raise SystemExit(main())
