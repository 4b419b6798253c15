"""``stancegraph serve``: the read-only SPARQL endpoint over the store (see server.py)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["register"]


def register(cli: click.Group) -> None:
    """Add the ``serve`` command to the ``stancegraph`` group."""

    @cli.command()
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
    @click.option(
        "--port", default=7879, show_default=True, type=int, help="Port (0: any free one)."
    )
    @click.option(
        "--timeout",
        default=30.0,
        show_default=True,
        type=float,
        help="Seconds a query may run before its worker is stopped.",
    )
    @click.option(
        "--max-results",
        default=10_000,
        show_default=True,
        type=int,
        help="Rows (or triples) sent at most; more is cut and flagged (HTTP 206).",
    )
    @click.option(
        "--max-request-bytes",
        default=1_000_000,
        show_default=True,
        type=int,
        help="Larger requests are refused (HTTP 413).",
    )
    @click.option(
        "--workers",
        default=2,
        show_default=True,
        type=int,
        help="Query worker processes (each opens the store read-only).",
    )
    @click.pass_obj
    def serve(
        obj: object,
        host: str,
        port: int,
        timeout: float,
        max_results: int,
        max_request_bytes: int,
        workers: int,
    ) -> None:
        """Serve the store as a read-only SPARQL 1.1 endpoint (updates, LOAD, SERVICE refused)."""
        from stancegraph.cli import handle_errors
        from stancegraph.paths import default_store_path
        from stancegraph.server.endpoint import ServerConfig, make_server

        @handle_errors
        def run() -> None:
            if getattr(obj, "endpoint", None):
                raise click.UsageError("serve works on the embedded store, not on --endpoint")
            store = Path(getattr(obj, "store_path", None) or default_store_path())
            config = ServerConfig(
                store=store,
                host=host,
                port=port,
                timeout=timeout,
                max_results=max_results,
                max_request_bytes=max_request_bytes,
                workers=workers,
            )
            server = make_server(config)
            click.echo(
                f"stancegraph: read-only SPARQL endpoint at {server.url} (Ctrl-C stops)", err=True
            )
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            finally:
                server.server_close()

        run()
