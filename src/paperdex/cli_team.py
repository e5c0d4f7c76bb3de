"""`paperdex user …`, `paperdex push`, `paperdex pull`: accounts on a team library and syncing with it."""

from __future__ import annotations

import json
import os
import sys

import click
from rich.markup import escape
from rich.table import Table

from paperdex.cli import Context, _progress, err, out, pass_ctx
from paperdex.errors import UsageError
from paperdex.library import accounts


def _read_password(from_stdin: bool, *, required: bool) -> str | None:
    """From one line of stdin (scripts), else a hidden prompt on a terminal; never from the command line."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("--password-stdin read an empty line")
        return line
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if required:
        raise UsageError("give the password on stdin with --password-stdin (or run on a terminal)")
    return None


@click.group()
def user() -> None:
    """Accounts of a team library (a library with accounts asks every visitor to log in).

    \b
    Examples:
      paperdex user add alice --role admin     the first admin; prints alice's API token once
      paperdex user list                       who has an account, with which role
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), default="editor", show_default=True,
              help="admin: users and review; editor: add notes, edit their own; reader: read only.")
@click.option("--password-stdin", is_flag=True, help="Read a password for web login from stdin (one line).")
@click.option("--no-password", is_flag=True, help="Token only: no web login (e.g. for a script that pushes).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_add(ctx: Context, name: str, role: str, password_stdin: bool, no_password: bool, as_json: bool) -> None:
    """Make an account and print its API token (shown this once; only its hash is kept).

    \b
    Examples:
      paperdex user add alice --role admin              the first account must be an admin
      paperdex user add ci-bot --role editor --no-password   a token for a script that pushes
      cat password.txt | paperdex user add carol --role reader --password-stdin
    """
    password = None if no_password else _read_password(password_stdin, required=False)
    first = not accounts.has_accounts(ctx.lib)
    if first and role != "admin":
        raise UsageError("the first account of a library must be an admin: --role admin")
    account, token = accounts.add_account(ctx.lib, name, role, password)
    if as_json:
        out.print_json(json.dumps({"name": account.name, "role": account.role, "token": token}))
        return
    err.print(f"added {escape(name)} ({role}){'' if password else ', no password: token only'}"
              + (" - this library is now a team library: `paperdex serve` asks for a login" if first else ""))
    err.print("API token (shown once, keep it secret):")
    click.echo(token)


@user.command("token")
@click.argument("name")
@click.option("--revoke-others", is_flag=True, help="The account's other tokens stop working.")
@pass_ctx
def user_token(ctx: Context, name: str, revoke_others: bool) -> None:
    """Issue a new API token for an account (printed once).

    \b
    Examples:
      paperdex user token bob                   another token; bob's old ones keep working
      paperdex user token bob --revoke-others   a lost laptop: only the new token works
    """
    token = accounts.issue_token(ctx.lib, name, revoke_others=revoke_others)
    err.print(f"new token for {escape(name)}" + (" (its other tokens are revoked)" if revoke_others else ""))
    click.echo(token)


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin (one line).")
@pass_ctx
def user_passwd(ctx: Context, name: str, password_stdin: bool) -> None:
    """Set an account's web password (its open sessions end).

    \b
    Examples:
      cat password.txt | paperdex user passwd bob --password-stdin
    """
    accounts.set_password(ctx.lib, name, _read_password(password_stdin, required=True) or "")
    err.print(f"password of {escape(name)} changed; its sessions are logged out")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@pass_ctx
def user_role(ctx: Context, name: str, role: str) -> None:
    """Change an account's role.

    \b
    Examples:
      paperdex user role bob reader     bob may read, no longer add notes
    """
    accounts.set_role(ctx.lib, name, role)
    err.print(f"{escape(name)} is now {role}")


@user.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Removed accounts too.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_list(ctx: Context, include_removed: bool, as_json: bool) -> None:
    """The accounts, their roles, and how many tokens and notes each has.

    \b
    Examples:
      paperdex user list
      paperdex user list --all --json   removed accounts too, for scripts
    """
    rows = accounts.list_accounts(ctx.lib, include_removed=include_removed)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        err.print("no accounts: this is a personal library (`paperdex user add NAME --role admin` starts a team)")
        return
    table = Table("name", "role", "password", "tokens", "notes", "created", "removed")
    for r in rows:
        table.add_row(escape(r["name"]), r["role"], "yes" if r["password"] else "no", str(r["tokens"]),
                      str(r["notes"]), r["created_at"][:10], (r["removed_at"] or "")[:10])
    out.print(table)


@user.command("remove")
@click.argument("name")
@pass_ctx
def user_remove(ctx: Context, name: str) -> None:
    """Remove an account: its tokens and sessions stop working; its notes stay, attributed to it.

    \b
    Examples:
      paperdex user remove bob
    """
    accounts.remove_account(ctx.lib, name)
    err.print(f"removed {escape(name)}; its notes are kept")


def _token(token: str | None) -> str | None:
    return token or os.environ.get("PAPERDEX_TOKEN") or None


def _local(ctx: Context, db: str | None):
    if db:
        from paperdex.library.db import Library

        return Library(db)
    return ctx.lib


@click.command()
@click.argument("url")
@click.option("--token", help="Your API token on the server (default: $PAPERDEX_TOKEN).")
@click.option("--delete", is_flag=True, help="Also remove from the server the notes you deleted here.")
@click.option("--db", "db", metavar="LOCAL", help="The personal library to push (default: the usual one).")
@click.option("--allow-http", is_flag=True, help="Allow plain http to another machine (the token goes in clear).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def push(ctx: Context, url: str, token: str | None, delete: bool, db: str | None, allow_http: bool,
         as_json: bool) -> None:
    """Send your library's notes, tags, statuses and review decisions to a team server.

    Batched and idempotent: pushing twice sends nothing the second time, an edited note updates its copy,
    and an interrupted push resumes. Notes you deleted here stay on the server unless --delete.

    \b
    Examples:
      paperdex push https://lab.example/                 the token from $PAPERDEX_TOKEN (or --token)
      paperdex push https://lab.example/ --delete        also remove the notes deleted here
    """
    from paperdex.team import client as team

    base = team.check_url(url, allow_http=allow_http)
    lib = _local(ctx, db)
    with team.make_client(base, _token(token)) as http, _progress() as bar:
        task = bar.add_task("push", total=None)
        summary = team.push(lib, http, delete=delete,
                            progress=lambda done, total: bar.update(task, completed=done, total=total))
    if as_json:
        out.print_json(json.dumps(summary.__dict__))
    else:
        err.print(summary.line())


@click.command()
@click.argument("url")
@click.option("--token", help="Your API token on the server (default: $PAPERDEX_TOKEN).")
@click.option("--db", "db", metavar="LOCAL.sqlite", help="Where to keep the team library (default: the usual one).")
@click.option("--allow-http", is_flag=True, help="Allow plain http to another machine (the token goes in clear).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def pull(ctx: Context, url: str, token: str | None, db: str | None, allow_http: bool, as_json: bool) -> None:
    """Copy the team library (every member's notes, tags, decisions) into a local file for offline search.

    \b
    Examples:
      paperdex pull https://lab.example/ --db lab.sqlite   then: paperdex --db lab.sqlite search "world models"
    """
    from paperdex.team import client as team

    base = team.check_url(url, allow_http=allow_http)
    lib = _local(ctx, db)
    with team.make_client(base, _token(token)) as http, _progress() as bar:
        task = bar.add_task("pull", total=None)
        summary = team.pull(lib, http, progress=lambda done, total: bar.update(task, completed=done, total=total))
    if as_json:
        out.print_json(json.dumps(summary.__dict__))
    else:
        err.print(summary.line())


COMMANDS = [user, push, pull]
