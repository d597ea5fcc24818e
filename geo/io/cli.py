"""Command line for the local event store.

    python -m geo.io.cli import FILE [--format acled|ucdp|app] [--dataset NAME]
                                       [--version V] [--accessed YYYY-MM-DD]
                                       [--encoding cp1252] [--date-order dmy|mdy]
                                       [--yes]
    python -m geo.io.cli list
    python -m geo.io.cli remove NAME
    python -m geo.io.cli check
    python -m geo.io.cli repair
    python -m geo.io.cli update-acled [--dataset NAME] [--country NAME | --iso N]...
                                        [--since YYYY-MM-DD]
    python -m geo.io.cli update-ucdp --version V [--dataset NAME] [--country GW]...

The store lives in ``$SAHEL_ATLAS_DATA_DIR`` (else the user data directory:
:func:`geo.io.store.data_dir`).
``import`` prints the validation report and asks before storing anything (``--yes`` to
skip the question). ``--date-order`` says how to read dates written with numbers only
(``25/11/2019``: ``dmy``; ``11/25/2019``: ``mdy``) when the file's dates leave it open.
``check`` reads the whole store file and says what state it is in;
``repair`` rebuilds a damaged store from the read cache when the cache is intact and not
older, else moves the damaged file aside (renamed with a timestamp, never deleted) and
starts a new store. Exit codes: 0 done, 1 nothing stored (bad file / declined), 2 usage,
3 the store is damaged, locked, read-only or its disk is full (the message says which,
names the file and what to do).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from geo.i18n.catalogue import LANGUAGES, normalise_language, translate
from geo.io import importers, remote_cli
from geo.io.store import RepairResult, Store, StoreError, StoreHealth, open_store

STORE_FAILED = 3


def _progress(fraction: float, stage: str) -> None:
    print(f"progress {fraction * 100:5.1f}% {stage}", flush=True)


LANG_ENV = "SAHEL_ATLAS_LANG"


def user_language(environ: dict[str, str] | None = None) -> str:
    """The language of the command line's messages: ``SAHEL_ATLAS_LANG``, else the locale
    (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``fr_FR.UTF-8`` gives French), else English."""
    env = os.environ if environ is None else environ
    for name in (LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return normalise_language(value.split(".")[0].split("_")[0])
    return "en"


def report(plan: importers.ImportPlan, max_problems: int = 30, lang: str = "en") -> str:
    """The validation report of an import, in ``lang``."""

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    lines = [
        t("cli_file", name=plan.file_name),
        t("cli_format", format=plan.format, label=importers.FORMAT_LABELS[plan.format]),
        t("cli_dataset", name=plan.dataset, version=plan.version, accessed=plan.accessed),
        *([t("cli_sheet", sheet=plan.sheet)] if plan.sheet else []),
        *(
            [
                t(
                    "cli_dates",
                    order=translate(f"date_order_{plan.date_order}", lang),
                    how=t(f"cli_dates_{plan.date_order_source}"),
                )
            ]
            if plan.date_order
            else []
        ),
        *([t("cli_decimal_comma")] if plan.decimal_comma else []),
        t("cli_rows_read", count=plan.total_rows),
        t(
            "cli_accepted",
            count=plan.accepted,
            new=plan.count("new"),
            updates=plan.count("update"),
            unchanged=plan.count("unchanged"),
            stale=plan.count("stale"),
        ),
        t("cli_rejected", count=len(plan.rejected)),
    ]
    for name, n in plan.elsewhere.items():
        lines.append(t("cli_elsewhere", other=name, count=n, name=plan.dataset))
    if plan.skipped:
        lines.append(
            t(
                "cli_skipped",
                count=plan.skipped_rows,
                types=", ".join(f"{label} {n}" for label, n in plan.skipped.items()),
            )
        )
    for p in plan.problems[:max_problems]:
        key = "cli_problem" if p.column else "cli_problem_row"
        lines.append(t(key, row=p.row, column=p.column, reason=p.text(lang)))
    if len(plan.problems) > max_problems:
        lines.append(t("cli_more_problems", count=len(plan.problems) - max_problems))
    lines.append(t("cli_attribution", text=plan.attribution(lang)))
    return "\n".join(lines)


def events(count: int, lang: str = "en") -> str:
    """``1 event``, ``1,253 events`` (``1 253 événements``)."""
    return translate("cli_events", lang, count=count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.io.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="validate a file and store its events")
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=importers.FORMATS)
    imp.add_argument("--dataset")
    imp.add_argument("--version", help="dataset version (default: from the file name / today)")
    imp.add_argument("--accessed", help="access date of the data (default: today)")
    imp.add_argument("--encoding", default="utf-8")
    imp.add_argument(
        "--date-order",
        choices=importers.DATE_ORDERS,
        help="order of dates written with numbers only (25/11/2019: dmy, "
        "11/25/2019: mdy); default: decided by the file's dates",
    )
    imp.add_argument("--rejected", type=Path, help="write the rejected rows to this CSV")
    imp.add_argument("--yes", action="store_true", help="store without asking")
    imp.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=f"language of the report (default: ${LANG_ENV}, else the locale)",
    )
    sub.add_parser("list", help="list the stored datasets")
    rem = sub.add_parser("remove", help="remove a dataset and its events")
    rem.add_argument("name")
    sub.add_parser("check", help="check the whole store file and say what state it is in")
    sub.add_parser("repair", help="repair a damaged store (nothing is deleted)")
    remote_cli.add_parsers(sub)  # update-acled, update-ucdp (see geo.io.remote_cli)
    args = parser.parse_args(argv)
    store = open_store()
    try:
        if args.command == "check":
            return _check(store)
        if args.command == "repair":
            return _repair(store)
        if args.command.startswith("update-"):  # takes the import lock itself
            return remote_cli.run(args, store)
        # One import or removal at a time: a plan is checked against the state it is
        # stored into (another one would change it in between).
        with store.import_lock(
            on_wait=lambda: print(
                f"another import or removal is running on {store.path}; waiting for it "
                "to finish...",
                file=sys.stderr,
                flush=True,
            )
        ):
            return _run(args, store)
    except StoreError as err:
        _store_failed(err.health)
        return STORE_FAILED


def _store_failed(state: StoreHealth) -> None:
    print(f"error: {state.message}", file=sys.stderr)
    if state.repairable:
        print(
            "nothing was changed; to repair it (the damaged file is kept): "
            "python -m geo.io.cli repair",
            file=sys.stderr,
        )
    elif state.kind != "ok":
        print("nothing was changed", file=sys.stderr)


def _check(store: Store) -> int:
    state = store.health(thorough=True)
    if not state.readable:
        _store_failed(state)
        return STORE_FAILED
    print(state.message)
    return 0


def _repair(store: Store) -> int:
    result: RepairResult = store.repair()
    if result.action == "refused":
        _store_failed(result.before)
        return STORE_FAILED
    if result.action != "none":
        print(f"was: {result.before.message}")
    print(result.message)
    for path in result.moved:
        print(f"kept: {path}")
    return 0


def _run(args: argparse.Namespace, store: Store) -> int:
    if args.command == "list":
        print(f"store: {store.path}")
        for d in store.datasets():
            print(
                f"{d.name}\t{d.format}\t{events(d.count)}\tversion {d.version}\t"
                f"accessed {d.accessed}\t{d.attribution()}"
            )
        return 0
    if args.command == "remove":
        removed = store.remove(args.name.strip().lower())
        print(f"removed {events(removed)} of {args.name}")
        return 0

    lang = args.lang or user_language()

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    if not args.file.is_file():
        print(t("cli_no_file", path=args.file), file=sys.stderr)
        return 1
    store.require_readable()  # before reading a large file, not after
    try:
        plan = importers.prepare(
            args.file,
            fmt=args.format,
            dataset=args.dataset,
            version=args.version,
            accessed=args.accessed,
            store=store,
            progress=_progress,
            encoding=args.encoding,
            date_order=args.date_order,
        )
    except importers.ImportFileError as err:
        print(t("cli_error", text=err.text(lang)), file=sys.stderr)
        print(t("cli_nothing_stored"), file=sys.stderr)
        return 1
    print(report(plan, lang=lang))
    if args.rejected and len(plan.rejected):
        args.rejected.write_bytes(importers.rejected_csv(plan))
        print(t("cli_rejected_written", path=args.rejected))
    if not plan.accepted or plan.to_write.empty:
        print(t("cli_nothing_to_store"))
        return 0 if plan.accepted else 1
    if not args.yes:
        try:
            answer = input(
                t("cli_store_question", events=events(len(plan.to_write), lang), path=store.path)
            )
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "o", "oui"):
            print(t("cli_nothing_stored"))
            return 1
    written = importers.commit(plan, store, progress=_progress)
    print(t("cli_stored", events=events(written, lang), name=plan.dataset))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
