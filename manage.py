#!/usr/bin/env python
"""Django's usual entry point; `zhiliang` (the console script) does the same."""

from zhiliang.cli import main

if __name__ == "__main__":
    main()
