"""Static site generator for a localized guidance microsite.

Stages, in the order data flows: discover -> load -> validate -> plan -> render -> check -> write.
Only `discover`/`load` read content files and only `write` writes the output folder.
"""

__version__ = "0.2.0"
