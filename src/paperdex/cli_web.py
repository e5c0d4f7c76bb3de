"""`paperdex serve`: open the library in a browser (the web UI in paperdex.web)."""

from __future__ import annotations

import click

from paperdex import settings
from paperdex.cli import Context, err, pass_ctx
from paperdex.errors import UsageError
from paperdex.hosts import is_loopback


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs --token.")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--token", help="Access token every request must carry (default: $PAPERDEX_TOKEN). "
              "A team library (one with accounts) needs none: members log in or send their own token.")
@click.option("--proxy-https", is_flag=True,
              help="Served behind a TLS proxy: mark the session cookie Secure (docs/team.md).")
@click.option("--open/--no-open", "open_browser", default=False, help="Open the library in the default browser.")
@click.option("--watch", "watch_notes", is_flag=True,
              help="Keep the library in sync with the folders added before while serving (see `paperdex watch`).")
@pass_ctx
def serve(ctx: Context, host: str, port: int, token: str | None, proxy_https: bool, open_browser: bool,
          watch_notes: bool) -> None:
    """Browse, read and search the library in a web browser.

    \b
    Examples:
      paperdex serve                               http://127.0.0.1:8765/ (only this machine)
      paperdex serve --host 0.0.0.0 --token S3cret  share on the network; open http://HOST:8765/?token=S3cret
      paperdex serve --watch                       and pick up edits to the note folders as they happen
    """
    import uvicorn
    from rich.markup import escape as rich_escape

    from paperdex.library.accounts import has_accounts
    from paperdex.library.db import is_postgres_url, location_of
    from paperdex.web.app import LOOPBACK_HOSTS, create_app

    team = has_accounts(ctx.lib)
    if not team and is_postgres_url(ctx.db_path):
        raise UsageError("a library served from PostgreSQL is a team library and needs a first account: "
                         "run `paperdex user add NAME --role admin`")
    token = None if team else token or settings.get("token")
    loopback = is_loopback(host)
    if not loopback and not token and not team:
        raise UsageError(f"--host {host} makes the library reachable from other machines: give --token "
                         "(or set PAPERDEX_TOKEN), then open the printed link once")
    app = create_app(ctx.db_path, token=token, allowed_hosts=LOOPBACK_HOSTS if loopback and not token else None,
                     secure_cookies=proxy_https)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"paperdex: serving {rich_escape(location_of(ctx.db_path))} at [bold]{url}[/bold] (Ctrl+C stops)"
              + (" - a team library: members log in or send their token" if team else ""))
    if watch_notes:
        from rich.markup import escape

        from paperdex.watch import start_background

        start_background(ctx.db_path, report=lambda line: err.print(f"watch: {escape(line)}", soft_wrap=True,
                                                                    highlight=False))
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    uvicorn.run(app, host=host, port=port, log_level="warning")


COMMANDS = [serve]
