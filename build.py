#!/usr/bin/env python3
"""Build the guidance site: `python build.py [build|check|serve] [--content DIR] ...`."""

import sys

from guidesite.cli import main

if __name__ == "__main__":
    sys.exit(main())
