from newstrace.cli import main

raise SystemExit(main())
