"""`python -m genai_cost price|resolve|info`."""

from genai_cost.cli import main

raise SystemExit(main())
