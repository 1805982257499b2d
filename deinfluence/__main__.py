from deinfluence.cli import main

raise SystemExit(main())
