"""Development server: build, serve the output on loopback, rebuild and reload on changes."""

from __future__ import annotations

from dataclasses import replace

from .cli import report, summary
from .pipeline import Options, build


def serve(options: Options, host: str, port: int) -> int:
    from livereload import Server

    options = replace(options, drafts=True)

    def rebuild() -> None:
        result = build(options)
        report(result)
        if result.ok:
            print(f"Rebuilt {summary(result)} in {result.seconds:.2f} s", flush=True)

    rebuild()
    server = Server()
    for folder in (options.content, options.templates):
        server.watch(str(folder), rebuild, delay=0.1)
    server.serve(root=str(options.out), host=host, port=port, open_url_delay=None,
                 restart_delay=0)
    return 0
