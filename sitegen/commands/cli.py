"""Command line: `sitegen build | serve | new | check | init | theme | import | docs`.

Exit status: 0 success, 1 content/template/settings errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import SitegenError, UsageError, path_for_messages

if TYPE_CHECKING:
    from ..preview.serve import Rebuild


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except UsageError as exc:
        print("\n".join(exc.report_lines()), file=sys.stderr)
        return 2
    except SitegenError as exc:
        if args.debug:
            traceback.print_exc()
        print("\n".join(exc.report_lines()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug of sitegen's: one line, not a traceback
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {short(str(exc))}; please report it "
              f"(run with --debug for the traceback). The last good output is untouched.", file=sys.stderr)
        return 1


def run() -> None:
    """The `sitegen` command and `python -m sitegen`: `main`, then out at once.
    Python's own exit frees the site model object by object (80 ms at 4,000
    posts) only for the memory to go back to the system anyway; every file
    is closed by then, so flushing the standard streams is all that is left
    to do."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`sitegen build | head`): nothing more to say
            pass
    os._exit(code)


def short(text: str, limit: int = 200) -> str:
    """A message for one line: no newlines, no screenfuls."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="the site folder (default: the current one)")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks (for bug reports)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # In the order `sitegen --help` lists them.
    for add in (add_build_command, add_serve_command, add_check_command, add_starter_commands,
                add_import_command, add_docs_command):
        add(commands)
    return parser


def add_build_command(commands: argparse._SubParsersAction) -> None:
    build = commands.add_parser("build", help="build the site into the output folder")
    add_build_options(build)
    build.add_argument("--strict", action="store_true", help="fail when there are warnings")
    build.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    build.add_argument("--check", action="store_true", help="audit the output afterwards (as sitegen check)")
    build.add_argument("--no-cache", action="store_true",
                       help="ignore .sitegen-cache/ and render everything (a clean build)")
    build.set_defaults(run=run_build)


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve", help="preview: build, serve on 127.0.0.1, rebuild on change and reload the browser",
        description="Builds the site (drafts included: it is a preview) into .sitegen-cache/preview/, serves it "
                    "on 127.0.0.1, watches site.yml, content/ and the theme, rebuilds only what changed and "
                    "reloads the open browser tabs. Build errors show in the terminal and over the page.")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--no-drafts", dest="drafts", action="store_false",
                       help="hide drafts (the preview shows them by default)")
    serve.add_argument("--drafts", dest="drafts", action="store_true", default=True, help=argparse.SUPPRESS)
    serve.add_argument("--future", action="store_true", help="include posts dated in the future")
    serve.add_argument("--poll", action="store_true",
                       help="poll for changes instead of file events (network mounts, some containers)")
    serve.set_defaults(run=run_serve)


def add_check_command(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="audit the built site: links, hreflang, feeds, heads, JSON-LD")
    check.add_argument("--output", help="the built site to audit (default: the output folder of site.yml)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--base-url", help="the address the site was built for (also SITEGEN_BASE_URL)")
    check.add_argument("--external", action="store_true",
                       help="also check links to other sites with lychee (pip install 'sitegen-bilingual[links]'); "
                            "broken ones are warnings")
    check.add_argument("--timeout", type=float, default=20.0,
                       help="with --external: seconds to wait for each site's answer (default: 20)")
    check.set_defaults(run=run_check)


def add_starter_commands(commands: argparse._SubParsersAction) -> None:
    """`init`, `theme copy` and `new`: files written for the user to edit."""
    init = commands.add_parser("init", help="start a new site in DIR, with CI workflows for static hosts")
    init.add_argument("dir", type=Path)
    init.add_argument("--languages", default="en,fr", help="language codes, the default first (default: en,fr)")
    init.add_argument("--name", default="Jane Doe", help="your name, as people search for it")
    init.add_argument("--force", action="store_true",
                      help="use a non-empty DIR (adds the missing starter files, keeps existing ones)")
    init.add_argument("--install", metavar="SPEC",
                      help="what the CI files pip install (default: sitegen as installed here, e.g. "
                           "'sitegen-bilingual[fast]==VERSION' or 'sitegen-bilingual[fast] @ git+URL@COMMIT')")
    init.set_defaults(run=run_init)

    theme = commands.add_parser("theme", help="theme tools")
    theme_commands = theme.add_subparsers(dest="theme_command", metavar="ACTION", required=True)
    copy = theme_commands.add_parser("copy", help="copy the shipped default theme into themes/NAME to customise it")
    copy.add_argument("name", nargs="?", default="default", help="theme folder name (default: default)")
    copy.add_argument("--force", action="store_true", help="replace themes/NAME if it exists")
    copy.set_defaults(run=run_theme_copy)

    new = commands.add_parser("new", help="write a skeleton: post, talk, workshop or expertise")
    new.add_argument("kind", choices=["post", "talk", "workshop", "expertise"])
    new.add_argument("title")
    new.add_argument("--lang", help="language of a post (default: the site's first language)")
    new.set_defaults(run=run_new)


def add_docs_command(commands: argparse._SubParsersAction) -> None:
    docs = commands.add_parser("docs", help="print a reference shipped with sitegen: templates (the theme "
                                            "contract) or import")
    docs.add_argument("topic", choices=sorted(DOCS))
    docs.set_defaults(run=run_docs)

DOCS = {"templates": "templates.md", "import": "import.md"}
"""Topic → file, in the package's docs/ (a wheel) or the repository's (a checkout)."""


def run_docs(args: argparse.Namespace) -> int:
    package = Path(__file__).parents[1]
    for folder in (package / "docs", package.parent / "docs"):
        if (folder / DOCS[args.topic]).is_file():
            print((folder / DOCS[args.topic]).read_text(encoding="utf-8"), end="")
            return 0
    raise SitegenError(f"the {args.topic} reference is missing from this installation; reinstall sitegen")


def add_import_command(commands: argparse._SubParsersAction) -> None:
    imp = commands.add_parser(
        "import", help="bring a WordPress (WXR) or Blogger export into the site",
        description="Reads a WordPress (WXR 1.0-1.2) or Blogger export and writes its posts, pages, "
                    "translations, comments and media into the site; old URLs become aliases. "
                    "Never overwrites a file: importing twice changes nothing.")
    imp.add_argument("export", type=Path, help="the export file (.xml)")
    imp.add_argument("--into", type=Path, help="the site to import into (default: --root, the current folder)")
    imp.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    imp.add_argument("--no-media", dest="media", action="store_false", help="do not download media; keep links remote")
    imp.add_argument("--no-comments", dest="comments", action="store_false", help="leave the comments out")
    imp.add_argument("--media-timeout", type=float, default=10.0, help="seconds per download (default: 10)")
    imp.add_argument("--media-max-mb", type=int, default=20, help="largest download in MB (default: 20)")
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from ..importer.run import ImportOptions, run_import as do_import

    options = ImportOptions(args.export, args.into or args.root, args.dry_run, args.media, args.comments,
                            args.media_timeout, args.media_max_mb)
    report = do_import(options, path_for_messages(args.export, Path.cwd()))
    print("\n".join(report.lines()))
    return 0


def add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include posts dated in the future")
    parser.add_argument("--base-url", help="override base_url from site.yml (also SITEGEN_BASE_URL)")
    parser.add_argument("--output", help="output folder (default: 'output' in site.yml, else public)")


def run_build(args: argparse.Namespace) -> int:
    from ..cache.uptodate import unchanged_build

    options = dict(drafts=args.drafts, future=args.future, base_url=args.base_url, output=args.output,
                   strict=args.strict)
    # Checked before the builder is even imported: with nothing to do, a build
    # costs about as much as starting Python.
    result = None if args.no_cache else unchanged_build(args.root, **options)
    if result is None:
        from ..build.builder import build

        bar = ProgressBar() if sys.stderr.isatty() and not args.quiet else None
        try:
            result = build(args.root, **options, cache=not args.no_cache, progress=bar.update if bar else None)
        finally:
            if bar:
                bar.clear()
    for note in result.notes:
        print(f"warning: {note}", file=sys.stderr)
    if not args.quiet:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        reused = result.pages - result.rendered
        print(f"built {result.pages} pages ({result.files} files) in {result.seconds:.1f} s "
              f"into {path_for_messages(result.output, Path.cwd())}"
              + (f"; {reused} unchanged pages reused" if reused else ""))
    if args.check:
        return audit_and_report(args.root, result.output, "text", args.strict, args.base_url)
    return 0


class ProgressBar:
    """A one-line bar on a terminal for long builds; logs stay plain lines
    when the output is a file or a CI log."""

    DELAY = 1.0
    """Short builds show no bar at all (SITEGEN_PROGRESS_DELAY, in seconds, overrides it)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.delay = progress_delay(self.DELAY)
        self.shown = False
        self.last = 0.0

    def update(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.started < self.delay or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{stage} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def progress_delay(default: float) -> float:
    # An unusable value falls back to the default: a progress bar is not
    # worth stopping a build for.
    try:
        value = float(os.environ.get("SITEGEN_PROGRESS_DELAY", default))
    except ValueError:
        return default
    return value if value >= 0 else default


def run_serve(args: argparse.Namespace) -> int:
    from ..build.builder import Builder
    from ..preview.serve import serve

    if not (args.root / "site.yml").is_file():
        raise UsageError(f"no site.yml in {args.root.resolve()}; run sitegen serve in a site folder "
                         f"(or start one with sitegen init)")

    def build_for(base_url: str, output: Path) -> Rebuild:
        # One Builder for the whole preview: it keeps what it read and
        # rendered, so each rebuild renders only what changed.
        builder = Builder(args.root, drafts=args.drafts, future=args.future, base_url=base_url, output=str(output),
                          follow_changes=True)
        return lambda changed, pages_written: builder.build(changed=changed, pages_written=pages_written)

    serve(args.root, build_for=build_for, host=args.host, port=args.port, drafts=args.drafts, poll=args.poll)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..settings.config import load_settings

    settings = load_settings(args.root, output=args.output, base_url=args.base_url)
    if not (settings.output / "index.html").is_file():
        where = path_for_messages(settings.output, Path.cwd())
        raise UsageError(f"no built site in {where}; run sitegen build first")
    if args.external:
        from .check_external import find_lychee

        find_lychee()  # before the audit: a missing checker is told at once
        if args.timeout <= 0:
            raise UsageError(f"--timeout {args.timeout:g}: give the seconds to wait, e.g. --timeout 20")
    return audit_and_report(args.root, settings.output, args.format, args.strict, args.base_url,
                            external=args.timeout if args.external else None)


def audit_and_report(root: Path, output: Path, fmt: str, strict: bool, base_url: str | None,
                     external: float | None = None) -> int:
    """`external`: also check outgoing links, waiting that many seconds for each."""
    from .check import audit
    from ..settings.config import load_settings

    settings = load_settings(root, base_url=base_url)
    report = audit(output, settings.base_url, settings.codes)
    if external is not None:
        from .check_external import check_external

        check_external(root, report, report.outgoing, external)
    print(report.as_json() if fmt == "json" else report.as_text())
    return 1 if report.failed(strict) else 0


def run_init(args: argparse.Namespace) -> int:
    from .starter import init_site

    written, install = init_site(args.dir, args.languages, args.name, args.force, args.install)
    where = path_for_messages(args.dir, Path.cwd())
    print(f"wrote {len(written)} files into {where}; next: cd {where} && sitegen build")
    print(f"the CI files install {install.requirement}" + (f" ({install.notes[0]})" if install.notes else ""))
    return 0


def run_theme_copy(args: argparse.Namespace) -> int:
    from .starter import copy_theme

    target = copy_theme(args.root, args.name, args.force)
    print(f"copied the default theme into {path_for_messages(target, Path.cwd())}"
          + ("" if args.name == "default" else f"; set 'theme: {args.name}' in site.yml to use it"))
    return 0


def run_new(args: argparse.Namespace) -> int:
    from ..settings.config import load_settings
    from .scaffold import new_content

    settings = load_settings(args.root)
    path = new_content(settings, args.kind, args.title, args.lang)
    print(f"wrote {path_for_messages(path, Path.cwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
