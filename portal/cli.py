"""The `portal` command: check content, report on it, build the static site, serve the portal."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from contextlib import contextmanager

import click

from portal.config import StartupError, load_settings
from portal.content import ContentErrors, load_library


def _settings(**overrides) -> dict:
    try:
        return load_settings({k: v for k, v in overrides.items() if v is not None})
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None


def _print_errors(exc: ContentErrors, fmt: str) -> None:
    for error in [*exc.errors, *getattr(exc, "warnings", [])]:
        click.echo(error.github() if fmt == "github" else str(error), err=fmt != "github")
    if fmt != "github":
        click.echo(f"\n{len(exc.errors)} error(s). Fix them and run 'portal check' again.", err=True)


def _library(content_dir: str | None):
    """Settings and the loaded library, or the content errors and exit status 1."""
    settings = _settings(PORTAL_CONTENT_DIR=content_dir)
    try:
        library = load_library(settings["PORTAL_CONTENT_DIR"], settings["PORTAL_LANGUAGES"], settings["PORTAL_CACHE_DIR"])
    except ContentErrors as exc:
        _print_errors(exc, "text")
        sys.exit(1)
    return settings, library


@click.group()
def main() -> None:
    """Care Guide Portal: plain-language patient education and a community resource directory."""


@main.command()
@click.argument("content_dir", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "github"]), default="text",
              help="text: file:line: field: problem (fix). github: GitHub Actions annotations.")
@click.option("--changed-from", metavar="REF",
              help="A git branch or commit (the pull request's base): a duplicate is blamed on the file changed "
                   "since REF, not on the listing that was already there.")
def check(content_dir: str | None, fmt: str, changed_from: str | None) -> None:
    """Validate every content file in CONTENT_DIR (default ./content) and list every problem."""
    from portal.content.changes import ChangesUnknown, changed_files
    from portal.search.synonyms import read_synonyms

    settings = _settings(PORTAL_CONTENT_DIR=content_dir)
    root, languages = settings["PORTAL_CONTENT_DIR"], settings["PORTAL_LANGUAGES"]
    changed = None
    if changed_from is not None:
        try:
            changed = changed_files(root, changed_from)
        except ChangesUnknown as exc:
            raise click.BadParameter(str(exc), param_hint="--changed-from") from None
    try:
        library = load_library(root, languages, settings["PORTAL_CACHE_DIR"], changed=changed)
    except ContentErrors as exc:  # the synonyms file's own mistakes are listed too
        exc.errors = sorted(exc.errors + read_synonyms(root, languages)[1])
        _print_errors(exc, fmt)
        sys.exit(1)
    synonym_errors = read_synonyms(root, languages, library)[1]
    if synonym_errors:
        failure = ContentErrors(synonym_errors)
        failure.warnings = library.warnings
        _print_errors(failure, fmt)
        sys.exit(1)
    for warning in library.warnings:
        click.echo(warning.github() if fmt == "github" else str(warning))
    pages = sum(1 for _ in library.all_pages())
    click.echo(f"Content is valid: {pages} pages, {len(library.resources)} resources.")


@main.group()
def report() -> None:
    """Reports on the content."""


@report.command()
@click.argument("content_dir", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              help="text for the terminal, markdown for a pull-request comment.")
def readability(content_dir: str | None, fmt: str) -> None:
    """Reading grade, long sentences, unexplained terms and PEMAT items of every English page."""
    from portal.reports import readability_report

    library = _library(content_dir)[1]
    click.echo(readability_report(library, fmt))


@report.command()
@click.argument("content_dir", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              help="text for the terminal, markdown for a pull-request comment.")
def translations(content_dir: str | None, fmt: str) -> None:
    """Per language: pages missing, outdated (English changed since), machine-translated, reviewed."""
    from portal.reports import translations_report

    settings, library = _library(content_dir)
    click.echo(translations_report(library, settings["PORTAL_LANGUAGES"], fmt))


@report.command()
@click.argument("content_dir", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              help="text for the terminal, markdown for a pull-request comment.")
@click.option("--days", type=int, help="Flag listings older than this (default PORTAL_STALE_AFTER_DAYS, 180).")
@click.option("--fail", is_flag=True, help="Exit with status 1 when any listing is stale (for a scheduled CI job).")
def stale(content_dir: str | None, fmt: str, days: int | None, fail: bool) -> None:
    """Community listings not verified recently, oldest first: the ones to call and check."""
    import datetime as dt

    from portal.reports import stale_report

    settings, library = _library(content_dir)
    if days is not None and days < 1:
        raise click.BadParameter("write a whole number of days, 1 or more", param_hint="--days")
    text, count = stale_report(library, days or settings["PORTAL_STALE_AFTER_DAYS"], dt.date.today(), fmt)
    click.echo(text)
    if fail and count:
        sys.exit(1)


@report.command()
@click.argument("content_dir", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
              help="text for the terminal, markdown for a pull-request comment.")
@click.option("--fail", is_flag=True, help="Exit with status 1 when any page needs a review (for CI).")
def review(content_dir: str | None, fmt: str, fail: bool) -> None:
    """Pages no clinician reviewed, reviewed against an older text, or past their review-by date."""
    import datetime as dt

    from portal.reports import review_report

    library = _library(content_dir)[1]
    text, count = review_report(library, dt.date.today(), fmt)
    click.echo(text)
    if fail and count:
        sys.exit(1)


@main.group(name="export")
def export_group() -> None:
    """Export content in a standard format."""


@export_group.command(name="hsds")
@click.argument("output")
@click.option("--content", "content_dir", help="Content folder (default ./content).")
def export_hsds(output: str, content_dir: str | None) -> None:
    """Write the directory as HSDS 3.0.1 into OUTPUT: services.json, organizations.json and csv/."""
    from pathlib import Path

    from portal.hsds import export_directory

    library = _library(content_dir)[1]
    written = export_directory(library, Path(output))
    click.echo(f"Exported {len(library.resources)} services as HSDS 3.0.1: {len(written)} files in {output}")


@main.group(name="import")
def import_group() -> None:
    """Import content from a standard format."""


@import_group.command(name="hsds")
@click.argument("source")
@click.option("--content", "content_dir", help="Content folder whose resources/ receives the files (default ./content).")
@click.option("--dry-run", is_flag=True, help="Show what would be added, changed and gone; write nothing.")
@click.option("--overwrite", is_flag=True, help="Replace fields edited here since the last import with the feed's.")
def import_hsds(source: str, content_dir: str | None, dry_run: bool, overwrite: bool) -> None:
    """Turn an HSDS dataset (services JSON, organizations with their services, or a CSV package) into listings.

    Importing the same feed again updates the listings it made (matched by hsds_id) and keeps the fields
    edited here since, unless --overwrite. Fields that do not fit are reported and kept as comments.
    """
    from pathlib import Path

    from portal.content.library import read_taxonomy
    from portal.hsds import import_dataset

    settings = _settings(PORTAL_CONTENT_DIR=content_dir)
    root = Path(settings["PORTAL_CONTENT_DIR"])
    if not Path(source).exists():
        raise click.ClickException(f"{source} does not exist; give an HSDS services JSON file or CSV package folder")
    taxonomy, errors = read_taxonomy(root)
    if errors:
        _print_errors(ContentErrors(errors), "text")
        click.echo("The import needs the categories: fix content/taxonomy.yaml first.", err=True)
        sys.exit(1)
    report = import_dataset(Path(source), root / "resources", taxonomy, dry_run=dry_run, overwrite=overwrite)
    would = "would be " if dry_run else ""
    for path in report.added:
        click.echo(f"{would}added: {path}")
    for path, fields in report.changed:
        click.echo(f"{would}changed: {path} ({', '.join(fields)})")
    for path, fields in report.kept:
        click.echo(f"kept as edited here: {path} ({', '.join(fields)}; --overwrite takes the feed's)")
    for path, hsds_id in report.gone:
        click.echo(f"gone: {path} (service {hsds_id} is no longer an active service of the feed; "
                   "delete the file if the service has closed)")
    for line in report.skipped:
        click.echo(f"not imported: {line}", err=True)
    for line in report.unmapped:
        click.echo(f"kept as a comment: {line}", err=True)
    for line in report.invalid:
        click.echo(f"to fix: {line}", err=True)
    click.echo(f"{'Dry run, nothing written: ' if dry_run else ''}{len(report.added)} added, "
               f"{len(report.changed)} changed, {report.unchanged} unchanged, {len(report.gone)} gone; "
               f"{len(report.skipped)} records not imported, {len(report.unmapped)} fields kept as comments, "
               f"{len(report.invalid)} problems to fix (run 'portal check').", err=True)
    if report.skipped and not (report.added or report.changed or report.unchanged):
        sys.exit(1)


@main.command()
@click.option("--content", "content_dir", help="Content folder (default ./content).")
@click.option("--output", default="build", show_default=True, help="Where to write the site.")
@click.option("--base-url", help="Where the site will be published: /clinic-portal/ or https://host/path/.")
def build(content_dir: str | None, output: str, base_url: str | None) -> None:
    """Build the static site into OUTPUT; on any error the previous site stays as it was."""
    from portal.build import BuildError, build as run_build

    settings = _settings(PORTAL_CONTENT_DIR=content_dir, PORTAL_BASE_URL=base_url)
    click.echo(f"Building {settings['PORTAL_CONTENT_DIR']} into {output} (base URL {settings['PORTAL_BASE_URL']})",
               err=True)
    try:
        result = run_build(settings, output, progress=lambda line: click.echo(line, err=True))
    except ContentErrors as exc:
        _print_errors(exc, "text")
        click.echo(f"Build failed: the site in {output} was not changed.", err=True)
        sys.exit(1)
    except BuildError as exc:
        click.echo(exc.title, err=True)
        for problem in exc.problems:
            click.echo("  " + problem, err=True)
        click.echo(f"Build failed: the site in {output} was not changed.", err=True)
        sys.exit(1)
    click.echo(f"Built {result.pages} pages into {result.output} in {result.seconds:.1f} s "
               f"({result.rendered} rendered, {result.pages - result.rendered} unchanged).", err=True)


def serve_search_index(app, folder: str) -> bool:
    """Serve a built Pagefind index at /pagefind/ (the preview has no index of its own), and the build's index of
    the pages changed since (pagefind-delta/ beside it) at /pagefind-delta/; False if there is none."""
    from flask import jsonify, send_from_directory

    index = Path(folder).resolve()
    if not index.is_dir():
        return False
    delta = index.with_name("pagefind-delta")

    def delta_file(name: str):
        if name == "state.json" and not (delta / name).is_file():
            return jsonify(delta=False)  # an index built before there were deltas: the search asks all the same
        return send_from_directory(delta, name)

    app.add_url_rule("/pagefind/<path:name>", "pagefind", lambda name: send_from_directory(index, name))
    app.add_url_rule("/pagefind-delta/<path:name>", "pagefind_delta", delta_file)
    return True
def _prepare_database(app) -> None:
    """Migrate the database to the newest version and say how to add the first user if there is none."""
    from sqlalchemy import func, select

    from portal.db.migrate import upgrade as run_upgrade
    from portal.db.models import User

    engine = app.extensions["portal.db"].engine
    run_upgrade(engine)
    with app.extensions["portal.db"].session() as session:
        if not session.scalar(select(func.count(User.id))):
            click.echo("No console users yet. Add the first admin with:\n"
                       "  .venv/bin/portal users create you@clinic.example --role admin", err=True)


@main.command()
@click.option("--content", "content_dir", help="Content folder (default ./content).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--search-index", default="build/pagefind", show_default=True,
              help="The site search index of the last build, served at /pagefind/ (and pagefind-delta/ beside it "
                   "at /pagefind-delta/) so the search page works.")
def serve(content_dir: str | None, host: str, port: int, search_index: str) -> None:
    """Serve the portal locally; saved content shows on the next page load, code changes restart it."""
    from portal import create_app
    from portal.watch import watch_content

    # Plain http on this machine: a Secure cookie would not come back (unless the environment says so).
    settings = _settings(PORTAL_CONTENT_DIR=content_dir,
                         PORTAL_SECURE_COOKIES=os.environ.get("PORTAL_SECURE_COOKIES", "0"))
    try:
        app = create_app(settings)
    except ContentErrors as exc:
        _print_errors(exc, "text")
        sys.exit(1)
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    watch_content(app)
    if not serve_search_index(app, search_index):
        click.echo(f"No search index in {search_index}: run 'portal build' for the search page to work.", err=True)
    _prepare_database(app)
    click.echo(f"Care Guide Portal: open http://{host}:{port}/ in your browser (Ctrl+C to stop).", err=True)
    click.echo(f"Care manager console: http://{host}:{port}/console/   API: http://{host}:{port}/api/v1/", err=True)
    app.run(host=host, port=port, debug=False, use_reloader=True)


def _database():
    """The configured database (DATABASE_URL or SQLite in the instance folder)."""
    from flask import Flask

    from portal.db import Database, database_url

    settings = _settings()
    app = Flask("portal")
    app.config.update(settings)
    return Database(database_url(app))


@contextmanager
def _session():
    """A session that is committed on success, rolled back on a refused change (shown as the error)."""
    from portal.care.errors import CareError
    from portal.db import begin_write

    database = _database()
    session = database.session()
    try:
        begin_write(session)
        yield session
        session.commit()
    except CareError as exc:
        session.rollback()
        raise click.ClickException(exc.detail) from None
    finally:
        session.close()
        database.dispose()


@main.group()
def db() -> None:
    """The care manager database."""


@db.command()
def upgrade() -> None:
    """Create or migrate the database to the newest version (safe to run again)."""
    from portal.db.migrate import current, upgrade as run_upgrade

    database = _database()
    run_upgrade(database.engine)
    click.echo(f"Database {database.engine.url.render_as_string(hide_password=True)} is at version "
               f"{current(database.engine)}.")
    database.dispose()


@db.command("runtime-grants")
@click.argument("role")
def runtime_grants(role: str) -> None:
    """Print the SQL that lets a PostgreSQL ROLE run the portal with no more rights than it needs.

    Run the printed statements as the owner of the tables (the role that runs 'portal db upgrade'),
    after every upgrade; then point the web workers' DATABASE_URL at ROLE. ROLE can only read and add
    education records, amendments and audit events, never change or remove them.
    """
    from portal.db.roles import runtime_grants as grants

    try:
        statements = grants(role)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(";\n".join(statements) + ";")


@main.group()
def users() -> None:
    """Care manager and admin accounts."""


@users.command("create")
@click.argument("email")
@click.option("--name", default="", help="Name shown in the console (default: the email).")
@click.option("--role", type=click.Choice(["care_manager", "admin"]), default="care_manager", show_default=True,
              help="admin can also read the audit log, manage users and teams and see every patient.")
@click.password_option(help="At least 15 characters, not a common one; asked for when not given.")
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Add a user who signs in to the console (and can get API tokens)."""
    from portal.care.users import add_user

    with _session() as session:
        user = add_user(session, email, name, role, password, None, "cli")
    click.echo(f"Created {user.role} {user.email}. Sign in at /console/ or make an API token with "
               f"'portal tokens create {user.email}'.")


@users.command("list")
def list_users() -> None:
    """Show every user: email, role, active or disabled, name."""
    from portal.care.users import list_users as everyone

    with _session() as session:
        people = everyone(session)
        for user in people:
            flags = ("active" if user.active else "disabled") + (", must change password" if user.must_change_password
                                                                 else "") + (
                ", billing practitioner" if user.billing_practitioner else "")
            click.echo(f"{user.email}\t{user.role}\t{flags}\t{user.name}")
    if not people:
        click.echo("No users yet. Add one with 'portal users create EMAIL --role admin'.", err=True)


def _set_active(email: str, active: bool) -> None:
    from portal.care.users import set_active

    with _session() as session:
        set_active(session, email, active, None, "cli")
    click.echo(f"Enabled {email.strip().lower()}." if active else
               f"Disabled {email.strip().lower()}: signed out everywhere, API tokens refused.")


@users.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Disable a user: their console sessions end and their API tokens stop working at once."""
    _set_active(email, False)


@users.command("enable")
@click.argument("email")
def enable_user(email: str) -> None:
    """Enable a disabled user again."""
    _set_active(email, True)


@users.command("set-password")
@click.argument("email")
@click.password_option(help="At least 15 characters, not a common one; asked for when not given.")
@click.option("--temporary", is_flag=True, help="The user must choose a new password at their next sign-in.")
def set_user_password(email: str, password: str, temporary: bool) -> None:
    """Set a user's password; every console session of theirs ends."""
    from portal.care.users import set_password

    with _session() as session:
        set_password(session, email, password, None, "cli", must_change=temporary)
    click.echo(f"Password set for {email.strip().lower()}; their console sessions have ended.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["care_manager", "admin"]))
def set_user_role(email: str, role: str) -> None:
    """Give a user another role (care_manager or admin); their console sessions end."""
    from portal.care.users import set_role

    with _session() as session:
        set_role(session, email, role, None, "cli")
    click.echo(f"{email.strip().lower()} is now {role}; their console sessions have ended.")


@users.command("set-practitioner")
@click.argument("email")
@click.argument("answer", type=click.Choice(["yes", "no"]))
def set_user_practitioner(email: str, answer: str) -> None:
    """Say whether a user is a billing practitioner (yes) or not (no): only a billing practitioner may
    record minutes as the practitioner's own, which count toward 99491/99437 and 99424/99425."""
    from portal.care.users import set_billing_practitioner

    with _session() as session:
        set_billing_practitioner(session, email, answer == "yes", None, "cli")
    click.echo(f"{email.strip().lower()} is {'now' if answer == 'yes' else 'no longer'} a billing practitioner.")


@main.group()
def tokens() -> None:
    """API tokens (stored hashed; shown once)."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for, to tell tokens apart.")
@click.option("--days", type=click.IntRange(1), help="Days until the token expires (default: never).")
def create_token(email: str, name: str, days: int | None) -> None:
    """Make an API token for a user and print it once."""
    from portal.care.users import create_token as add_token

    with _session() as session:
        row, token = add_token(session, email, name, days)
    click.echo(f"Token {row.id} for {email} (keep it secret; it is not shown again):", err=True)
    click.echo(token)


@tokens.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Delete the token with this id (printed when it was made)."""
    from portal.care.users import revoke_token as remove

    with _session() as session:
        removed = remove(session, token_id)
    if not removed:
        raise click.ClickException(f"there is no token {token_id}")
    click.echo(f"Token {token_id} revoked.")


@main.group()
def teams() -> None:
    """Care teams: a care manager sees only the patients of their teams (admins see every patient)."""


@teams.command("list")
def list_teams() -> None:
    """Every team with its members and its number of patients."""
    from portal.care.team_admin import overview

    with _session() as session:
        rows = overview(session)
    for row in rows:
        click.echo(f"{row['slug']}  {row['name']}  ({len(row['members'])} members, {row['patients']} patients)")
        for email in row["members"]:
            click.echo(f"  {email}")


@teams.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The team's name, shown in the console.")
def create_team(slug: str, name: str) -> None:
    """Make a team; SLUG is lower-case letters, digits and hyphens (north-clinic)."""
    _change_team("create", slug, name)
    click.echo(f"Created team {slug}. Add members with 'portal teams add-member {slug} EMAIL'.")


def _change_team(action: str, *args, **options) -> None:
    """Run portal.care.team_admin.`action` as the command line (audited with channel 'cli')."""
    from portal.care import team_admin

    with _session() as session:
        getattr(team_admin, action)(session, *args, None, "cli", **options)


def _team_command(name: str, target: str, done: str, doc: str) -> None:
    """Add `portal teams NAME SLUG TARGET`, which runs team_admin.<name with underscores> and says `done`."""
    @teams.command(name, help=doc)
    @click.argument("slug")
    @click.argument("target", metavar=target)
    def command(slug: str, target: str) -> None:
        _change_team(name.replace("-", "_"), slug, target)
        click.echo(done.format(slug=slug, target=target))


_team_command("add-member", "EMAIL", "{target} is now a member of {slug}.",
              "Let the user with EMAIL see and write the patients of team SLUG.")
_team_command("remove-member", "EMAIL", "{target} is no longer a member of {slug}.",
              "Take the user with EMAIL out of team SLUG.")
_team_command("remove-patient", "PATIENT_ID", "{target} is no longer in {slug}.",
              "Take the patient PATIENT_ID (pt_...) out of team SLUG; a patient keeps at least one team.")


@teams.command("add-patient")
@click.argument("slug")
@click.argument("patient_id")
@click.option("--move", is_flag=True, help="Take the patient out of every other team.")
def add_patient(slug: str, patient_id: str, move: bool) -> None:
    """Put the patient PATIENT_ID (the opaque pt_... id, never the clinic's reference) in team SLUG."""
    _change_team("add_patient", slug, patient_id, move=move)
    click.echo(f"{patient_id} is now {'only ' if move else ''}in {slug}.")
